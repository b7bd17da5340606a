import { FIELD_TYPE_REGISTRY, type FieldType } from '../field-types/registry';

/** What a formula gives back: dates as "YYYY-MM-DD", datetimes as ISO strings at +08:00. */
export type FormulaValue = number | string | boolean | null | string[];

export interface FormulaEnv {
  values: Record<string, unknown>;
  types: Record<string, FieldType>;
  /** The evaluation instant for today() and now(); defaults to the clock. */
  now?: Date;
  /** What previous() and cumulative() read; without it they are null (see CrossPeriodValues). */
  crossPeriod?: CrossPeriodValues;
}

/**
 * The values of other periods a rule may compare a row with, gathered by the caller (the API's
 * write pipeline reads them from the database; ledger-core never queries anything). Values are
 * as stored (the field's JSON value, a number field's may be a numeric string); a missing key is null.
 */
export interface CrossPeriodValues {
  /**
   * previous(field): the field in the unit's sheet of the period just before the row's period —
   * a summable number field the sum over that sheet's live rows, another type the newest row's
   * value; absent when that sheet has no rows.
   */
  previous: Record<string, unknown>;
  /**
   * cumulative(field): Σ field over the unit's OTHER live rows whose period is in the row's
   * period's year and not after it (the row itself not counted: the evaluator adds the row's own
   * value as it is now, so the caller need not know it); absent or null when there are none.
   */
  cumulative: Record<string, unknown>;
}

/** A calendar day, counted from 1970-01-01 (in Asia/Shanghai, like every date of ours). */
export interface DateValue {
  readonly kind: 'date';
  readonly day: number;
}

/** An instant, in milliseconds since the epoch. */
export interface DateTimeValue {
  readonly kind: 'datetime';
  readonly ms: number;
}

/** A time of day, in seconds since midnight. */
export interface TimeValue {
  readonly kind: 'time';
  readonly seconds: number;
}

/** Values during evaluation: temporal values are kept apart from strings so they compare by meaning. */
export type Value = null | number | string | boolean | readonly string[] | DateValue | DateTimeValue | TimeValue;

/** Asia/Shanghai has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact. */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;

export const isList = (value: Value): value is readonly string[] => Array.isArray(value);
export const isDate = (value: Value): value is DateValue => isTagged(value) && value.kind === 'date';
export const isDateTime = (value: Value): value is DateTimeValue => isTagged(value) && value.kind === 'datetime';
export const isTime = (value: Value): value is TimeValue => isTagged(value) && value.kind === 'time';

function isTagged(value: Value): value is DateValue | DateTimeValue | TimeValue {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const dateOf = (day: number): DateValue => ({ kind: 'date', day });
export const dateTimeOf = (ms: number): DateTimeValue => ({ kind: 'datetime', ms });

/** A date stands for its midnight in Asia/Shanghai. */
export function instantOfDate(date: DateValue): number {
  return date.day * DAY_MS - SHANGHAI_OFFSET_MS;
}

/** The Asia/Shanghai calendar day an instant falls on. */
export function dayOfInstant(ms: number): number {
  return Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS);
}

