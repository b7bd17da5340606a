import type { FieldOf, FieldTypeSpec } from './field-type';
import { fail, NOT_IN_STATISTICS, ok, ALL_FILTERS, spreadsheetCellText } from './field-type-kit';
import {
  temporalBoundChecks,
  temporalBoundOptions,
  temporalBoundProblems,
  temporalValueProblems,
  type TemporalBounds,
} from './date.field-type';
import { looseTime } from './temporal';

const strictTime = (text: string) => (/^\d{2}:\d{2}$/.test(text) ? looseTime(text) : null);

export type TimeField = FieldOf<'time', TemporalBounds>;

export const timeFieldType: FieldTypeSpec<TimeField> = {
  type: 'time',
  title: { zh: '时间', en: 'Time' },
  describe: { zh: '一天中的时刻 "HH:mm"', en: 'A time of day, "HH:mm"' },
  options: temporalBoundOptions('08:30'),
  sqlType: 'time',
  valueKind: 'time',
  filters: ALL_FILTERS,
  statistics: NOT_IN_STATISTICS,
  canBeUnique: true,
  checkDefinition: (field) => temporalBoundProblems(field, strictTime),
  normalize: (input) => {
    if (typeof input !== 'string') return fail('应为时间（HH:mm）', 'Must be a time (HH:mm)');
    if (input.trim() === '') return ok(null);
    const value = looseTime(input);
    return value === null
      ? fail(`「${input}」不是有效时间（HH:mm）`, `"${input}" is not a valid time (HH:mm)`)
      : ok(value);
  },
  parse: (text) => {
    if (text.trim() === '') return ok(null);
    const value = looseTime(text);
    return value === null ? fail(`「${text.trim()}」不是有效时间`, `"${text.trim()}" is not a valid time`) : ok(value);
  },
  validate: (value, field) => temporalValueProblems(String(value), field, (a, b) => a.localeCompare(b)),
  format: (value) => (value === null ? '' : String(value)),
  checks: (field, column) => temporalBoundChecks(field, column, 'time'),
  convertSql: (column, from) => {
    if (from.valueKind === 'time') return column;
    if (from.valueKind === 'datetime') return `(${column} AT TIME ZONE 'Asia/Shanghai')::time(0)`;
    return `taizhang_try_time(${from.textSql(column)})`;
  },
  textSql: (column) => `to_char(${column}, 'HH24:MI')`,
  fromDb: (raw) => (raw === null || raw === undefined ? null : String(raw).slice(0, 5)),
  grid: (field) => ({ editor: 'time', align: 'left', width: field.width ?? 80 }),
  form: (field) => ({ input: 'calendar', calendar: 'time', min: field.min, max: field.max }),
  spreadsheet: (field) => ({ cell: (value) => (value === null ? null : timeFieldType.format(value, field, 'zh-CN')) }),
  cellText: (cell) => spreadsheetCellText(cell, 'time'),
  fake: (_field, i) => `${String(8 + (i % 10)).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}`,
};
