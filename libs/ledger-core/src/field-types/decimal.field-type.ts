import { message } from '../definition/message';
import type { FieldDefinition } from '../definition/types';
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

const DEFAULT_SCALE = 2;

function decimalsOf(value: number): number {
  if (Number.isInteger(value)) return 0;
  // toPrecision(15) removes float noise such as 0.1 + 0.2 = 0.30000000000000004
  const text = String(Number(value.toPrecision(15)));
  const [, fraction = ''] = text.split('e')[0].split('.');
  const exponent = text.includes('e-') ? Number(text.split('e-')[1]) : 0;
  return fraction.length + exponent;
}

export function normalizeNumber(input: unknown): ReturnType<FieldTypeSpec['normalize']> {
  if (typeof input !== 'number' || !Number.isFinite(input)) return fail('应为数字', 'Must be a number');
  if (Math.abs(input) > 1e15) return fail('数值过大', 'The number is too large');
  return ok(Number(input.toPrecision(15)));
}

export const decimalFieldType: FieldTypeSpec = {
  type: 'decimal',
  sqlType: 'numeric',
  checkDefinition: (field) => [
    ...unusedPropertyProblems(field, ['min', 'max', 'scale']),
    ...numericBoundDefinitionProblems(field),
  ],
  normalize: (input) => normalizeNumber(input),
  parse: (text) => {
    if (text.trim() === '') return ok(null);
    const number = plainNumber(text);
    return number === null
      ? fail(`「${text.trim()}」不是数字`, `"${text.trim()}" is not a number`)
      : normalizeNumber(Number(number));
  },
  validate: (value, field: FieldDefinition) => {
    const scale = field.scale ?? DEFAULT_SCALE;
    const problems = numericBoundProblems(Number(value), field, String);
    if (decimalsOf(Number(value)) > scale)
      problems.push(message(`最多 ${scale} 位小数`, `At most ${scale} decimal places`));
    return problems;
  },
  format: (value, field) => (value === null ? '' : Number(value).toFixed(field.scale ?? DEFAULT_SCALE)),
  checks: numericBoundChecks,
  convertSql: (column, from) => {
    if (from === 'integer' || from === 'decimal' || from === 'percent' || from === 'reference')
      return `${column}::numeric`;
    if (from === 'boolean') return `CASE WHEN ${column} THEN 1 WHEN NOT ${column} THEN 0 END`;
    return `taizhang_try_numeric(${asText(column, from)})`;
  },
  fromDb: (raw) => (raw === null || raw === undefined ? null : Number(raw)),
  grid: (field) => ({
    editor: 'numeric',
    decimals: field.scale ?? DEFAULT_SCALE,
    align: 'right',
    width: field.width ?? 110,
  }),
  fake: (field, i) => {
    const min = typeof field.min === 'number' ? field.min : 0;
    return Number((min + ((i * 7.31) % 100)).toFixed(field.scale ?? DEFAULT_SCALE));
  },
};
