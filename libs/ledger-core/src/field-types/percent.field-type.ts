import type { FieldOf, FieldTypeSpec } from './field-type';
import { fail, numberCells, numericBoundProblems, ok, plainNumber, type NumericBounds } from './field-type-kit';
import { decimalFieldType, normalizeNumber, SCALE_OPTION } from './decimal.field-type';

/** "60" (as typed) → 0.6, exactly: the decimal point moved, not a float divided. */
const percentOf = (digits: string): number => Number((Number(digits) / 100).toPrecision(15));

const show = (fraction: number) => `${Number((fraction * 100).toPrecision(12))}%`;

export type PercentField = FieldOf<'percent', NumericBounds & { scale?: number }>;

const decimal = decimalFieldType;

/**
 * A share, stored as a fraction (0.5 = 50%). Typed as Excel's automatic percent entry reads it:
 * "60%" and "60" are 60%, "1" is 1%, a number below 1 ("0.6") is already the fraction, 60%. A
 * spreadsheet's number cell is the fraction itself (Excel stores 60% as 0.6), so it is read as
 * such (cellText), not by the typing rule.
 */
export const percentFieldType: FieldTypeSpec<PercentField> = {
  type: 'percent',
  title: { zh: '百分比', en: 'Percentage' },
  describe: { zh: '百分数，存为小数（0.5 即 50%）', en: 'A share, stored as a fraction (0.5 = 50%)' },
  options: {
    min: { ...decimal.options.min, label: { zh: '最小值（1 即 100%）', en: 'Minimum (1 = 100%)' } },
    max: { ...decimal.options.max, label: { zh: '最大值（1 即 100%）', en: 'Maximum (1 = 100%)' } },
    scale: SCALE_OPTION,
  },
  sqlType: 'numeric',
  valueKind: 'number',
  filters: decimal.filters,
  statistics: decimal.statistics,
  canBeUnique: true,
  checkDefinition: (field) => decimal.checkDefinition({ ...field, type: 'decimal' }),
  normalize: (input) => normalizeNumber(input),
  parse: (text) => {
    const trimmed = text.trim();
    if (trimmed === '') return ok(null);
    const isPercent = /[%％]$/.test(trimmed);
    const number = plainNumber(isPercent ? trimmed.slice(0, -1) : trimmed);
    if (number === null) return fail(`「${trimmed}」不是百分数`, `"${trimmed}" is not a percentage`);
    const n = Number(number);
    return normalizeNumber(isPercent || Math.abs(n) >= 1 ? percentOf(number) : n);
  },
  validate: (value, field) => numericBoundProblems(Number(value), field, show),
  // shown to the percentage's `scale` decimals (2 unless the definition says), as the grid's column
  format: (value, field) => (value === null ? '' : `${Number((Number(value) * 100).toFixed(field.scale ?? 2))}%`),
  checks: (field, column) => decimal.checks({ ...field, type: 'decimal' }, column),
  convertSql: (column, from, field) => decimal.convertSql(column, from, { ...field, type: 'decimal' }),
  textSql: decimal.textSql,
  fromDb: decimal.fromDb,
  grid: (field) => ({ editor: 'percent', decimals: field.scale ?? 2, align: 'right', width: field.width ?? 100 }),
  form: () => ({ input: 'line', keyboard: 'decimal', suffix: '%' }),
  spreadsheet: (field) => numberCells(`0.${'0'.repeat(field.scale ?? 2)}%`),
  // a number cell holds the fraction (a percent-formatted 100% is 1): read it as "100%"
  cellText: (cell) => (typeof cell === 'number' ? `${Number((cell * 100).toPrecision(15))}%` : decimal.cellText(cell)),
  fake: (_field, i) => ((i * 37) % 101) / 100,
};
