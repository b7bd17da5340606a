import { message, type Message } from '../definition/message';
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
  quoteLiteral,
  textCells,
  type ChoiceOptions,
} from './field-type-kit';

export type MultichoiceField = FieldOf<'multichoice', ChoiceOptions & { minItems?: number; maxItems?: number }>;

const optionArray = (field: MultichoiceField) =>
  `ARRAY[${(field.options ?? []).map((o) => quoteLiteral(o.value)).join(', ')}]::text[]`;

const formatPicked = (value: unknown, field: MultichoiceField, locale: 'zh-CN' | 'en') =>
  value === null
    ? ''
    : (value as string[]).map((v) => optionLabel(field, v, locale)).join(locale === 'en' ? ', ' : '、');

export const multichoiceFieldType: FieldTypeSpec<MultichoiceField> = {
  type: 'multichoice',
  title: { zh: '多选', en: 'Multiple choice' },
  describe: { zh: '选项值的数组', en: "An array of options' values" },
  options: {
    ...CHOICE_OPTIONS,
    minItems: {
      schema: { type: 'integer', minimum: 0 },
      label: { zh: '至少选几项', en: 'Pick at least' },
      input: 'wholeNumber',
    },
    maxItems: {
      schema: { type: 'integer', minimum: 1 },
      label: { zh: '最多选几项', en: 'Pick at most' },
      input: 'wholeNumber',
    },
  },
  sqlType: 'text[]',
  valueKind: 'list',
  filters: ALL_FILTERS,
  statistics: CATEGORICAL,
  canBeUnique: false,
  checkDefinition: (field) => [
    ...optionDefinitionProblems(field),
    ...(field.minItems !== undefined && field.maxItems !== undefined && field.minItems > field.maxItems
      ? [
          {
            path: 'maxItems',
            message: message('maxItems 不能小于 minItems', 'maxItems must not be less than minItems'),
          },
        ]
      : []),
  ],
  normalize: (input) => {
    if (!Array.isArray(input) || input.some((item) => typeof item !== 'string')) {
      return fail('应为选项值的列表', "Must be a list of options' values");
    }
    const values = [...new Set((input as string[]).map((item) => item.trim()).filter(Boolean))];
    return ok(values.length === 0 ? null : values);
  },
  parse: (text, field) => {
    if (text.trim() === '') return ok(null);
    const parts = text
      .split(/[,，、;；\n]+/)
      .map((part) => part.trim())
      .filter(Boolean);
    // "ABH" for option values of one letter each, as people write survey answers
    const letters = parts.length === 1 && /^[A-Za-z]{2,}$/.test(parts[0]) ? [...parts[0].toUpperCase()] : parts;
    const values: string[] = [];
    for (const part of letters) {
      const value = matchOption(field, part);
      if (value === null) return fail(`「${part}」不是可选项`, `"${part}" is not one of the options`);
      if (!values.includes(value)) values.push(value);
    }
    return ok(values);
  },
  validate: (value, field) => {
    const values = value as string[];
    const problems: Message[] = [];
    const unknown = values.filter((v) => !field.options?.some((o) => o.value === v));
    if (unknown.length > 0) {
      problems.push(message(`「${unknown.join('、')}」不是可选项`, `"${unknown.join(', ')}" are not options`));
    }
    if (field.minItems !== undefined && values.length < field.minItems) {
      problems.push(message(`至少选择 ${field.minItems} 项`, `Pick at least ${field.minItems}`));
    }
    if (field.maxItems !== undefined && values.length > field.maxItems) {
      problems.push(message(`最多选择 ${field.maxItems} 项`, `Pick at most ${field.maxItems}`));
    }
    return problems;
  },
  format: formatPicked,
  choices: optionsOf,
  checks: (field, column) => [`${column} <@ ${optionArray(field)}`],
  convertSql: (column, from, field) => {
    if (from.valueKind === 'list')
      return `ARRAY(SELECT v FROM unnest(${column}) AS v WHERE v = ANY (${optionArray(field)}))`;
    const text = `btrim(${from.textSql(column)})`;
    return `CASE WHEN ${text} = ANY (${optionArray(field)}) THEN ARRAY[${text}] END`;
  },
  textSql: (column) => `array_to_string(${column}, ',')`,
  fromDb: (raw) => (Array.isArray(raw) ? raw.map(String) : null),
  grid: (field, locale) => ({
    editor: 'multiselect',
    options: optionsOf(field, locale),
    align: 'left',
    width: field.width ?? 160,
  }),
  form: (field, locale) => ({ input: 'pickMany', options: optionsOf(field, locale) }),
  spreadsheet: (field) => textCells(formatPicked, field),
  cellText: plainCellText,
  fake: (field, i) => {
    const options = field.options ?? [];
    return options.length === 0
      ? null
      : [...new Set([options[i % options.length].value, options[(i * 3) % options.length].value])];
  },
};
