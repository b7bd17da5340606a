import {
  dayOfInstant,
  instantOfDate,
  isDate,
  isDateTime,
  isList,
  isTime,
  parseDate,
  parseDateTime,
  parseTime,
  type Value,
} from './formula-values';

/**
 * Orders two values: negative, zero or positive; null when either is null or they do not compare
 * (a number with a string, a list with anything). Dates compare with dates, datetimes and
 * date-like strings; a date stands for its midnight in Asia/Shanghai against a datetime.
 */
export function compareValues(a: Value, b: Value): number | null {
  if (a === null || b === null) return null;
  if (typeof a === 'number' && typeof b === 'number') return Math.sign(a - b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (isDate(a) && isDate(b)) return Math.sign(a.day - b.day);
  if (isTemporal(a) || isTemporal(b)) {
    const left = toInstant(a);
    const right = toInstant(b);
    return left === null || right === null ? null : Math.sign(left - right);
  }
  if (isTime(a) || isTime(b)) {
    const left = toSeconds(a);
    const right = toSeconds(b);
    return left === null || right === null ? null : Math.sign(left - right);
  }
  return null;
}

/** `=`: exact for strings; lists are equal when they hold the same items, in any order. */
export function equalValues(a: Value, b: Value): boolean | null {
  if (isList(a) && isList(b)) {
    if (a.length !== b.length) return false;
    const sortedA = [...a].sort();
    const sortedB = [...b].sort();
    return sortedA.every((item, i) => item === sortedB[i]);
  }
  const order = compareValues(a, b);
  return order === null ? null : order === 0;
}

function isTemporal(value: Value): boolean {
  return isDate(value) || isDateTime(value);
}

/** The instant a date, a datetime or a date/datetime string stands for; null for anything else. */
export function toInstant(value: Value): number | null {
  if (isDateTime(value)) return value.ms;
  if (isDate(value)) return instantOfDate(value);
  if (typeof value !== 'string') return null;
  const date = parseDate(value);
  if (date) return instantOfDate(date);
  return parseDateTime(value)?.ms ?? null;
}

/** The Asia/Shanghai calendar day of a date, a datetime or a date/datetime string. */
export function toDay(value: Value): number | null {
  if (isDate(value)) return value.day;
  if (typeof value === 'string') {
    const date = parseDate(value);
    if (date) return date.day;
  }
  const instant = toInstant(value);
  return instant === null ? null : dayOfInstant(instant);
}

/** Seconds since midnight of a time or an "HH:mm[:ss]" string. */
export function toSeconds(value: Value): number | null {
  if (isTime(value)) return value.seconds;
  return typeof value === 'string' ? (parseTime(value)?.seconds ?? null) : null;
}
