import type { FieldTypeSpec } from './field-type';
import { asText, fail, ok, unusedPropertyProblems } from './field-type-kit';

const TRUE_WORDS = ['true', 'yes', 'y', '1', '是', '对', '√', '✓', '已'];
const FALSE_WORDS = ['false', 'no', 'n', '0', '否', '不是', '×', '✗', '未'];

export const booleanFieldType: FieldTypeSpec = {
  type: 'boolean',
  sqlType: 'boolean',
  checkDefinition: (field) => unusedPropertyProblems(field, []),
  normalize: (input) => (typeof input === 'boolean' ? ok(input) : fail('应为 true 或 false', 'Must be true or false')),
  parse: (text) => {
    const word = text.trim().toLowerCase();
    if (word === '') return ok(null);
    if (TRUE_WORDS.includes(word)) return ok(true);
    if (FALSE_WORDS.includes(word)) return ok(false);
    return fail(`「${text.trim()}」应为“是”或“否”`, `"${text.trim()}" must be yes or no`);
  },
  validate: () => [],
  format: (value, _field, locale) =>
    value === null ? '' : value ? (locale === 'en' ? 'Yes' : '是') : locale === 'en' ? 'No' : '否',
  checks: () => [],
  convertSql: (column, from) => {
    if (from === 'boolean') return column;
    if (from === 'integer' || from === 'decimal' || from === 'percent')
      return `CASE WHEN ${column} = 1 THEN true WHEN ${column} = 0 THEN false END`;
    return `taizhang_try_boolean(${asText(column, from)})`;
  },
  fromDb: (raw) => (raw === null || raw === undefined ? null : Boolean(raw)),
  grid: (field) => ({ editor: 'checkbox', align: 'center', width: field.width ?? 80 }),
  fake: (_field, i) => i % 3 !== 0,
};
