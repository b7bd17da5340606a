import { message, type Message } from '../definition/message';
import type { CallNode, FormulaNode } from './formula-ast';
import { compareValues, toDay, toInstant, toSeconds } from './formula-compare';
import { dateOf, dateTimeOf, dayOfInstant, isList, type Value } from './formula-values';

/** What a function sees: its arguments unevaluated (so `if` and `coalesce` can skip some). */
export interface FunctionContext {
  evaluate(node: FormulaNode): Value;
  /** The evaluation instant in epoch milliseconds, the same for the whole evaluation; null if invalid. */
  now(): number | null;
  /** previous(field) or cumulative(field) of this row, from the caller's CrossPeriodValues; null without them. */
  crossPeriod(kind: CrossPeriodFunction, field: string): Value;
}

/** The functions that read other periods of the row's unit: only rules of a periodic ledger with a period field use them. */
export type CrossPeriodFunction = 'previous' | 'cumulative';
export const CROSS_PERIOD_FUNCTIONS: readonly CrossPeriodFunction[] = Object.freeze(['previous', 'cumulative']);

export function isCrossPeriodCall(node: FormulaNode): node is CallNode & { name: CrossPeriodFunction } {
  return node.kind === 'call' && (CROSS_PERIOD_FUNCTIONS as readonly string[]).includes(node.name);
}

/** previous(field) / cumulative(field): the argument is a field name, never an expression. */
function crossPeriod(kind: CrossPeriodFunction): FormulaFunction {
  return {
    minArgs: 1,
    maxArgs: 1,
    apply: ([arg], context) => {
      if (arg.kind !== 'field') throw new Error(`Formula function ${kind}() on an expression was not checked`);
      return context.crossPeriod(kind, arg.name);
    },
  };
}

interface FormulaFunction {
  minArgs: number;
  maxArgs: number;
  apply(args: readonly FormulaNode[], context: FunctionContext): Value;
}

const HOUR_MS = 3_600_000;

/** Evaluates every argument up front, for the functions that need them all. */
function strict(minArgs: number, maxArgs: number, apply: (values: Value[]) => Value): FormulaFunction {
  return { minArgs, maxArgs, apply: (args, context) => apply(args.map((arg) => context.evaluate(arg))) };
}

const FUNCTIONS: ReadonlyMap<string, FormulaFunction> = new Map<string, FormulaFunction>([
  [
    'if',
    {
      minArgs: 3,
      maxArgs: 3,
      // Only the chosen branch runs; a null condition counts as false.
      apply: (args, context) => context.evaluate(context.evaluate(args[0]) === true ? args[1] : args[2]),
    },
  ],
  [
    'coalesce',
    {
      minArgs: 1,
      maxArgs: Infinity,
      apply: (args, context) => {
        for (const arg of args) {
          const value = context.evaluate(arg);
          if (value !== null) return value;
        }
        return null;
      },
    },
  ],
  ['isblank', strict(1, 1, ([x]) => x === null || x === '' || (isList(x) && x.length === 0))],
  ['hours', strict(2, 2, ([from, to]) => hoursBetween(from, to))],
  [
    'days',
    strict(2, 2, ([from, to]) => {
      const start = toDay(from);
      const end = toDay(to);
      return start === null || end === null ? null : end - start;
    }),
  ],
  [
    'adddays',
    // a date n calendar days on (or back): deadlines such as adddays(found_on, 5)
    strict(2, 2, ([date, days]) => {
      const day = toDay(date);
      return day === null || typeof days !== 'number' || !Number.isInteger(days) ? null : dateOf(day + days);
    }),
  ],
  ['today', { minArgs: 0, maxArgs: 0, apply: (_args, context) => nowAs(context, (ms) => dateOf(dayOfInstant(ms))) }],
  ['now', { minArgs: 0, maxArgs: 0, apply: (_args, context) => nowAs(context, dateTimeOf) }],
  ['round', strict(1, 2, ([x, digits = 0]) => round(x, digits))],
  ['abs', strict(1, 1, ([x]) => (typeof x === 'number' ? Math.abs(x) : null))],
  ['min', strict(1, Infinity, (values) => extreme(values, -1))],
  ['max', strict(1, Infinity, (values) => extreme(values, 1))],
  // Characters as people count them (code points, as PostgreSQL's char_length does), not UTF-16 units.
  ['len', strict(1, 1, ([text]) => (typeof text === 'string' ? [...text].length : null))],
  ['count', strict(1, 1, ([list]) => (list === null ? 0 : isList(list) ? list.length : null))],
  ['contains', strict(2, 2, ([haystack, needle]) => contains(haystack, needle))],
  ['previous', crossPeriod('previous')],
  ['cumulative', crossPeriod('cumulative')],
]);

