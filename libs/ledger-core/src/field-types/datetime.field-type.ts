import type { FieldOf, FieldTypeSpec } from './field-type';
import { fail, ok, ALL_FILTERS, spreadsheetCellText, TIME_AXIS } from './field-type-kit';
import {
  datetimeCells,
  temporalBoundChecks,
  temporalBoundOptions,
  temporalBoundProblems,
  temporalValueProblems,
  type TemporalBounds,
} from './date.field-type';
import { instantOf, looseDateTime, shanghaiIso } from './temporal';

const compareInstants = (a: string, b: string) => (instantOf(a) ?? 0) - (instantOf(b) ?? 0);

export type DatetimeField = FieldOf<'datetime', TemporalBounds>;

export const datetimeFieldType: FieldTypeSpec<DatetimeField> = {
  type: 'datetime',
  title: { zh: '日期时间', en: 'Date and time' },
  describe: { zh: '日期和时间，ISO 8601 带时区', en: 'ISO 8601 with offset' },
  options: temporalBoundOptions('2026-01-01T08:00:00+08:00'),
  sqlType: 'timestamptz',
  valueKind: 'datetime',
  filters: ALL_FILTERS,
  statistics: TIME_AXIS,
  canBeUnique: true,
  checkDefinition: (field) => temporalBoundProblems(field, (text) => looseDateTime(text, true)),
  normalize: (input) => {
    if (typeof input !== 'string') return fail('应为日期时间（ISO 8601）', 'Must be a date and time (ISO 8601)');
    if (input.trim() === '') return ok(null);
    const value = looseDateTime(input, true);
    return value === null
      ? fail(`「${input}」不是有效的日期时间`, `"${input}" is not a valid date and time`)
      : ok(value);
  },
  parse: (text, _field, context) => {
    if (text.trim() === '') return ok(null);
    const value = looseDateTime(text, false, context);
    return value === null
      ? fail(`「${text.trim()}」不是有效的日期时间`, `"${text.trim()}" is not a valid date and time`)
      : ok(value);
  },
  validate: (value, field) => temporalValueProblems(String(value), field, compareInstants),
  format: (value) => (value === null ? '' : String(value).slice(0, 16).replace('T', ' ')),
  checks: (field, column) => temporalBoundChecks(field, column, 'timestamptz'),
  convertSql: (column, from) => {
    if (from.valueKind === 'datetime') return column;
    if (from.valueKind === 'date') return `(${column}::timestamp AT TIME ZONE 'Asia/Shanghai')`;
    return `taizhang_try_timestamptz(${from.textSql(column)})`;
  },
  textSql: (column) => `to_char(${column} AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS"+08:00"')`,
  fromDb: (raw) => {
    if (raw === null || raw === undefined) return null;
    const instant = raw instanceof Date ? raw.getTime() : Date.parse(String(raw));
    return Number.isNaN(instant) ? null : shanghaiIso(instant);
  },
  grid: (field) => ({ editor: 'datetime', align: 'left', width: field.width ?? 150 }),
  form: () => ({ input: 'calendar', calendar: 'datetime-local' }),
  spreadsheet: () => datetimeCells,
  cellText: (cell) => spreadsheetCellText(cell, 'datetime'),
  fake: (_field, i) => shanghaiIso(Date.UTC(2023, 2, 1 + (i % 90), 1 + (i % 8), (i * 7) % 60)),
};
