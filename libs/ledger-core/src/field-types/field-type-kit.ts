import { message, type Message } from '../definition/message';
import { textOf, type Locale } from '../definition/text';
import type { FieldDefinition, FieldType } from '../definition/types';
import type { FieldDefinitionProblem, FieldValue, Outcome } from './field-type';

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

/** Length limits shared by the text-like types. */
export function lengthProblems(value: string, field: FieldDefinition, defaultMax: number): Message[] {
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

export function lengthChecks(field: FieldDefinition, column: string, defaultMax: number): string[] {
  const checks = [`char_length(${column}) <= ${field.maxLength ?? defaultMax}`];
  if (field.minLength) checks.push(`char_length(${column}) >= ${field.minLength}`);
  return checks;
}

export function numericBoundProblems(value: number, field: FieldDefinition, show: (n: number) => string): Message[] {
  const problems: Message[] = [];
  if (typeof field.min === 'number' && value < field.min) {
    problems.push(message(`不能小于 ${show(field.min)}`, `Must be at least ${show(field.min)}`));
  }
  if (typeof field.max === 'number' && value > field.max) {
    problems.push(message(`不能大于 ${show(field.max)}`, `Must be at most ${show(field.max)}`));
  }
  return problems;
}

export function numericBoundChecks(field: FieldDefinition, column: string): string[] {
  const checks: string[] = [];
  if (typeof field.min === 'number') checks.push(`${column} >= ${field.min}`);
  if (typeof field.max === 'number') checks.push(`${column} <= ${field.max}`);
  return checks;
}

/** Bounds a numeric type's definition may give: numbers, min ≤ max. */
export function numericBoundDefinitionProblems(field: FieldDefinition): FieldDefinitionProblem[] {
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

/** Properties that make sense only for some types: say so rather than ignore them silently. */
export function unusedPropertyProblems(
  field: FieldDefinition,
  allowed: readonly (keyof FieldDefinition)[],
): FieldDefinitionProblem[] {
  const typeSpecific: (keyof FieldDefinition)[] = [
    'min',
    'max',
    'scale',
    'minLength',
    'maxLength',
    'pattern',
    'options',
    'minItems',
    'maxItems',
    'ledger',
    'display',
  ];
  return typeSpecific
    .filter((property) => field[property] !== undefined && !allowed.includes(property))
    .map((property) => ({
      path: property,
      message: message(
        `「${field.type}」类型的字段不支持 ${property}`,
        `A field of type "${field.type}" has no ${property}`,
      ),
    }));
}

/** "1,200" / " 12 " / "１２" (full-width) → a plain number string, or null. */
export function plainNumber(text: string): string | null {
  const cleaned = text
    .replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[\uFF0E]/g, '.')
    .replace(/[\uFF0D]/g, '-')
    .replace(/[,，\s]/g, '');
  return /^[+-]?(\d+\.?\d*|\.\d+)$/.test(cleaned) ? cleaned : null;
}

/** Conversion from another type through text, NULL where the text does not parse (migration helpers). */
export function viaText(column: string, from: FieldType, tryCast: string): string {
  return `${tryCast}(${asText(column, from)})`;
}

export function asText(column: string, from: FieldType): string {
  if (from === 'multichoice') return `array_to_string(${column}, ',')`;
  if (from === 'datetime') return `to_char(${column} AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS"+08:00"')`;
  if (from === 'time') return `to_char(${column}, 'HH24:MI')`;
  return `${column}::text`;
}

export function optionLabel(field: FieldDefinition, value: string, locale: Locale): string {
  const option = field.options?.find((o) => o.value === value);
  return option?.label ? textOf(option.label, locale) : value;
}

export function optionsOf(field: FieldDefinition, locale: Locale): { value: string; label: string }[] {
  return (field.options ?? []).map((o) => ({ value: o.value, label: o.label ? textOf(o.label, locale) : o.value }));
}

/** Options a choice type's definition must give: at least one, unique values. */
export function optionDefinitionProblems(field: FieldDefinition): FieldDefinitionProblem[] {
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
export function matchOption(field: FieldDefinition, text: string): string | null {
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
