import { message } from '../definition/message';
import type { FieldOf, FieldTypeSpec, Outcome } from './field-type';
import {
  groupDigits,
  fail,
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

const DEFAULT_SCALE = 2;

export type DecimalField = FieldOf<'decimal', NumericBounds & { scale?: number }>;

function decimalsOf(value: number): number {
  if (Number.isInteger(value)) return 0;
  // toPrecision(15) removes float noise such as 0.1 + 0.2 = 0.30000000000000004
  const text = String(Number(value.toPrecision(15)));
  const [, fraction = ''] = text.split('e')[0].split('.');
  const exponent = text.includes('e-') ? Number(text.split('e-')[1]) : 0;
  return fraction.length + exponent;
}

export function normalizeNumber(input: unknown): Outcome {
  if (typeof input !== 'number' || !Number.isFinite(input)) return fail('应为数字', 'Must be a number');
  if (Math.abs(input) > 1e15) return fail('数值过大', 'The number is too large');
  return ok(Number(input.toPrecision(15)));
}

/** Digits after the point: 0 to 10. */
export const SCALE_OPTION = {
  schema: { type: 'integer', minimum: 0, maximum: 10 },
  label: { zh: '小数位数', en: 'Decimal places' },
  input: 'wholeNumber',
} as const;

/** A numeric column into a fractional one: numbers as they are, yes/no as 1/0, text where it reads. */
export function numericFrom(column: string, from: { valueKind: string; textSql(column: string): string }): string {
  if (from.valueKind === 'number') return `${column}::numeric`;
  if (from.valueKind === 'boolean') return `CASE WHEN ${column} THEN 1 WHEN NOT ${column} THEN 0 END`;
  return `taizhang_try_numeric(${from.textSql(column)})`;
}

export const decimalFieldType: FieldTypeSpec<DecimalField> = {
  type: 'decimal',
  title: { zh: '小数', en: 'Decimal' },
  describe: { zh: '数字，可带小数', en: 'A number with decimals' },
  options: { ...NUMERIC_BOUND_OPTIONS, scale: SCALE_OPTION },
  sqlType: 'numeric',
  valueKind: 'number',
  filters: ALL_FILTERS,
  statistics: SUMMABLE,
  canBeUnique: true,
  checkDefinition: numericBoundDefinitionProblems,
  normalize: (input) => normalizeNumber(input),
  parse: (text) => {
    if (text.trim() === '') return ok(null);
    const number = plainNumber(text);
    return number === null
      ? fail(`「${text.trim()}」不是数字`, `"${text.trim()}" is not a number`)
      : normalizeNumber(Number(number));
  },
  validate: (value, field) => {
    const scale = field.scale ?? DEFAULT_SCALE;
    const problems = numericBoundProblems(Number(value), field, String);
    if (decimalsOf(Number(value)) > scale)
      problems.push(message(`最多 ${scale} 位小数`, `At most ${scale} decimal places`));
    return problems;
  },
  format: (value, field) => (value === null ? '' : groupDigits(Number(value).toFixed(field.scale ?? DEFAULT_SCALE))),
  checks: numericBoundChecks,
  convertSql: numericFrom,
  textSql: plainTextSql,
  fromDb: (raw) => (raw === null || raw === undefined ? null : Number(raw)),
  grid: (field) => ({
    editor: 'numeric',
    decimals: field.scale ?? DEFAULT_SCALE,
    align: 'right',
    width: field.width ?? 110,
  }),
  form: () => ({ input: 'line', keyboard: 'decimal' }),
  spreadsheet: (field) => numberCells(field.scale === 0 ? '0' : `0.${'0'.repeat(field.scale ?? DEFAULT_SCALE)}`),
  cellText: plainCellText,
  fake: (field, i) => {
    const min = typeof field.min === 'number' ? field.min : 0;
    return Number((min + ((i * 7.31) % 100)).toFixed(field.scale ?? DEFAULT_SCALE));
  },
};
