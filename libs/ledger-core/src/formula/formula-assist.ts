import { message, type Message } from '../definition/message';
import { textOf, type Locale } from '../definition/text';
import type { Text } from '../definition/types';
import type { ValueKind } from '../field-types/field-type';
import { FIELD_TYPE_REGISTRY, type FieldType } from '../field-types/registry';
import type { FormulaNode } from './formula-ast';
import { FormulaSyntaxError } from './formula-errors';
import { CROSS_PERIOD_FUNCTIONS, FORMULA_FUNCTIONS } from './formula-functions';
import { parseFormula } from './formula-parser';

/**
 * What a formula editor offers while someone types (docs/designer.md): the fields by their
 * titles, the functions with what they do, and the kind of value the formula gives.
 */

/** Each function as an author reads it: how it is called and what it gives. */
export const FUNCTION_HELP: Readonly<Record<string, { call: string; help: Message }>> = Object.freeze({
  if: {
    call: 'if(条件, 是, 否)',
    help: message('条件成立取“是”，否则取“否”', 'the second value if the condition holds, else the third'),
  },
  coalesce: { call: 'coalesce(值1, 值2, …)', help: message('第一个不为空的值', 'the first value that is not blank') },
  isblank: { call: 'isblank(值)', help: message('值为空时为真', 'true when the value is blank') },
  hours: {
    call: 'hours(开始, 结束)',
    help: message('两个时间相隔的小时数', 'hours from the first time to the second'),
  },
  days: { call: 'days(开始, 结束)', help: message('两个日期相隔的天数', 'days from the first date to the second') },
  adddays: { call: 'adddays(日期, 天数)', help: message('日期加若干天', 'the date so many days on') },
  today: { call: 'today()', help: message('今天的日期', "today's date") },
  now: { call: 'now()', help: message('现在的时间', 'the time now') },
  round: { call: 'round(数, 小数位)', help: message('四舍五入', 'rounded to so many decimals') },
  abs: { call: 'abs(数)', help: message('绝对值', 'the absolute value') },
  min: { call: 'min(值1, 值2, …)', help: message('最小的值', 'the smallest value') },
  max: { call: 'max(值1, 值2, …)', help: message('最大的值', 'the largest value') },
  len: { call: 'len(文本)', help: message('文本的字数', 'the number of characters') },
  count: { call: 'count(多选)', help: message('选了几项', 'how many options are picked') },
  contains: { call: 'contains(文本或多选, 值)', help: message('包含该值时为真', 'true when it contains the value') },
  previous: {
    call: 'previous(字段)',
    help: message('上一周期本单位的该字段', "the field in the unit's previous period"),
  },
  cumulative: {
    call: 'cumulative(字段)',
    help: message('本年至本周期本单位该字段的累计', "the unit's total of the field this year up to this period"),
  },
});

const KEYWORDS: ReadonlyArray<{ word: string; help: Message }> = [
  { word: 'and', help: message('并且', 'both hold') },
  { word: 'or', help: message('或者', 'either holds') },
  { word: 'not', help: message('不成立', 'does not hold') },
  { word: 'null', help: message('空值', 'blank') },
  { word: 'true', help: message('真', 'true') },
  { word: 'false', help: message('假', 'false') },
];

/** A field a formula may read, as the editor lists it. */
export interface FormulaField {
  key: string;
  title: Text;
  type: FieldType;
}

export interface FormulaCompletion {
  kind: 'field' | 'function' | 'keyword';
  /** What replaces the word being typed: a key, `name(`, a keyword. */
  insert: string;
  /** What the list shows: a field's title, a function's call. */
  label: string;
  /** Beside it: a field's key and type, what a function does. */
  detail: string;
}

export interface FormulaCompletions {
  /** The word being typed, [from, to) in the source: what a picked completion replaces. */
  from: number;
  to: number;
  items: FormulaCompletion[];
}

// a word as people type it: a key's letters, digits and _, and the Chinese of a field's title
const isWordCharacter = (c: string): boolean => /[\p{L}\p{N}_]/u.test(c);

