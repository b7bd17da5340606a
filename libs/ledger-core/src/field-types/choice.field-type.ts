import { message } from '../definition/message';
import type { FieldOf, FieldTypeSpec } from './field-type';
import {
  ALL_FILTERS,
  CATEGORICAL,
  CHOICE_OPTIONS,
  fail,
  matchOption,
  ok,
  optionDefinitionProblems,
  optionLabel,
  optionsOf,
  plainCellText,
  plainTextSql,
  quoteLiteral,
  textCells,
  type ChoiceOptions,
} from './field-type-kit';

const valueList = (values: string[]) => values.map(quoteLiteral).join(', ');

export type ChoiceField = FieldOf<'choice', ChoiceOptions>;

const formatChoice = (value: unknown, field: ChoiceField, locale: 'zh-CN' | 'en') =>
  value === null ? '' : optionLabel(field, String(value), locale);

export const choiceFieldType: FieldTypeSpec<ChoiceField> = {
  type: 'choice',
  title: { zh: '单选', en: 'Choice' },
  describe: { zh: '一个选项的值', en: "One option's value" },
  options: CHOICE_OPTIONS,
  sqlType: 'text',
  valueKind: 'text',
  filters: ALL_FILTERS,
  statistics: CATEGORICAL,
  canBeUnique: true,
  checkDefinition: optionDefinitionProblems,
  normalize: (input) => {
    if (typeof input !== 'string') return fail('应为选项值（文本）', "Must be an option's value (text)");
    return ok(input.trim() === '' ? null : input.trim());
  },
  parse: (text, field) => {
    if (text.trim() === '') return ok(null);
    const value = matchOption(field, text);
    return value === null
      ? fail(`「${text.trim()}」不是可选项`, `"${text.trim()}" is not one of the options`)
      : ok(value);
  },
  validate: (value, field) =>
    field.options?.some((o) => o.value === value)
      ? []
      : [
          message(
            `「${String(value)}」不是可选项（可选：${(field.options ?? []).map((o) => o.value).join('、')}）`,
            `"${String(value)}" is not one of the options (${(field.options ?? []).map((o) => o.value).join(', ')})`,
          ),
        ],
  format: formatChoice,
  choices: optionsOf,
  checks: (field, column) => [`${column} IN (${valueList((field.options ?? []).map((o) => o.value))})`],
  convertSql: (column, from, field) => {
    const text = from.valueKind === 'list' ? `${column}[1]` : `btrim(${from.textSql(column)})`;
    return `CASE WHEN ${text} IN (${valueList((field.options ?? []).map((o) => o.value))}) THEN ${text} END`;
  },
  textSql: plainTextSql,
  fromDb: (raw) => (raw === null || raw === undefined ? null : String(raw)),
  grid: (field, locale) => ({
    editor: 'dropdown',
    options: optionsOf(field, locale),
    align: 'left',
    width: field.width ?? 110,
  }),
  form: (field, locale) => ({ input: 'pickOne', options: optionsOf(field, locale) }),
  spreadsheet: (field) => textCells(formatChoice, field),
  cellText: plainCellText,
  fake: (field, i) => field.options?.[i % field.options.length]?.value ?? null,
};
