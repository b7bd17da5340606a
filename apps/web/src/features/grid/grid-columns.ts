import type Handsontable from 'handsontable/base';
import {
  isComputedField,
  rowParseContext,
  textOf,
  type FieldDefinition,
  type FieldValue,
  type LedgerModel,
  type Locale,
} from '@taizhang/ledger-core';
import { ATTACHMENT_EDITOR, attachmentRenderer, type AttachmentActions } from '../attachments/attachment-cell';
import { CALENDAR_EDITOR, type CalendarRead } from './calendar-editor';
import { DISPLAY_TEXT_EDITOR, editText } from './display-text-editor';
import { editorWords } from './editor-words';
import { PICK_MANY_EDITOR, pickManyRenderer } from './pick-many-editor';
import { REFERENCE_EDITOR, type ReferencePicking } from './reference-picker-editor';
import { UNIT_COLUMN } from './grid-row';

/** What a cell shows: the field type's own formatting, or the text as typed while it does not parse. */
export function displayText(model: LedgerModel, field: FieldDefinition, value: unknown, locale: Locale): string {
  if (value === null || value === undefined) return '';
  const spec = model.spec(field);
  const normalized = spec.normalize(value, field);
  return normalized.ok ? spec.format(normalized.value as FieldValue, field, locale) : String(value);
}

/**
 * What names a row in a list (the recycle bin, a history): its first three filled fields, as
 * shown — by the grid's `cellText` when given (a reference by what its row says).
 */
export function rowLabel(
  model: LedgerModel,
  values: Record<string, unknown>,
  locale: Locale,
  cellText = (field: FieldDefinition, value: unknown) => displayText(model, field, value, locale),
): string {
  return model.fields
    .filter((field) => !field.formula)
    .map((field) => cellText(field, values[field.key]))
    .filter((text) => text !== '')
    .slice(0, 3)
    .join(' · ');
}

export function columnTitle(field: FieldDefinition, locale: Locale): string {
  return `${textOf(field.title, locale)}${field.required && !field.formula ? ' *' : ''}`;
}

/** Room for a header's title and its menu button: CJK characters are about twice as wide. */
function titleWidth(title: string): number {
  const units = [...title].reduce((sum, ch) => sum + (/[\u2e80-\uffff]/.test(ch) ? 2 : 1), 0);
  return Math.min(320, units * 7.5 + 44);
}

/**
 * Handsontable's column settings, from the field types' grid specs (ledger-core): editors per
 * type, widths, alignment, computed fields (and every field of a locked sheet) read-only. Values are checked by ledger-core in the
 * grid's change hooks, never by Handsontable's per-cell validators.
 */
export function gridColumns(
  model: LedgerModel,
  locale: Locale,
  renderer: Handsontable.renderers.BaseRenderer,
  readOnly: boolean,
  withUnit: boolean,
  /** How a reference column finds rows to pick (the grid's controller); without it, its text is typed. */
  references?: (field: FieldDefinition) => ReferencePicking,
  /** What an attachment column's cells open: the page's file panel and preview (the grid's controller). */
  attachments?: AttachmentActions,
): Handsontable.ColumnSettings[] {
  const unitColumn: Handsontable.ColumnSettings[] = withUnit
    ? [{ data: UNIT_COLUMN, width: 220, readOnly: true, renderer, className: 'htLeft cell-computed' }]
    : [];
  return [...unitColumn, ...fieldColumns(model, locale, renderer, readOnly, references, attachments)];
}

function fieldColumns(
  model: LedgerModel,
  locale: Locale,
  renderer: Handsontable.renderers.BaseRenderer,
  readOnly: boolean,
  references?: (field: FieldDefinition) => ReferencePicking,
  attachments?: AttachmentActions,
): Handsontable.ColumnSettings[] {
  return model.fields.map((field) => {
    const grid = model.spec(field).grid(field, locale);
    const computed = isComputedField(field);
    const column: Handsontable.ColumnSettings = {
      data: field.key,
      width: Math.max(grid.width, titleWidth(columnTitle(field, locale))),
      readOnly: readOnly || computed,
      renderer,
      className: [
        `ht${grid.align === 'right' ? 'Right' : grid.align === 'center' ? 'Center' : 'Left'}`,
        field.derive ? 'cell-derived' : computed ? 'cell-computed' : '',
      ]
        .filter(Boolean)
        .join(' '),
    };
    if (grid.editor === 'attachment') {
      // thumbnails and a count; Enter or a double click opens the file panel (attachment-cell.ts);
      // a click on a thumbnail previews it, in a read-only sheet too
      const cell = { ...column, renderer: attachmentRenderer(renderer, attachments, editorWords(locale).fileCount) };
      return computed || readOnly ? cell : { ...cell, editor: ATTACHMENT_EDITOR, attachmentActions: attachments };
    }
    if (computed || readOnly) return column;
    if (grid.editor === 'date' || grid.editor === 'datetime') {
      // typed as before, with a calendar beside the text (calendar-editor.ts)
      return {
        ...column,
        editor: CALENDAR_EDITOR,
        editText: (value: unknown) => editText(model, field, value, locale),
        calendarRead: calendarReader(model, field),
        calendarTime: grid.editor === 'datetime',
        editorWords: editorWords(locale),
      };
    }
    if (grid.editor === 'reference' && references) {
      // searched by what the rows say, the row's id kept (reference-picker-editor.ts)
      return {
        ...column,
        editor: REFERENCE_EDITOR,
        referencePicking: references(field),
        editorWords: editorWords(locale),
      };
    }
    switch (grid.editor) {
      case 'dropdown':
        // a list to pick from (typing a value or a label works too: the type's parse reads it);
        // blank stays blank, unlike a checkbox
        // the list shows the options' labels in the interface language; cellInput reads a label
        // (or the start of exactly one) back to its value
        return { ...column, editor: 'dropdown', source: (grid.options ?? []).map((o) => o.label), strict: false };
      case 'multiselect':
        // the options' labels as chips; the editor filters labels by what is typed (pick-many-editor.ts)
        return {
          ...column,
          editor: PICK_MANY_EDITOR,
          renderer: pickManyRenderer(renderer, grid.options ?? [], locale === 'en' ? ', ' : '、'),
          wordWrap: false,
          choiceOptions: grid.options ?? [],
          editorWords: editorWords(locale),
        };
      case 'multiline':
        return { ...column, editor: DISPLAY_TEXT_EDITOR, wordWrap: false };
      default:
        // opened with the text the cell shows, not the stored form (display-text-editor.ts)
        return {
          ...column,
          editor: DISPLAY_TEXT_EDITOR,
          editText: (value: unknown) => editText(model, field, value, locale),
        };
    }
  });
}

/** A date or datetime cell's text read as its type reads typing, for the calendar to follow. */
function calendarReader(model: LedgerModel, field: FieldDefinition): CalendarRead {
  const spec = model.spec(field);
  return (text, row) => {
    const outcome = spec.parse(text, field, rowParseContext(model, row ?? {}, new Date()));
    if (!outcome.ok || typeof outcome.value !== 'string') return null;
    const value = outcome.value; // YYYY-MM-DD, or ISO 8601 at +08:00 (Shanghai's wall time)
    return { day: value.slice(0, 10), time: value.length > 10 ? value.slice(11, 16) : null };
  };
}
