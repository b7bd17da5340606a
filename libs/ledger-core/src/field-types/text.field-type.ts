import { message } from '../definition/message';
import type { FieldTypeSpec } from './field-type';
import {
  asText,
  fail,
  hasUnstorableCharacter,
  lengthChecks,
  lengthProblems,
  ok,
  unstorableText,
  unusedPropertyProblems,
} from './field-type-kit';

const DEFAULT_MAX = 200;

function compilePattern(pattern: string): RegExp | null {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    return null;
  }
}

export const textFieldType: FieldTypeSpec = {
  type: 'text',
  sqlType: 'text',
  checkDefinition: (field) => [
    ...unusedPropertyProblems(field, ['minLength', 'maxLength', 'pattern']),
    ...(field.pattern !== undefined && compilePattern(field.pattern) === null
      ? [{ path: 'pattern', message: message('不是有效的正则表达式', 'Not a valid regular expression') }]
      : []),
  ],
  normalize: (input) => {
    if (typeof input !== 'string') return fail('应为文本', 'Must be text');
    if (hasUnstorableCharacter(input)) return unstorableText();
    const value = input.trim();
    return ok(value === '' ? null : value);
  },
  parse: (text) => (hasUnstorableCharacter(text) ? unstorableText() : ok(text.trim() === '' ? null : text.trim())),
  validate: (value, field) => {
    const text = String(value);
    const problems = lengthProblems(text, field, DEFAULT_MAX);
    if (field.pattern && !compilePattern(field.pattern)?.test(text)) {
      problems.push(message('格式不正确', 'Wrong format'));
    }
    return problems;
  },
  format: (value) => (value === null ? '' : String(value)),
  // The pattern stays in the application: JavaScript and PostgreSQL regular expressions differ.
  checks: (field, column) => lengthChecks(field, column, DEFAULT_MAX),
  convertSql: (column, from) => `nullif(btrim(${asText(column, from)}), '')`,
  fromDb: (raw) => (raw === null || raw === undefined ? null : String(raw)),
  grid: (field) => ({ editor: 'text', align: 'left', width: field.width ?? 140 }),
  fake: (field, i) => `${field.key}-${i + 1}`,
};
