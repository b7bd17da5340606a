import type { SanitizerContext } from 'handsontable/settings';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Markup written as the characters it is made of: `<b>` shows as `<b>`, never as bold. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch]);
}

/**
 * Handsontable's `sanitizer` for every grid of the app. Handsontable writes column headers, menu
 * items and select options with innerHTML; here everything it writes that way is text. The
 * headers are the definition's field titles, which an admin (or a file in schemas/) chooses: a
 * title such as `日期<img src=x onerror=…>` shows as those characters and runs nothing.
 *
 * Pasted clipboard HTML is the exception: Handsontable parses it in a DOMParser document (no
 * browsing context, nothing runs or loads) to read the table Excel or WPS put there, and escaping
 * it would turn that table into text.
 */
export function textOnly(content: string, context: SanitizerContext): string {
  if (context === 'CopyPaste.paste' || context === 'CopyPaste.paste.sourceData') return content;
  return escapeHtml(content);
}
