import type { FieldOf, FieldTypeSpec } from './field-type';
import {
  fail,
  groupDigits,
  NUMERIC_BOUND_OPTIONS,
  numberCells,
  numericBoundChecks,
  numericBoundDefinitionProblems,
  numericBoundProblems,
  ok,
  ALL_FILTERS,
  plainCellText,
  plainNumber,
  plainTextSql,
  SUMMABLE,
  type NumericBounds,
} from './field-type-kit';

export type IntegerField = FieldOf<'integer', NumericBounds>;

function normalizeInteger(input: unknown) {
  if (typeof input !== 'number' || !Number.isFinite(input)) return fail('应为整数', 'Must be a whole number');
  if (!Number.isInteger(input)) return fail('应为整数，不能有小数', 'Must be a whole number, without decimals');
  if (!Number.isSafeInteger(input)) return fail('数值过大', 'The number is too large');
  return ok(input);
}

export const integerFieldType: FieldTypeSpec<IntegerField> = {
  type: 'integer',
  title: { zh: '整数', en: 'Whole number' },
  describe: { zh: '整数', en: 'A whole number' },
  options: NUMERIC_BOUND_OPTIONS,
  sqlType: 'bigint',
  valueKind: 'number',
  filters: ALL_FILTERS,
  statistics: SUMMABLE,
  canBeUnique: true,
  checkDefinition: numericBoundDefinitionProblems,
  normalize: normalizeInteger,
  parse: (text) => {
    if (text.trim() === '') return ok(null);
    const number = plainNumber(text);
    if (number === null) return fail(`「${text.trim()}」不是数字`, `"${text.trim()}" is not a number`);
    return normalizeInteger(Number(number));
  },
  validate: (value, field) => numericBoundProblems(Number(value), field, String),
  format: (value) => (value === null ? '' : groupDigits(String(value))),
  checks: numericBoundChecks,
  convertSql: (column, from) => {
    if (from.sqlType === 'bigint') return column;
    if (from.valueKind === 'number') return `CASE WHEN ${column} = trunc(${column}) THEN ${column}::bigint END`;
    if (from.valueKind === 'boolean') return `CASE WHEN ${column} THEN 1 WHEN NOT ${column} THEN 0 END`;
    return `taizhang_try_bigint(${from.textSql(column)})`;
  },
  textSql: plainTextSql,
  fromDb: (raw) => (raw === null || raw === undefined ? null : Number(raw)),
  grid: (field) => ({ editor: 'numeric', decimals: 0, align: 'right', width: field.width ?? 100 }),
  form: () => ({ input: 'line', keyboard: 'numeric' }),
  spreadsheet: () => numberCells('0'),
  cellText: plainCellText,
  fake: (field, i) => {
    const min = typeof field.min === 'number' ? field.min : 0;
    const max = typeof field.max === 'number' ? field.max : min + 100;
    return min + (i % (max - min + 1));
  },
};
