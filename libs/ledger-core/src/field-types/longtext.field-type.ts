import type { FieldOf, FieldTypeSpec } from './field-type';
import {
  hasUnstorableCharacter,
  LENGTH_OPTIONS,
  lengthChecks,
  lengthProblems,
  ok,
  textCells,
  unstorableText,
} from './field-type-kit';
import { normalizeText, textFieldType } from './text.field-type';

const DEFAULT_MAX = 5000;

export type LongtextField = FieldOf<'longtext', { minLength?: number; maxLength?: number }>;

const text = textFieldType;

/** Text over several lines: like text, with a larger limit and no pattern. */
export const longtextFieldType: FieldTypeSpec<LongtextField> = {
  type: 'longtext',
  title: { zh: '多行文本', en: 'Long text' },
  describe: { zh: '多行文字', en: 'Text over several lines' },
  options: LENGTH_OPTIONS,
  sqlType: 'text',
  valueKind: 'text',
  searched: true,
  filters: text.filters,
  statistics: text.statistics,
  canBeUnique: false,
  checkDefinition: () => [],
  normalize: normalizeText,
  parse: (input) => {
    if (hasUnstorableCharacter(input)) return unstorableText();
    return ok(input.trim() === '' ? null : input.replace(/\r\n/g, '\n').trim());
  },
  validate: (value, field) => lengthProblems(String(value), field, DEFAULT_MAX),
  format: (value) => (value === null ? '' : String(value)),
  checks: (field, column) => lengthChecks(field, column, DEFAULT_MAX),
  convertSql: (column, from) => `nullif(btrim(${from.textSql(column)}), '')`,
  textSql: text.textSql,
  fromDb: text.fromDb,
  grid: (field) => ({ editor: 'multiline', align: 'left', width: field.width ?? 240 }),
  form: (field) => ({ input: 'paragraph', maxLength: field.maxLength ?? DEFAULT_MAX }),
  spreadsheet: (field) => textCells(longtextFieldType.format, field),
  cellText: text.cellText,
  fake: (field, i) => `${field.key} 第 ${i + 1} 条说明`,
};
