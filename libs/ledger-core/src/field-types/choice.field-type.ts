import { message } from '../definition/message';
import type { FieldTypeSpec } from './field-type';
import {
  asText,
  fail,
  matchOption,
  ok,
  optionDefinitionProblems,
  optionLabel,
  optionsOf,
  quoteLiteral,
  unusedPropertyProblems,
} from './field-type-kit';

const valueList = (values: string[]) => values.map(quoteLiteral).join(', ');

export const choiceFieldType: FieldTypeSpec = {
  type: 'choice',
  sqlType: 'text',
  checkDefinition: (field) => [...unusedPropertyProblems(field, ['options']), ...optionDefinitionProblems(field)],
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
  format: (value, field, locale) => (value === null ? '' : optionLabel(field, String(value), locale)),
  checks: (field, column) => [`${column} IN (${valueList((field.options ?? []).map((o) => o.value))})`],
  convertSql: (column, from, field) => {
    const text = from === 'multichoice' ? `${column}[1]` : `btrim(${asText(column, from)})`;
    return `CASE WHEN ${text} IN (${valueList((field.options ?? []).map((o) => o.value))}) THEN ${text} END`;
  },
  fromDb: (raw) => (raw === null || raw === undefined ? null : String(raw)),
  grid: (field, locale) => ({
    editor: 'dropdown',
    options: optionsOf(field, locale),
    align: 'left',
    width: field.width ?? 110,
  }),
  fake: (field, i) => field.options?.[i % field.options.length]?.value ?? null,
};
