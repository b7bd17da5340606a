import { message, type Message } from '../definition/message';
import { textOf, type Locale } from '../definition/text';
import type { ChoiceOption } from '../definition/types';
import {
  FILTER_OPERATORS,
  type ChoiceItem,
  type ExcelCell,
  type FieldDefinitionProblem,
  type FieldValue,
  type FilterOperator,
  type OptionSpecs,
  type Outcome,
  type SpreadsheetSpec,
  type StatisticsRoles,
} from './field-type';

/** Building blocks the field-type files share, so that each file says only what is its own. */

export const ok = (value: FieldValue): Outcome => ({ ok: true, value });
export const fail = (zh: string, en: string): Outcome => ({ ok: false, problem: message(zh, en) });

export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Whether a JSON value counts as "no value". */
export function isBlank(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

/** Half of a UTF-16 surrogate pair, alone: no UTF-8 encoding exists for it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Whether text holds a character PostgreSQL cannot store in a text column: NUL, or a lone
 * surrogate (JSON can carry "\ud800", UTF-8 cannot). Refused as the caller's error, not left
 * to fail in the database.
 */
export function hasUnstorableCharacter(text: string): boolean {
  return text.includes('\u0000') || LONE_SURROGATE.test(text);
}

export const UNSTORABLE_TEXT = message(
  '含有无法保存的字符（空字符或不完整的 Unicode 字符）',
  'Contains a character that cannot be stored (NUL or a broken Unicode character)',
);

export const unstorableText = (): Outcome => ({ ok: false, problem: UNSTORABLE_TEXT });

export function chars(text: string): number {
  return [...text].length;
}

interface LengthOptions {
  minLength?: number;
  maxLength?: number;
}

/** Length limits shared by the text-like types. */
export function lengthProblems(value: string, field: LengthOptions, defaultMax: number): Message[] {
  const problems: Message[] = [];
  const length = chars(value);
  const max = field.maxLength ?? defaultMax;
  if (length > max)
    problems.push(message(`不能超过 ${max} 个字符（现有 ${length} 个）`, `At most ${max} characters (has ${length})`));
  if (field.minLength !== undefined && length < field.minLength) {
    problems.push(message(`至少需要 ${field.minLength} 个字符`, `At least ${field.minLength} characters`));
  }
  return problems;
}

export function lengthChecks(field: LengthOptions, column: string, defaultMax: number): string[] {
  const checks = [`char_length(${column}) <= ${field.maxLength ?? defaultMax}`];
  if (field.minLength) checks.push(`char_length(${column}) >= ${field.minLength}`);
  return checks;
}

export const LENGTH_OPTIONS: OptionSpecs<LengthOptions> = {
  minLength: {
    schema: { type: 'integer', minimum: 0 },
    label: { zh: '最少字数', en: 'Fewest characters' },
    input: 'wholeNumber',
  },
  maxLength: {
    schema: { type: 'integer', minimum: 1, maximum: 100000 },
    label: { zh: '最多字数', en: 'Most characters' },
    input: 'wholeNumber',
  },
};

/** Numeric bounds, as numbers. */
export interface NumericBounds {
  min?: number;
  max?: number;
}

export const NUMERIC_BOUND_OPTIONS: OptionSpecs<NumericBounds> = {
  min: { schema: { type: 'number' }, label: { zh: '最小值', en: 'Minimum' }, input: 'number' },
  max: { schema: { type: 'number' }, label: { zh: '最大值', en: 'Maximum' }, input: 'number' },
};

export function numericBoundProblems(value: number, field: NumericBounds, show: (n: number) => string): Message[] {
  const problems: Message[] = [];
  if (typeof field.min === 'number' && value < field.min) {
    problems.push(message(`不能小于 ${show(field.min)}`, `Must be at least ${show(field.min)}`));
  }
  if (typeof field.max === 'number' && value > field.max) {
    problems.push(message(`不能大于 ${show(field.max)}`, `Must be at most ${show(field.max)}`));
  }
  return problems;
}

export function numericBoundChecks(field: NumericBounds, column: string): string[] {
  const checks: string[] = [];
  if (typeof field.min === 'number') checks.push(`${column} >= ${field.min}`);
  if (typeof field.max === 'number') checks.push(`${column} <= ${field.max}`);
  return checks;
}

/** Bounds a numeric type's definition may give: numbers, min ≤ max. */
export function numericBoundDefinitionProblems(field: NumericBounds): FieldDefinitionProblem[] {
  const problems: FieldDefinitionProblem[] = [];
  for (const bound of ['min', 'max'] as const) {
    if (field[bound] !== undefined && typeof field[bound] !== 'number') {
      problems.push({ path: bound, message: message('应为数字', 'Must be a number') });
    }
  }
  if (typeof field.min === 'number' && typeof field.max === 'number' && field.min > field.max) {
    problems.push({ path: 'max', message: message('max 不能小于 min', 'max must not be less than min') });
  }
  return problems;
}

/** Every filter: what text, numbers, dates and lists allow (contains reads the value as text). */
export const ALL_FILTERS: readonly FilterOperator[] = FILTER_OPERATORS;

export const NOT_IN_STATISTICS: StatisticsRoles = { summable: false, categorical: false, timeAxis: false };
export const SUMMABLE: StatisticsRoles = { summable: true, categorical: false, timeAxis: false };
export const CATEGORICAL: StatisticsRoles = { summable: false, categorical: true, timeAxis: false };
export const TIME_AXIS: StatisticsRoles = { summable: false, categorical: false, timeAxis: true };

/** "1,200" / " 12 " / "１２" (full-width) → a plain number string, or null. */
export function plainNumber(text: string): string | null {
  const cleaned = text
    .replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[\uFF0E]/g, '.')
    .replace(/[\uFF0D]/g, '-')
    .replace(/[,，\s]/g, '');
  return /^[+-]?(\d+\.?\d*|\.\d+)$/.test(cleaned) ? cleaned : null;
}

