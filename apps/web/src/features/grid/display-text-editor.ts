import { registerEditor } from 'handsontable/editors/registry';
import { TextEditor } from 'handsontable/editors/textEditor';
import type { FieldDefinition, FieldValue, LedgerModel, Locale } from '@taizhang/ledger-core';
import { displayText } from './grid-columns';

/**
 * The text a cell opens with for editing (F2, Enter, a double click): what the cell shows
 * ("60%", "2026-12-05 11:20", "¥1,234.50"), when the field type reads that text back to the same
 * value; else the stored form. Never ISO 8601 or a bare fraction that typing rules would read
 * differently (a 100% cell opened as "1" and committed would become 1%).
 */
export function editText(model: LedgerModel, field: FieldDefinition, value: unknown, locale: Locale): string {
  if (value === null || value === undefined) return '';
  const spec = model.spec(field);
  const stored = spec.normalize(value, field);
  if (!stored.ok) return String(value);
  const shown = displayText(model, field, value, locale);
  const back = spec.parse(shown, field);
  return back.ok && sameValue(back.value, stored.value) ? shown : String(value);
}

function sameValue(a: FieldValue, b: FieldValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The editor's name in column settings. */
export const DISPLAY_TEXT_EDITOR = 'displayText';

/** Handsontable's text editor, opening with `editText` (the column's `editText` setting). */
export class DisplayTextEditor extends TextEditor {
  override beginEditing(newInitialValue?: unknown, event?: Event): void {
    const text = (this.cellProperties as { editText?: (value: unknown) => string }).editText;
    // typing a character opens the editor with that text: keep it; F2/Enter/double click: the shown text
    super.beginEditing(typeof newInitialValue !== 'string' && text ? text(this.originalValue) : newInitialValue, event);
  }
}

registerEditor(DISPLAY_TEXT_EDITOR, DisplayTextEditor);
