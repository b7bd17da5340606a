import { message } from '../definition/message';
import type { FieldOf, FieldTypeSpec, Outcome } from './field-type';
import { ALL_FILTERS, fail, NOT_IN_STATISTICS, ok, plainCellText, plainTextSql, textCells } from './field-type-kit';

/** What deleting a referenced row does: refused, naming who refers to it, or allowed with the reference cleared. */
export const ON_DELETE = ['restrict', 'clear'] as const;
export type OnDelete = (typeof ON_DELETE)[number];

export type ReferenceField = FieldOf<'reference', { ledger?: string; display?: string; onDelete?: OnDelete }>;

/** The longest label (a display text to look a row up by) a reference takes. */
const MAX_LABEL = 200;

/** A row id written as text: "#123" (how a reference with nothing to show is shown). */
const ID_TEXT = /^#(\d{1,15})$/;

/**
 * A number is a row id, and so is "#123"; any other text is what the row says (its display
 * value, a case's number), which the API resolves to the row's id in the unit before anything
 * is checked (docs/ledger-language.md, "References"); a text of digits that names no row is
 * taken as an id.
 */
function normalizeReference(input: unknown): Outcome {
  if (typeof input === 'string') {
    const label = input.trim();
    if (label === '') return ok(null);
    const id = ID_TEXT.exec(label);
    if (id) return normalizeReference(Number(id[1]));
    if (label.length > MAX_LABEL)
      return fail(`引用的内容过长（最多 ${MAX_LABEL} 个字符）`, `At most ${MAX_LABEL} characters`);
    return ok(label);
  }
  if (typeof input !== 'number' || !Number.isSafeInteger(input) || input < 1)
    return fail('应为所引用行的编号或其显示内容', "Must be the referenced row's id or what it shows");
  return ok(input);
}

/** An id as "#123"; a text not yet resolved as it is. */
const formatId = (value: unknown) => (value === null ? '' : typeof value === 'number' ? `#${value}` : String(value));

/**
 * A link to a row of another ledger of the same unit. The value is the row's id; the database
 * holds the link with a foreign key (unit_id, column) → the target's (unit_id, id). It is shown
 * by what the row says (its `display` field, or the target ledger's), which the API reads with
 * the rows (`Row.display`), and typed, pasted or imported the same way.
 */
export const referenceFieldType: FieldTypeSpec<ReferenceField> = {
  type: 'reference',
  title: { zh: '引用', en: 'Reference' },
  describe: {
    zh: '所引用行的编号；外键 (unit_id, 列) → 目标台账的 (unit_id, id)',
    en: "the referenced row's id; a foreign key (unit_id, column) → the target ledger's (unit_id, id)",
  },
  options: {
    ledger: {
      schema: { $ref: '#/$defs/identifier' },
      label: { zh: '引用的台账', en: 'Ledger referred to' },
      input: 'ledger',
    },
    display: {
      schema: { $ref: '#/$defs/identifier' },
      label: { zh: '显示其字段', en: 'Field shown' },
      input: 'ledgerField',
    },
    onDelete: {
      schema: { enum: [...ON_DELETE], default: 'restrict' },
      label: {
        zh: '被引用行删除时（restrict 拒绝 / clear 清空）',
        en: 'When the row referred to is deleted (restrict / clear)',
      },
      input: 'text',
    },
  },
  sqlType: 'bigint',
  valueKind: 'number',
  filters: ALL_FILTERS,
  statistics: NOT_IN_STATISTICS,
  canBeUnique: true,
  checkDefinition: (field) =>
    field.ledger
      ? []
      : [
          {
            path: 'ledger',
            message: message('引用字段必须指明所引用的台账（ledger）', 'A reference must name its ledger'),
          },
        ],
  normalize: normalizeReference,
  // typed, pasted or imported: always what the row says (a label), resolved by the API
  parse: (text) => normalizeReference(text),
  validate: () => [],
  format: formatId,
  target: (field) => (field.ledger ? { ledger: field.ledger, display: field.display ?? null } : null),
  checks: () => [],
  convertSql: (column, from) => (from.sqlType === 'bigint' ? column : `taizhang_try_bigint(${from.textSql(column)})`),
  textSql: plainTextSql,
  fromDb: (raw) => (raw === null || raw === undefined ? null : Number(raw)),
  grid: (field) => ({ editor: 'reference', align: 'left', width: field.width ?? 160 }),
  form: (field) => ({ input: 'row', ledger: field.ledger ?? '', display: field.display ?? null }),
  spreadsheet: (field) => textCells(formatId, field),
  cellText: plainCellText,
  fake: (_field, i) => i + 1,
};
