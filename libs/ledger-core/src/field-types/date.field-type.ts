import { message } from '../definition/message';
import type { FieldDefinitionProblem, FieldOf, FieldTypeSpec, OptionSpec, SpreadsheetSpec } from './field-type';
import { fail, ok, ALL_FILTERS, plainTextSql, quoteLiteral, spreadsheetCellText, TIME_AXIS } from './field-type-kit';
import { looseDate, strictDate } from './temporal';

/** Bounds of the temporal types: ISO strings in the type's own format. */
export interface TemporalBounds {
  min?: string;
  max?: string;
}

export function temporalBoundOptions(example: string): { min: OptionSpec; max: OptionSpec } {
  return {
    min: {
      schema: { type: 'string' },
      label: { zh: `最早（如 ${example}）`, en: `Earliest (e.g. ${example})` },
      input: 'text',
    },
    max: {
      schema: { type: 'string' },
      label: { zh: `最晚（如 ${example}）`, en: `Latest (e.g. ${example})` },
      input: 'text',
    },
  };
}

export function temporalBoundProblems(
  field: TemporalBounds,
  read: (text: string) => string | null,
): FieldDefinitionProblem[] {
  const problems: FieldDefinitionProblem[] = [];
  for (const bound of ['min', 'max'] as const) {
    const value: unknown = field[bound];
    if (value !== undefined && (typeof value !== 'string' || read(value) === null)) {
      problems.push({
        path: bound,
        message: message(`「${String(value)}」不是有效的界限`, `"${String(value)}" is not a valid bound`),
      });
    }
  }
  return problems;
}

export function temporalValueProblems(
  value: string,
  field: TemporalBounds,
  compare: (a: string, b: string) => number,
): ReturnType<FieldTypeSpec<DateField>['validate']> {
  const problems = [];
  if (typeof field.min === 'string' && compare(value, field.min) < 0) {
    problems.push(message(`不能早于 ${field.min}`, `Must not be before ${field.min}`));
  }
  if (typeof field.max === 'string' && compare(value, field.max) > 0) {
    problems.push(message(`不能晚于 ${field.max}`, `Must not be after ${field.max}`));
  }
  return problems;
}

/** CHECKs of a temporal column's bounds, cast to its SQL type. */
export function temporalBoundChecks(field: TemporalBounds, column: string, sqlType: string): string[] {
  return [
    ...(typeof field.min === 'string' ? [`${column} >= ${quoteLiteral(field.min)}::${sqlType}`] : []),
    ...(typeof field.max === 'string' ? [`${column} <= ${quoteLiteral(field.max)}::${sqlType}`] : []),
  ];
}

export type DateField = FieldOf<'date', TemporalBounds>;

const SHANGHAI_MS = 8 * 3_600_000;

/** Date cells hold wall time: a date is its midnight, "UTC" in Excel's eyes. */
const dateCells: SpreadsheetSpec = {
  numFmt: 'yyyy-mm-dd',
  cell: (value) => (value === null ? null : new Date(`${String(value)}T00:00:00Z`)),
};

/** Datetime cells: the Asia/Shanghai wall time (Excel has no time zones). */
export const datetimeCells: SpreadsheetSpec = {
  numFmt: 'yyyy-mm-dd hh:mm',
  cell: (value) => (value === null ? null : new Date(Date.parse(String(value)) + SHANGHAI_MS)),
};

export const dateFieldType: FieldTypeSpec<DateField> = {
  type: 'date',
  title: { zh: '日期', en: 'Date' },
  describe: { zh: '日期 "YYYY-MM-DD"', en: 'A date, "YYYY-MM-DD"' },
  options: temporalBoundOptions('2026-01-01'),
  sqlType: 'date',
  valueKind: 'date',
  filters: ALL_FILTERS,
  statistics: TIME_AXIS,
  canBeUnique: true,
  checkDefinition: (field) => temporalBoundProblems(field, strictDate),
  normalize: (input) => {
    if (typeof input !== 'string') return fail('应为日期（YYYY-MM-DD）', 'Must be a date (YYYY-MM-DD)');
    if (input.trim() === '') return ok(null);
    const date = strictDate(input.trim());
    return date === null
      ? fail(`「${input}」不是有效日期（YYYY-MM-DD）`, `"${input}" is not a valid date (YYYY-MM-DD)`)
      : ok(date);
  },
  parse: (text, _field, context) => {
    if (text.trim() === '') return ok(null);
    const date = looseDate(text, context);
    return date === null ? fail(`「${text.trim()}」不是有效日期`, `"${text.trim()}" is not a valid date`) : ok(date);
  },
  validate: (value, field) => temporalValueProblems(String(value), field, (a, b) => a.localeCompare(b)),
  format: (value) => (value === null ? '' : String(value)),
  checks: (field, column) => temporalBoundChecks(field, column, 'date'),
  convertSql: (column, from) => {
    if (from.valueKind === 'date') return column;
    if (from.valueKind === 'datetime') return `(${column} AT TIME ZONE 'Asia/Shanghai')::date`;
    return `taizhang_try_date(${from.textSql(column)})`;
  },
  textSql: plainTextSql,
  fromDb: (raw) => {
    if (raw === null || raw === undefined) return null;
    // node-postgres is told to hand dates over as text (type parser 1082), so no time zone shifts them
    return String(raw);
  },
  grid: (field) => ({ editor: 'date', align: 'left', width: field.width ?? 110 }),
  form: (field) => ({ input: 'calendar', calendar: 'date', min: field.min, max: field.max }),
  spreadsheet: () => dateCells,
  cellText: (cell) => spreadsheetCellText(cell, 'date'),
  fake: (_field, i) => new Date(Date.UTC(2023, 2, 1 + (i % 90))).toISOString().slice(0, 10),
};