/** Whether `cursor` is inside a quoted string (nothing is completed there). */
function insideString(source: string, cursor: number): boolean {
  let quote: string | null = null;
  for (let i = 0; i < cursor; i++) {
    const c = source[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
  }
  return quote !== null;
}

/**
 * The completions at `cursor`: the fields whose key or title (either language) holds the word
 * being typed — key prefixes first, then title prefixes, then the rest — then the functions and
 * keywords it begins. With no word where a value starts (at the start, after an operator, a comma,
 * an opening bracket) every field and function is offered; where one has just ended, nothing. previous() and cumulative() only where they may be used.
 */
export function formulaCompletions(
  source: string,
  cursor: number,
  fields: readonly FormulaField[],
  locale: Locale,
  options: { crossPeriod?: boolean } = {},
): FormulaCompletions {
  let from = cursor;
  while (from > 0 && isWordCharacter(source[from - 1])) from--;
  let to = cursor;
  while (to < source.length && isWordCharacter(source[to])) to++;
  const word = source.slice(from, cursor).toLowerCase();
  // nothing to offer inside a text in quotes or a number, nor with no word where a value has just
  // ended (after a closing bracket, a quote, a name or a number: an operator comes next)
  const before = source.slice(0, from).trimEnd().at(-1) ?? '';
  if (insideString(source, from) || /^[0-9]/.test(word) || (word === '' && /[)"'\p{L}\p{N}_]/u.test(before)))
    return { from, to, items: [] };
  const rank = (field: FormulaField): number => {
    if (word === '') return 0;
    const titles = [textOf(field.title, 'zh-CN'), textOf(field.title, 'en')].map((t) => t.toLowerCase());
    if (field.key.toLowerCase().startsWith(word)) return 0;
    if (titles.some((t) => t.startsWith(word))) return 1;
    if (field.key.toLowerCase().includes(word) || titles.some((t) => t.includes(word))) return 2;
    return -1;
  };
  const fieldItems = fields
    .map((field, index) => ({ field, index, rank: rank(field) }))
    .filter((x) => x.rank >= 0)
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ field }): FormulaCompletion => ({
      kind: 'field',
      insert: field.key,
      label: textOf(field.title, locale),
      detail: `${field.key} · ${textOf(FIELD_TYPE_REGISTRY[field.type]?.title, locale) || field.type}`,
    }));
  const functionItems = FORMULA_FUNCTIONS.filter(
    (name) =>
      name.startsWith(word) && (options.crossPeriod || !(CROSS_PERIOD_FUNCTIONS as readonly string[]).includes(name)),
  ).map((name): FormulaCompletion => ({
    kind: 'function',
    insert: `${name}(`,
    label: FUNCTION_HELP[name]?.call ?? `${name}()`,
    detail: FUNCTION_HELP[name]?.help[locale] ?? '',
  }));
  const keywordItems =
    word === ''
      ? []
      : KEYWORDS.filter((k) => k.word.startsWith(word)).map((k): FormulaCompletion => ({
          kind: 'keyword',
          insert: k.word,
          label: k.word,
          detail: k.help[locale],
        }));
  return { from, to, items: [...fieldItems, ...functionItems, ...keywordItems] };
}

/**
 * The kind of value a formula gives, as far as its shape says (a field by its type, a function
 * by what it returns, `if` by its branches); null when it cannot be told (blank, or a syntax
 * error: locateFormulaProblems says why).
 */
export function formulaResultKind(source: string, types: Record<string, FieldType>): ValueKind | null {
  try {
    return kindOf(parseFormula(source), types);
  } catch (error) {
    if (error instanceof FormulaSyntaxError) return null;
    throw error;
  }
}

function kindOf(node: FormulaNode, types: Record<string, FieldType>): ValueKind | null {
  const first = (nodes: readonly FormulaNode[]): ValueKind | null => {
    for (const n of nodes) {
      const kind = kindOf(n, types);
      if (kind) return kind;
    }
    return null;
  };
  switch (node.kind) {
    case 'literal':
      if (node.value === null) return null;
      return typeof node.value === 'number' ? 'number' : typeof node.value === 'string' ? 'text' : 'boolean';
    case 'field':
      return Object.hasOwn(types, node.name) ? (FIELD_TYPE_REGISTRY[types[node.name]]?.valueKind ?? null) : null;
    case 'not':
    case 'logical':
    case 'comparison':
      return 'boolean';
    case 'negate':
      return 'number';
    case 'arithmetic': {
      // text + text joins them; numbers make a number; anything else (dates: use days()) gives nothing
      const sides = [kindOf(node.left, types), kindOf(node.right, types)];
      if (node.operator === '+' && sides.every((kind) => kind === 'text')) return 'text';
      return sides.every((kind) => kind === 'number' || kind === null) ? 'number' : null;
    }
    case 'call':
      switch (node.name) {
        case 'if':
          return first(node.args.slice(1));
        case 'coalesce':
        case 'min':
        case 'max':
        case 'previous':
          return first(node.args);
        case 'isblank':
        case 'contains':
          return 'boolean';
        case 'adddays':
        case 'today':
          return 'date';
        case 'now':
          return 'datetime';
        default:
          // hours, days, round, abs, len, count, cumulative
          return 'number';
      }
    default:
      return null;
  }
}

/** A value kind in words, for the editor's "gives a number". */
export function valueKindName(kind: ValueKind, locale: Locale): string {
  const names: Record<ValueKind, Message> = {
    text: message('文本', 'text'),
    number: message('数字', 'a number'),
    boolean: message('是/否', 'yes/no'),
    date: message('日期', 'a date'),
    datetime: message('日期时间', 'a date and time'),
    time: message('时间', 'a time'),
    list: message('多项', 'a list'),
    files: message('文件', 'files'),
  };
  return names[kind][locale];
}
