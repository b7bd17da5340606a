/** Dates and times as the contract carries them, read and checked without any time-zone library. */

export const SHANGHAI_OFFSET_MINUTES = 8 * 60;

export function isValidDate(year: number, month: number, day: number): boolean {
  if (year < 1900 || year > 2999 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function isoDate(year: number, month: number, day: number): string {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** "2023-03-01" strictly (the JSON form). */
export function strictDate(text: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return isValidDate(y, m, d) ? text : null;
}

/**
 * What typed or pasted text is read against: `today` gives a year-less date its year ("12/5"),
 * `day` gives a bare time its day (the row's day: "11:50" in a datetime cell). Both
 * "YYYY-MM-DD"; without them such text is not a date.
 */
export interface TemporalContext {
  today?: string;
  day?: string;
}

const yearOf = (date: string | undefined) => (date && strictDate(date) ? Number(date.slice(0, 4)) : null);

/**
 * What people type or paste: 2023-03-01, 2023/3/1, 2023.3.1, 2023年3月1日, 20230301, and, as Excel
 * and WPS read them, 3/1, 3-1, 3月1日 in the year of `context.today`.
 */
export function looseDate(text: string, context: TemporalContext = {}): string | null {
  const trimmed = text.trim();
  const match =
    /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(trimmed) ??
    /^(\d{4})(\d{2})(\d{2})$/.exec(trimmed);
  if (match) {
    const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
    return isValidDate(y, m, d) ? isoDate(y, m, d) : null;
  }
  const short = /^(\d{1,2})\s*[-/月]\s*(\d{1,2})\s*日?$/.exec(trimmed);
  const year = yearOf(context.today);
  if (!short || year === null) return null;
  const [m, d] = [Number(short[1]), Number(short[2])];
  return isValidDate(year, m, d) ? isoDate(year, m, d) : null;
}

/** "HH:mm" or "HH:mm:ss" → "HH:mm". */
export function looseTime(text: string): string | null {
  const match = /^(\d{1,2})[:：](\d{1,2})(?:[:：](\d{1,2}))?$/.exec(text.trim());
  if (!match) return null;
  const [h, m, s] = [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
  if (h > 23 || m > 59 || s > 59) return null;
  return `${pad(h)}:${pad(m)}`;
}

/**
 * A datetime: ISO 8601 with an offset (or Z), or date and time without one, which is read as
 * Asia/Shanghai time. Returned in ISO form with the +08:00 offset, to the second. Not strict, it
 * also reads what Excel and WPS users type: "2026-12-5 9:5", "20261205 1145", "12/5 11:30" (the
 * year of `context.today`), a bare "11:50" (on `context.day`, else today), a date alone (midnight).
 */
export function looseDateTime(text: string, strict: boolean, context: TemporalContext = {}): string | null {
  const trimmed = text.trim();
  const match = strict
    ? /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(trimmed)
    : /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[T\s]+(\d{1,2})[:：](\d{1,2})(?:[:：](\d{1,2})(?:\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(
        trimmed,
      );
  if (!match) return strict ? null : shortDateTime(trimmed, context);
  const [y, mo, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const [h, mi, s] = [Number(match[4] ?? 0), Number(match[5] ?? 0), Number(match[6] ?? 0)];
  if (!isValidDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return null;
  let offset = SHANGHAI_OFFSET_MINUTES;
  const zone = match[7];
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const [zoneHours, zoneMinutes] = [Number(digits.slice(0, 2)), Number(digits.slice(2))];
    // RFC 3339: an offset's hour is 00–23 and its minute 00–59 ("+99:99" is no time zone)
    if (zoneHours > 23 || zoneMinutes > 59) return null;
    offset = sign * (zoneHours * 60 + zoneMinutes);
  } else if (zone === 'Z') {
    offset = 0;
  }
  const instant = Date.UTC(y, mo - 1, d, h, mi, s) - offset * 60_000;
  return shanghaiIso(instant);
}

/** The short forms of a Shanghai datetime: compact digits, a year-less date, a bare time. */
function shortDateTime(text: string, context: TemporalContext): string | null {
  let date: string | null = null;
  let time: string | null = null;
  const compact = /^(\d{8})[T\s]*(\d{2})(\d{2})$/.exec(text);
  const yearLess = /^(\d{1,2}\s*[-/月]\s*\d{1,2}\s*日?)(?:\s+(\d{1,2}[:：]\d{1,2}))?$/.exec(text);
  if (compact) {
    date = looseDate(compact[1]);
    time = looseTime(`${compact[2]}:${compact[3]}`);
  } else if (yearLess) {
    date = looseDate(yearLess[1], context);
    time = yearLess[2] === undefined ? '00:00' : looseTime(yearLess[2]);
  } else if (/^\d{1,2}[:：]\d{1,2}$/.test(text)) {
    date = strictDate(context.day ?? '') ?? strictDate(context.today ?? '');
    time = looseTime(text);
  }
  return date === null || time === null ? null : `${date}T${time}:00+08:00`;
}

/** An instant as "YYYY-MM-DDTHH:mm:ss+08:00". */
export function shanghaiIso(instant: number): string {
  const local = new Date(instant + SHANGHAI_OFFSET_MINUTES * 60_000);
  return (
    `${isoDate(local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}+08:00`
  );
}

/** The instant of an ISO datetime (any offset), for comparisons. */
export function instantOf(iso: string): number | null {
  const normalized = looseDateTime(iso, true);
  return normalized === null ? null : Date.parse(normalized);
}
