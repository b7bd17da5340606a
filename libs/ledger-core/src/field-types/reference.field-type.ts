import { message } from '../definition/message';
import type { FieldTypeSpec } from './field-type';
import { asText, fail, ok, plainNumber, unusedPropertyProblems } from './field-type-kit';

/**
 * A link to a row of another ledger of the same unit. The value is the row's id; the database
 * holds the link with a foreign key (unit_id, column) → the target's (unit_id, id).
 */
export const referenceFieldType: FieldTypeSpec = {
  type: 'reference',
  sqlType: 'bigint',
  checkDefinition: (field) => [
    ...unusedPropertyProblems(field, ['ledger', 'display']),
    ...(field.ledger
      ? []
      : [
          {
            path: 'ledger',
            message: message('引用字段必须指明所引用的台账（ledger）', 'A reference must name its ledger'),
          },
        ]),
  ],
  normalize: (input) => {
    const id = typeof input === 'string' && /^\d{1,15}$/.test(input.trim()) ? Number(input) : input;
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1)
      return fail('应为所引用行的编号', "Must be the referenced row's id");
    return ok(id);
  },
  parse: (text) => {
    if (text.trim() === '') return ok(null);
    const number = plainNumber(text);
    return number === null
      ? fail(`「${text.trim()}」不是行编号`, `"${text.trim()}" is not a row id`)
      : referenceFieldType.normalize(Number(number), { key: '', title: '', type: 'reference' });
  },
  validate: () => [],
  format: (value) => (value === null ? '' : String(value)),
  checks: () => [],
  convertSql: (column, from) =>
    from === 'reference' || from === 'integer' ? column : `taizhang_try_bigint(${asText(column, from)})`,
  fromDb: (raw) => (raw === null || raw === undefined ? null : Number(raw)),
  grid: (field) => ({ editor: 'reference', align: 'left', width: field.width ?? 140 }),
  fake: (_field, i) => i + 1,
};