/**
 * A plain decimal number's text with its thousands separated, as Excel's #,##0 shows them:
 * 1203 → 1,203, -1234567.5 → -1,234,567.5 (plainNumber reads it back).
 */
export function groupDigits(text: string): string {
  const [whole, fraction] = text.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** The column as text, as most types' `parse` reads it. */
export const plainTextSql = (column: string): string => `${column}::text`;

const pad = (n: number) => String(n).padStart(2, '0');

/** The apostrophe our CSV export (sheet-writers.ts csvSafe) and spreadsheet users put before a formula-like text. */
const QUOTED_FORMULA = /^'[=+\-@\t\r]/;

/**
 * A spreadsheet cell as the text a type's lenient parse reads: numbers without Excel's float
 * noise, date cells (Excel keeps wall time, read here as UTC) as "YYYY-MM-DD", "YYYY-MM-DD
 * HH:mm:ss" or "HH:mm" as `as` says, booleans as true/false, text as it is but for the
 * apostrophe that kept a formula-like text from running in a spreadsheet ("'=1+1" is "=1+1").
 */
export function spreadsheetCellText(
  cell: Exclude<ExcelCell, null>,
  as: 'plain' | 'date' | 'datetime' | 'time',
): string {
  if (cell instanceof Date) {
    const date = cell.toISOString().slice(0, 10);
    if (as !== 'datetime' && as !== 'time') return date;
    const time = `${pad(cell.getUTCHours())}:${pad(cell.getUTCMinutes())}:${pad(cell.getUTCSeconds())}`;
    return as === 'time' ? time.slice(0, 5) : `${date} ${time}`;
  }
  if (typeof cell === 'number') {
    // a date typed as a number of days (a date column without a date format): Excel's serial
    if (as === 'date' && cell > 20_000 && cell < 80_000 && Number.isInteger(cell))
      return new Date(Date.UTC(1899, 11, 30) + cell * 86_400_000).toISOString().slice(0, 10);
    return String(Number(cell.toPrecision(15)));
  }
  const text = String(cell);
  return QUOTED_FORMULA.test(text) ? text.slice(1) : text;
}

export const plainCellText = (cell: Exclude<ExcelCell, null>): string => spreadsheetCellText(cell, 'plain');

/** A spreadsheet column whose cells are the type's display text. */
export function textCells<F>(
  format: (value: FieldValue, field: F, locale: Locale) => string,
  field: F,
): SpreadsheetSpec {
  return { cell: (value, locale) => (value === null ? null : format(value, field, locale)) };
}

/** A spreadsheet column of numbers shown in an Excel number format. */
export function numberCells(numFmt: string): SpreadsheetSpec {
  return { numFmt, cell: (value) => (value === null ? null : Number(value)) };
}

/** What the choice types' definitions give. */
export interface ChoiceOptions {
  options?: ChoiceOption[];
}

export const CHOICE_OPTIONS: OptionSpecs<Required<ChoiceOptions>> = {
  options: {
    schema: {
      type: 'array',
      minItems: 1,
      maxItems: 500,
      items: {
        type: 'object',
        required: ['value'],
        additionalProperties: false,
        properties: {
          value: { type: 'string', minLength: 1, maxLength: 200 },
          label: { $ref: '#/$defs/text' },
        },
      },
    },
    label: { zh: '选项', en: 'Options' },
    input: 'choices',
  },
};

export function optionLabel(field: ChoiceOptions, value: string, locale: Locale): string {
  const option = field.options?.find((o) => o.value === value);
  return option?.label ? textOf(option.label, locale) : value;
}

export function optionsOf(field: ChoiceOptions, locale: Locale): ChoiceItem[] {
  return (field.options ?? []).map((o) => ({ value: o.value, label: o.label ? textOf(o.label, locale) : o.value }));
}

/** Options a choice type's definition must give: at least one, unique values. */
export function optionDefinitionProblems(field: ChoiceOptions): FieldDefinitionProblem[] {
  if (!field.options || field.options.length === 0) {
    return [{ path: 'options', message: message('选择类字段必须列出选项', 'A choice field must list its options') }];
  }
  const seen = new Set<string>();
  const problems: FieldDefinitionProblem[] = [];
  field.options.forEach((option, index) => {
    if (seen.has(option.value)) {
      problems.push({
        path: `options/${index}/value`,
        message: message(`选项值「${option.value}」重复`, `The option value "${option.value}" appears twice`),
      });
    }
    seen.add(option.value);
  });
  return problems;
}

/** Finds an option by value, or by its label (a paste from Excel carries labels). */
export function matchOption(field: ChoiceOptions, text: string): string | null {
  const wanted = text.trim();
  for (const option of field.options ?? []) {
    if (option.value === wanted) return option.value;
  }
  for (const option of field.options ?? []) {
    const label = option.label;
    if (label && (textOf(label, 'zh-CN') === wanted || textOf(label, 'en') === wanted)) return option.value;
  }
  // "A、非常满意" or "A 非常满意": the value in front
  const lead = /^([A-Za-z0-9]+)[、.．\s]/.exec(wanted);
  if (lead && field.options?.some((o) => o.value === lead[1])) return lead[1];
  return null;
}
