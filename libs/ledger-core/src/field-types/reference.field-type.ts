import { message } from '../definition/message';
import type { FieldOf, FieldTypeSpec, Outcome } from './field-type';
import {
  ALL_FILTERS,
  fail,
  NOT_IN_STATISTICS,
  ok,
  plainCellText,
  plainNumber,
  plainTextSql,
  textCells,
} from './field-type-kit';

export type ReferenceField = FieldOf<'reference', { ledger?: string; display?: string }>;

function normalizeId(input: unknown): Outcome {
  const id = typeof input === 'string' && /^\d{1,15}$/.test(input.trim()) ? Number(input) : input;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1)
    return fail('应为所引用行的编号', "Must be the referenced row's id");
  return ok(id);
}

const formatId = (value: unknown) => (value === null ? '' : String(value));

/**
 * A link to a row of another ledger of the same unit. The value is the row's id; the database
 * holds the link with a foreign key (unit_id, column) → the target's (unit_id, id).
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
  normalize: normalizeId,
  parse: (text) => {
    if (text.trim() === '') return ok(null);
    const number = plainNumber(text);
    return number === null
      ? fail(`「${text.trim()}」不是行编号`, `"${text.trim()}" is not a row id`)
      : normalizeId(Number(number));
  },
  validate: () => [],
  format: formatId,
  target: (field) => (field.ledger ? { ledger: field.ledger, display: field.display ?? null } : null),
  checks: () => [],
  convertSql: (column, from) => (from.sqlType === 'bigint' ? column : `taizhang_try_bigint(${from.textSql(column)})`),
  textSql: plainTextSql,
  fromDb: (raw) => (raw === null || raw === undefined ? null : Number(raw)),
  grid: (field) => ({ editor: 'text', align: 'left', width: field.width ?? 140 }),
  form: (field) => ({ input: 'row', ledger: field.ledger ?? '', display: field.display ?? null }),
  spreadsheet: (field) => textCells(formatId, field),
  cellText: plainCellText,
  fake: (_field, i) => i + 1,
};
