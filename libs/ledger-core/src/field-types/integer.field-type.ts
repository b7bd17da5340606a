import type { FieldTypeSpec } from './field-type';
import {
  asText,
  fail,
  numericBoundChecks,
  numericBoundDefinitionProblems,
  numericBoundProblems,
  ok,
  plainNumber,
  unusedPropertyProblems,
} from './field-type-kit';

export const integerFieldType: FieldTypeSpec = {
  type: 'integer',
  sqlType: 'bigint',
  checkDefinition: (field) => [
    ...unusedPropertyProblems(field, ['min', 'max']),
    ...numericBoundDefinitionProblems(field),
  ],
  normalize: (input) => {
    if (typeof input !== 'number' || !Number.isFinite(input)) return fail('应为整数', 'Must be a whole number');
    if (!Number.isInteger(input)) return fail('应为整数，不能有小数', 'Must be a whole number, without decimals');
    if (!Number.isSafeInteger(input)) return fail('数值过大', 'The number is too large');
    return ok(input);
  },
  parse: (text) => {
    if (text.trim() === '') return ok(null);
    const number = plainNumber(text);
    if (number === null) return fail(`「${text.trim()}」不是数字`, `"${text.trim()}" is not a number`);
    return integerFieldType.normalize(Number(number), { key: '', title: '', type: 'integer' });
  },
  validate: (value, field) => numericBoundProblems(Number(value), field, String),
  format: (value) => (value === null ? '' : String(value)),
  checks: numericBoundChecks,
  convertSql: (column, from) => {
    if (from === 'integer' || from === 'reference') return column;
    if (from === 'decimal' || from === 'percent')
      return `CASE WHEN ${column} = trunc(${column}) THEN ${column}::bigint END`;
    if (from === 'boolean') return `CASE WHEN ${column} THEN 1 WHEN NOT ${column} THEN 0 END`;
    return `taizhang_try_bigint(${asText(column, from)})`;
  },
  fromDb: (raw) => (raw === null || raw === undefined ? null : Number(raw)),
  grid: (field) => ({ editor: 'numeric', decimals: 0, align: 'right', width: field.width ?? 100 }),
  fake: (field, i) => {
    const min = typeof field.min === 'number' ? field.min : 0;
    const max = typeof field.max === 'number' ? field.max : min + 100;
    return min + (i % (max - min + 1));
  },
};
