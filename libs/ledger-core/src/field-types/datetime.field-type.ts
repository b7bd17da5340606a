import type { FieldTypeSpec } from './field-type';
import { asText, fail, ok, quoteLiteral, unusedPropertyProblems } from './field-type-kit';
import { temporalBoundProblems, temporalValueProblems } from './date.field-type';
import { instantOf, looseDateTime, shanghaiIso } from './temporal';

const compareInstants = (a: string, b: string) => (instantOf(a) ?? 0) - (instantOf(b) ?? 0);

export const datetimeFieldType: FieldTypeSpec = {
  type: 'datetime',
  sqlType: 'timestamptz',
  checkDefinition: (field) => [
    ...unusedPropertyProblems(field, ['min', 'max']),
    ...temporalBoundProblems(field, (text) => looseDateTime(text, true)),
  ],
  normalize: (input) => {
    if (typeof input !== 'string') return fail('应为日期时间（ISO 8601）', 'Must be a date and time (ISO 8601)');
    if (input.trim() === '') return ok(null);
    const value = looseDateTime(input, true);
    return value === null
      ? fail(`「${input}」不是有效的日期时间`, `"${input}" is not a valid date and time`)
      : ok(value);
  },
  parse: (text) => {
    if (text.trim() === '') return ok(null);
    const value = looseDateTime(text, false);
    return value === null
      ? fail(`「${text.trim()}」不是有效的日期时间`, `"${text.trim()}" is not a valid date and time`)
      : ok(value);
  },
  validate: (value, field) => temporalValueProblems(String(value), field, compareInstants),
  format: (value) => (value === null ? '' : String(value).slice(0, 16).replace('T', ' ')),
  checks: (field, column) => [
    ...(typeof field.min === 'string' ? [`${column} >= ${quoteLiteral(field.min)}::timestamptz`] : []),
    ...(typeof field.max === 'string' ? [`${column} <= ${quoteLiteral(field.max)}::timestamptz`] : []),
  ],
  convertSql: (column, from) => {
    if (from === 'datetime') return column;
    if (from === 'date') return `(${column}::timestamp AT TIME ZONE 'Asia/Shanghai')`;
    return `taizhang_try_timestamptz(${asText(column, from)})`;
  },
  fromDb: (raw) => {
    if (raw === null || raw === undefined) return null;
    const instant = raw instanceof Date ? raw.getTime() : Date.parse(String(raw));
    return Number.isNaN(instant) ? null : shanghaiIso(instant);
  },
  grid: (field) => ({ editor: 'datetime', align: 'left', width: field.width ?? 150 }),
  fake: (_field, i) => shanghaiIso(Date.UTC(2023, 2, 1 + (i % 90), 1 + (i % 8), (i * 7) % 60)),
};
