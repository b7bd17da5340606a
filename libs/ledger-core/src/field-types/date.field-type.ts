import { message } from '../definition/message';
import type { FieldDefinition } from '../definition/types';
import type { FieldDefinitionProblem, FieldTypeSpec } from './field-type';
import { asText, fail, ok, quoteLiteral, unusedPropertyProblems } from './field-type-kit';
import { looseDate, strictDate } from './temporal';

/** Bounds of the temporal types are ISO strings in the type's own format. */
export function temporalBoundProblems(
  field: FieldDefinition,
  read: (text: string) => string | null,
): FieldDefinitionProblem[] {
  const problems: FieldDefinitionProblem[] = [];
  for (const bound of ['min', 'max'] as const) {
    const value = field[bound];
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
  field: FieldDefinition,
  compare: (a: string, b: string) => number,
): ReturnType<FieldTypeSpec['validate']> {
  const problems = [];
  if (typeof field.min === 'string' && compare(value, field.min) < 0) {
    problems.push(message(`不能早于 ${field.min}`, `Must not be before ${field.min}`));
  }
  if (typeof field.max === 'string' && compare(value, field.max) > 0) {
    problems.push(message(`不能晚于 ${field.max}`, `Must not be after ${field.max}`));
  }
  return problems;
}

export const dateFieldType: FieldTypeSpec = {
  type: 'date',
  sqlType: 'date',
  checkDefinition: (field) => [
    ...unusedPropertyProblems(field, ['min', 'max']),
    ...temporalBoundProblems(field, strictDate),
  ],
  normalize: (input) => {
    if (typeof input !== 'string') return fail('应为日期（YYYY-MM-DD）', 'Must be a date (YYYY-MM-DD)');
    if (input.trim() === '') return ok(null);
    const date = strictDate(input.trim());
    return date === null
      ? fail(`「${input}」不是有效日期（YYYY-MM-DD）`, `"${input}" is not a valid date (YYYY-MM-DD)`)
      : ok(date);
  },
  parse: (text) => {
    if (text.trim() === '') return ok(null);
    const date = looseDate(text);
    return date === null ? fail(`「${text.trim()}」不是有效日期`, `"${text.trim()}" is not a valid date`) : ok(date);
  },
  validate: (value, field) => temporalValueProblems(String(value), field, (a, b) => a.localeCompare(b)),
  format: (value) => (value === null ? '' : String(value)),
  checks: (field, column) => [
    ...(typeof field.min === 'string' ? [`${column} >= ${quoteLiteral(field.min)}::date`] : []),
    ...(typeof field.max === 'string' ? [`${column} <= ${quoteLiteral(field.max)}::date`] : []),
  ],
  convertSql: (column, from) => {
    if (from === 'date') return column;
    if (from === 'datetime') return `(${column} AT TIME ZONE 'Asia/Shanghai')::date`;
    return `taizhang_try_date(${asText(column, from)})`;
  },
  fromDb: (raw) => {
    if (raw === null || raw === undefined) return null;
    // node-postgres is told to hand dates over as text (type parser 1082), so no time zone shifts them
    return String(raw);
  },
  grid: (field) => ({ editor: 'date', align: 'left', width: field.width ?? 110 }),
  fake: (_field, i) => new Date(Date.UTC(2023, 2, 1 + (i % 90))).toISOString().slice(0, 10),
};