/** The names of the functions a formula may call. */
export const FORMULA_FUNCTIONS: readonly string[] = Object.freeze([...FUNCTIONS.keys()]);

/** Calls a function; an unknown name means the formula was never compiled or checked. */
export function callFunction(node: CallNode, context: FunctionContext): Value {
  const fn = FUNCTIONS.get(node.name);
  if (!fn || node.args.length < fn.minArgs || node.args.length > fn.maxArgs) {
    throw new Error(`Formula function ${node.name}() with ${node.args.length} arguments was not checked`);
  }
  return fn.apply(node.args, context);
}

/** What is wrong with a call (an unknown function, a wrong argument count, an argument that must be a field), or null. */
export function callProblem(node: CallNode): Message | null {
  const fn = FUNCTIONS.get(node.name);
  if (!fn) return message(`未知函数「${node.name}」`, `Unknown function "${node.name}"`);
  const count = node.args.length;
  if (count >= fn.minArgs && count <= fn.maxArgs) {
    if (isCrossPeriodCall(node) && node.args[0].kind !== 'field')
      return message(
        `函数 ${node.name} 的参数必须是本台账的一个字段名，不能是表达式`,
        `${node.name}() takes the name of a field of this ledger, not an expression`,
      );
    return null;
  }
  const { minArgs, maxArgs } = fn;
  const args = (n: number): string => `${n} argument${n === 1 ? '' : 's'}`;
  if (minArgs === maxArgs) {
    return message(
      `函数 ${node.name} 需要 ${minArgs} 个参数，而不是 ${count} 个`,
      `${node.name}() takes ${args(minArgs)}, not ${count}`,
    );
  }
  if (maxArgs === Infinity) {
    return message(
      `函数 ${node.name} 至少需要 ${minArgs} 个参数，而不是 ${count} 个`,
      `${node.name}() takes at least ${args(minArgs)}, not ${count}`,
    );
  }
  return message(
    `函数 ${node.name} 需要 ${minArgs} 到 ${maxArgs} 个参数，而不是 ${count} 个`,
    `${node.name}() takes ${minArgs} to ${maxArgs} arguments, not ${count}`,
  );
}

function nowAs(context: FunctionContext, convert: (ms: number) => Value): Value {
  const ms = context.now();
  return ms === null ? null : convert(ms);
}

/** (to − from) in hours, for two dates/datetimes or two times of day. */
function hoursBetween(from: Value, to: Value): Value {
  const start = toInstant(from);
  const end = toInstant(to);
  if (start !== null && end !== null) return (end - start) / HOUR_MS;
  const startTime = toSeconds(from);
  const endTime = toSeconds(to);
  return startTime === null || endTime === null ? null : (endTime - startTime) / 3600;
}

/** Rounds half away from zero, on the decimal digits as written (so round(1.005, 2) is 1.01). */
function round(x: Value, digits: Value): Value {
  if (typeof x !== 'number' || typeof digits !== 'number') return null;
  const places = Math.trunc(digits);
  const shifted = shiftDecimal(Math.abs(x), places);
  // Past 2^52 a double has no fraction left to round.
  if (!Number.isFinite(shifted) || shifted >= 2 ** 52) return x;
  return Math.sign(x) * shiftDecimal(Math.round(shifted), -places) + 0;
}

/** value × 10^places through the decimal exponent, which avoids binary multiplication error. */
function shiftDecimal(value: number, places: number): number {
  const [mantissa, exponent = '0'] = value.toString().split('e');
  return Number(`${mantissa}e${Number(exponent) + places}`);
}

/** min (direction −1) or max (+1), ignoring nulls; null if all are null or they do not compare. */
function extreme(values: Value[], direction: 1 | -1): Value {
  let best: Value = null;
  for (const value of values) {
    if (value === null) continue;
    if (isList(value)) return null;
    if (best === null) {
      best = value;
      continue;
    }
    const order = compareValues(value, best);
    if (order === null) return null;
    if (order * direction > 0) best = value;
  }
  return best;
}

/** List membership or substring. No list or text at all contains nothing, like count() counts 0. */
function contains(haystack: Value, needle: Value): Value {
  if (needle === null) return null;
  if (haystack === null) return false;
  const item = typeof needle === 'number' ? String(needle) : needle;
  if (typeof item !== 'string') return null;
  if (isList(haystack)) return haystack.includes(item);
  return typeof haystack === 'string' ? haystack.includes(item) : null;
}
