import { message } from '../definition/message';
import type { FieldOf, FieldTypeSpec } from './field-type';
import {
  ALL_FILTERS,
  fail,
  hasUnstorableCharacter,
  LENGTH_OPTIONS,
  lengthChecks,
  lengthProblems,
  NOT_IN_STATISTICS,
  ok,
  plainCellText,
  plainTextSql,
  textCells,
  unstorableText,
} from './field-type-kit';

const DEFAULT_MAX = 200;

export type TextField = FieldOf<'text', { minLength?: number; maxLength?: number; pattern?: string }>;

function compilePattern(pattern: string): RegExp | null {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    return null;
  }
}

/** Text as typed: trimmed, blank is no value. Shared by the text-like types. */
export function normalizeText(input: unknown) {
  if (typeof input !== 'string') return fail('应为文本', 'Must be text');
  if (hasUnstorableCharacter(input)) return unstorableText();
  const value = input.trim();
  return ok(value === '' ? null : value);
}

const formatText = (value: unknown) => (value === null ? '' : String(value));

export const textFieldType: FieldTypeSpec<TextField> = {
  type: 'text',
  title: { zh: '文本', en: 'Text' },
  describe: { zh: '一行文字', en: 'A line of text' },
  options: {
    ...LENGTH_OPTIONS,
    pattern: {
      schema: { type: 'string', maxLength: 500 },
      label: { zh: '格式（正则表达式）', en: 'Format (regular expression)' },
      input: 'text',
    },
  },
  sqlType: 'text',
  valueKind: 'text',
  searched: true,
  filters: ALL_FILTERS,
  statistics: NOT_IN_STATISTICS,
  canBeUnique: true,
  checkDefinition: (field) =>
    field.pattern !== undefined && compilePattern(field.pattern) === null
      ? [{ path: 'pattern', message: message('不是有效的正则表达式', 'Not a valid regular expression') }]
      : [],
  normalize: normalizeText,
  parse: (text) => (hasUnstorableCharacter(text) ? unstorableText() : ok(text.trim() === '' ? null : text.trim())),
  validate: (value, field) => {
    const text = String(value);
    const problems = lengthProblems(text, field, DEFAULT_MAX);
    if (field.pattern && !compilePattern(field.pattern)?.test(text)) {
      problems.push(message('格式不正确', 'Wrong format'));
    }
    return problems;
  },
  format: formatText,
  // The pattern stays in the application: JavaScript and PostgreSQL regular expressions differ.
  checks: (field, column) => lengthChecks(field, column, DEFAULT_MAX),
  convertSql: (column, from) => `nullif(btrim(${from.textSql(column)}), '')`,
  textSql: plainTextSql,
  fromDb: (raw) => (raw === null || raw === undefined ? null : String(raw)),
  grid: (field) => ({ editor: 'text', align: 'left', width: field.width ?? 140 }),
  form: (field) => ({ input: 'line', keyboard: 'text', maxLength: field.maxLength ?? DEFAULT_MAX }),
  spreadsheet: (field) => textCells(formatText, field),
  cellText: plainCellText,
  fake: (field, i) => `${field.key}-${i + 1}`,
};