/** Days since 1970-01-01 of a calendar date, or null if there is no such date (e.g. 02-30). */
function dayNumber(year: number, month: number, day: number): number | null {
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return Math.round(date.getTime() / DAY_MS);
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const TIME_PATTERN = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;

export function parseDate(text: string): DateValue | null {
  const match = DATE_PATTERN.exec(text);
  if (!match) return null;
  const day = dayNumber(Number(match[1]), Number(match[2]), Number(match[3]));
  return day === null ? null : dateOf(day);
}

/** ISO 8601 with an offset; without one the time is read as Asia/Shanghai wall-clock time. */
export function parseDateTime(text: string): DateTimeValue | null {
  const match = DATETIME_PATTERN.exec(text);
  if (!match) return null;
  const [, year, month, day, hour, minute, second = '0', fraction = '', zone] = match;
  const days = dayNumber(Number(year), Number(month), Number(day));
  const offset = zone === undefined ? SHANGHAI_OFFSET_MS : parseOffset(zone);
  if (days === null || offset === null || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return null;
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const wallClock = days * DAY_MS + Number(hour) * 3_600_000 + Number(minute) * 60_000 + Number(second) * 1000;
  return dateTimeOf(wallClock + millis - offset);
}

function parseOffset(zone: string): number | null {
  if (zone === 'Z' || zone === 'z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return null;
  return (zone[0] === '-' ? -1 : 1) * (hours * 3_600_000 + minutes * 60_000);
}

export function parseTime(text: string): TimeValue | null {
  const match = TIME_PATTERN.exec(text);
  if (!match) return null;
  const [hours, minutes, seconds] = [Number(match[1]), Number(match[2]), Number(match[3] ?? '0')];
  if (hours > 23 || minutes > 59 || seconds > 59) return null;
  return { kind: 'time', seconds: hours * 3600 + minutes * 60 + seconds };
}

/** Reads a field's stored value as its type says; anything unreadable counts as null. */
export function readField(env: FormulaEnv, key: string): Value {
  // hasOwn: a field called "constructor" must not find Object.prototype.constructor.
  const raw = Object.hasOwn(env.values, key) ? env.values[key] : undefined;
  if (raw === null || raw === undefined) return null;
  const type: FieldType | undefined = Object.hasOwn(env.types, key) ? env.types[key] : undefined;
  switch (type === undefined ? undefined : FIELD_TYPE_REGISTRY[type]?.valueKind) {
    case 'text':
      return typeof raw === 'string' ? raw : null;
    case 'number':
      return readNumber(raw);
    case 'boolean':
      return typeof raw === 'boolean' ? raw : null;
    case 'date':
      return typeof raw === 'string' ? parseDate(raw) : null;
    case 'datetime':
      if (raw instanceof Date) return Number.isFinite(raw.getTime()) ? dateTimeOf(raw.getTime()) : null;
      return typeof raw === 'string' ? parseDateTime(raw) : null;
    case 'time':
      return typeof raw === 'string' ? parseTime(raw) : null;
    case 'list':
      return isStringArray(raw) ? [...raw] : null;
    case 'files':
      // a formula sees the files' names: count() counts them, contains() finds one by name
      return Array.isArray(raw) ? raw.map((file) => String((file as { name?: unknown })?.name ?? '')) : null;
    default:
      // A value without a declared type (the formula was not checked): take it at face value.
      if (typeof raw === 'string' || typeof raw === 'boolean') return raw;
      if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null;
      return isStringArray(raw) ? [...raw] : null;
  }
}

const NUMERIC_TEXT = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

/** Numbers may arrive as strings: PostgreSQL's numeric type is read that way to keep precision. */
function readNumber(raw: unknown): number | null {
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && NUMERIC_TEXT.test(raw) ? Number(raw) : NaN;
  return Number.isFinite(value) ? value : null;
}

function isStringArray(raw: unknown): raw is string[] {
  return Array.isArray(raw) && raw.every((item) => typeof item === 'string');
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

export function formatDate(date: DateValue): string {
  const d = new Date(date.day * DAY_MS);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

export function formatDateTime(value: DateTimeValue): string {
  const d = new Date(value.ms + SHANGHAI_OFFSET_MS);
  const millis = d.getUTCMilliseconds() === 0 ? '' : `.${pad(d.getUTCMilliseconds(), 3)}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${millis}`;
  return `${formatDate(dateOf(dayOfInstant(value.ms)))}T${time}+08:00`;
}

export function formatTime(value: TimeValue): string {
  const seconds = value.seconds % 60;
  const base = `${pad(Math.floor(value.seconds / 3600))}:${pad(Math.floor(value.seconds / 60) % 60)}`;
  return seconds === 0 ? base : `${base}:${pad(seconds)}`;
}

/** Converts an evaluation value to what callers see. */
export function toFormulaValue(value: Value): FormulaValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  // -0 would surprise anyone comparing with Object.is (and print as "0" anyway).
  if (typeof value === 'number') return Number.isFinite(value) ? value + 0 : null;
  if (isList(value)) return [...value];
  if (isDate(value)) return formatDate(value);
  if (isDateTime(value)) return formatDateTime(value);
  return formatTime(value);
}
