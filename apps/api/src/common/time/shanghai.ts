import { shanghaiDate } from '@taizhang/ledger-core';

/**
 * The API's one time zone. Every unit works in Asia/Shanghai, which has kept UTC+8 without
 * daylight saving since 1991, so a fixed offset is exact. A date ("YYYY-MM-DD") is a Shanghai
 * calendar day wherever the API reads or writes one; ledger-core keeps the same rule for what it
 * computes (periods and deadlines, formulas, field types, a ledger's day in SQL), and the API uses
 * its helpers where they fit (shanghaiDate, ledgerDaySql, periodDeadline). Frozen migrations keep
 * their own literals.
 */
export const SHANGHAI_TIME_ZONE = 'Asia/Shanghai';
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
/** The offset as ISO 8601 writes it. */
export const SHANGHAI_OFFSET = '+08:00';

/** The Shanghai calendar day of an instant, "YYYY-MM-DD" (ledger-core's). */
export { shanghaiDate };

/** SQL: the instant at which a Shanghai calendar day begins, `date` being an SQL date expression. */
export function shanghaiMidnightSql(date: string): string {
  return `(${date})::timestamp AT TIME ZONE '${SHANGHAI_TIME_ZONE}'`;
}

/**
 * An instant as Shanghai wall time held in a Date's UTC fields: what a spreadsheet's date cell
 * must be given, since a spreadsheet has no time zones.
 */
export function shanghaiWallTime(instant: Date): Date {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS);
}

/** An instant as "YYYY-MM-DD HH:mm", Shanghai wall time. */
export function shanghaiMinuteText(instant: Date): string {
  return shanghaiWallTime(instant).toISOString().slice(0, 16).replace('T', ' ');
}

/** A Shanghai wall-clock time on a day as ISO 8601: ("2023-03-01", "16:05") → "2023-03-01T16:05:00+08:00". */
export function shanghaiDateTime(day: string, time: string): string {
  return `${day}T${time.length === 5 ? `${time}:00` : time}${SHANGHAI_OFFSET}`;
}
