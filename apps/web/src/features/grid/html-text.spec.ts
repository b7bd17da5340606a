import { describe, expect, it } from 'vitest';
import { escapeHtml, textOnly } from './html-text';

describe('the grid writes text, never HTML', () => {
  const payload = `日期<img src=x onerror="window.__xss=1">'&lt;b&gt;`;

  it('escapes every character that markup is made of', () => {
    expect(escapeHtml(payload)).toBe('日期&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;&#39;&amp;lt;b&amp;gt;');
    expect(escapeHtml('当日办件量 *')).toBe('当日办件量 *');
  });

  it('turns headers, menus, select options and dialogs into text that reads back as it was written', () => {
    for (const context of ['header', 'contextMenu', 'selectEditor', 'dialog', 'notification', 'password']) {
      const html = textOnly(payload, context);
      // what the browser parses: entities only, no tag, no attribute
      expect(html).not.toMatch(/[<>"']/);
      expect(decode(html)).toBe(payload);
    }
  });

  it('leaves pasted clipboard HTML to Handsontable, which parses it without running it', () => {
    const table = '<table><tr><td>1</td></tr></table>';
    expect(textOnly(table, 'CopyPaste.paste')).toBe(table);
    expect(textOnly(table, 'CopyPaste.paste.sourceData')).toBe(table);
  });
});

function decode(html: string): string {
  return html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
