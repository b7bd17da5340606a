import type { FieldTypeSpec } from './field-type';
import { asText, fail, ok, quoteLiteral, unusedPropertyProblems } from './field-type-kit';
import { temporalBoundProblems, temporalValueProblems } from './date.field-type';
import { looseTime } from './temporal';

const strictTime = (text: string) => (/^\d{2}:\d{2}$/.test(text) ? looseTime(text) : null);

export const timeFieldType: FieldTypeSpec = {
  type: 'time',
  sqlType: 'time',
  checkDefinition: (field) => [
    ...unusedPropertyProblems(field, ['min', 'max']),
    ...temporalBoundProblems(field, strictTime),
  ],
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
  checks: (field, column) => [
    ...(typeof field.min === 'string' ? [`${column} >= ${quoteLiteral(field.min)}::time`] : []),
    ...(typeof field.max === 'string' ? [`${column} <= ${quoteLiteral(field.max)}::time`] : []),
  ],
  convertSql: (column, from) => {
    if (from === 'time') return column;
    if (from === 'datetime') return `(${column} AT TIME ZONE 'Asia/Shanghai')::time(0)`;
    return `taizhang_try_time(${asText(column, from)})`;
  },
  fromDb: (raw) => (raw === null || raw === undefined ? null : String(raw).slice(0, 5)),
  grid: (field) => ({ editor: 'time', align: 'left', width: field.width ?? 80 }),
  fake: (_field, i) => `${String(8 + (i % 10)).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}`,
};
