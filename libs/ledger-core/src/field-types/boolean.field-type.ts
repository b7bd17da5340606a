import type { Locale } from '../definition/text';
import type { FieldOf, FieldTypeSpec } from './field-type';
import { CATEGORICAL, fail, ok, plainCellText, plainTextSql, textCells } from './field-type-kit';

const TRUE_WORDS = ['true', 'yes', 'y', '1', '是', '对', '√', '✓', '已'];
const FALSE_WORDS = ['false', 'no', 'n', '0', '否', '不是', '×', '✗', '未'];

export type BooleanField = FieldOf<'boolean'>;

const formatYesNo = (value: unknown, _field: unknown, locale: Locale) =>
  value === null ? '' : value ? (locale === 'en' ? 'Yes' : '是') : locale === 'en' ? 'No' : '否';

export const booleanFieldType: FieldTypeSpec<BooleanField> = {
  type: 'boolean',
  title: { zh: '是否', en: 'Yes/no' },
  describe: { zh: 'true / false', en: 'true / false' },
  options: {},
  sqlType: 'boolean',
  valueKind: 'boolean',
  filters: ['eq', 'ne', 'in', 'empty'],
  statistics: CATEGORICAL,
  canBeUnique: false,
  checkDefinition: () => [],
  normalize: (input) => (typeof input === 'boolean' ? ok(input) : fail('应为 true 或 false', 'Must be true or false')),
  parse: (text) => {
    const word = text.trim().toLowerCase();
    if (word === '') return ok(null);
    if (TRUE_WORDS.includes(word)) return ok(true);
    if (FALSE_WORDS.includes(word)) return ok(false);
    return fail(`「${text.trim()}」应为“是”或“否”`, `"${text.trim()}" must be yes or no`);
  },
  validate: () => [],
  format: formatYesNo,
  choices: (field, locale) =>
    [true, false].map((value) => ({ value: String(value), label: formatYesNo(value, field, locale) })),
  checks: () => [],
  convertSql: (column, from) => {
    if (from.valueKind === 'boolean') return column;
    if (from.valueKind === 'number') return `CASE WHEN ${column} = 1 THEN true WHEN ${column} = 0 THEN false END`;
    return `taizhang_try_boolean(${from.textSql(column)})`;
  },
  textSql: plainTextSql,
  fromDb: (raw) => (raw === null || raw === undefined ? null : Boolean(raw)),
  // 是 / 否 from a list (typing 是, 否, y, 1 … works too); blank stays blank, unlike a checkbox
  grid: (field, locale) => ({
    editor: 'dropdown',
    options: [true, false].map((value) => ({
      value: formatYesNo(value, field, locale),
      label: formatYesNo(value, field, locale),
    })),
    align: 'center',
    width: field.width ?? 80,
  }),
  form: (field, locale) => ({
    input: 'yesNo',
    yes: formatYesNo(true, field, locale),
    no: formatYesNo(false, field, locale),
  }),
  spreadsheet: (field) => textCells(formatYesNo, field),
  cellText: plainCellText,
  fake: (_field, i) => i % 3 !== 0,
};
