import { strictDate } from '../field-types/temporal';
import type { LedgerDefinition } from './types';

/**
 * The period a row belongs to, from its period field: daily "YYYY-MM-DD", weekly "YYYY-Www"
 * (ISO week), monthly "YYYY-MM"; null for a ledger without a period or a row without the date.
 */
export function periodOfDate(period: LedgerDefinition['period'], date: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return null;
  switch (period ?? 'none') {
    case 'none':
      return null;
    case 'daily':
      return date;
    case 'monthly':
      return `${match[1]}-${match[2]}`;
    case 'weekly': {
      const day = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
      const weekday = day.getUTCDay() || 7;
      day.setUTCDate(day.getUTCDate() + 4 - weekday); // the Thursday decides the ISO year
      const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
      const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
      return `${day.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
    }
    default:
      return null;
  }
}

export function periodOfRow(definition: LedgerDefinition, values: Record<string, unknown>): string | null {
  if (!definition.periodField) return null;
  const date = values[definition.periodField];
  return typeof date === 'string' ? periodOfDate(definition.period, date) : null;
}

const SHANGHAI_MS = 8 * 3_600_000;

/** The Asia/Shanghai calendar date of an instant, "YYYY-MM-DD". */
export function shanghaiDate(now: Date): string {
  return new Date(now.getTime() + SHANGHAI_MS).toISOString().slice(0, 10);
}

/** The period that contains an instant (today's sheet, this week's, this month's). */
export function currentPeriod(period: LedgerDefinition['period'], now: Date): string | null {
  return periodOfDate(period, shanghaiDate(now));
}

/**
 * Whether a period has not begun yet (Asia/Shanghai): tomorrow's sheet, next week's, next month's.
 * Periods of one kind sort as text ("2023-03-02" > "2023-03-01", "2023-W10" > "2023-W09").
 */
export function isFuturePeriod(period: LedgerDefinition['period'], text: string, now: Date): boolean {
  const current = currentPeriod(period, now);
  return current !== null && isPeriod(period, text) && text > current;
}

/** Whether text names a period of this kind ("2023-03-01", "2023-W09", "2023-03"). */
export function isPeriod(period: LedgerDefinition['period'], text: string): boolean {
  return lastDayOf(period, text) !== null;
}

/** The first and last calendar days of a period ("YYYY-MM-DD"), or null if the text is not such a period. */
export function periodDays(period: LedgerDefinition['period'], text: string): { first: string; last: string } | null {
  const last = lastDayOf(period, text);
  if (!last) return null;
  const [y, m, d] = last.split('-').map(Number);
  const back = period === 'monthly' ? d - 1 : period === 'weekly' ? 6 : 0;
  return { first: new Date(Date.UTC(y, m - 1, d - back)).toISOString().slice(0, 10), last };
}

/** The last calendar day of a period, "YYYY-MM-DD", or null if the text is not such a period. */
function lastDayOf(period: LedgerDefinition['period'], text: string): string | null {
  switch (period ?? 'none') {
    case 'daily':
      return strictDate(text);
    case 'monthly': {
      const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(text);
      return match ? new Date(Date.UTC(Number(match[1]), Number(match[2]), 0)).toISOString().slice(0, 10) : null;
    }
    case 'weekly': {
      const match = /^(\d{4})-W(\d{2})$/.exec(text);
      if (!match) return null;
      const [year, week] = [Number(match[1]), Number(match[2])];
      // ISO week 1 holds 4 January; its Monday, then week − 1 weeks on, then Sunday
      const jan4 = new Date(Date.UTC(year, 0, 4));
      const monday = Date.UTC(year, 0, 4 - ((jan4.getUTCDay() || 7) - 1)) + (week - 1) * 7 * 86_400_000;
      const sunday = new Date(monday + 6 * 86_400_000).toISOString().slice(0, 10);
      return week >= 1 && periodOfDate('weekly', sunday) === text ? sunday : null;
    }
    default:
      return null;
  }
}

/**
 * When a period's sheet is due: the deadline ("17:00", Asia/Shanghai) on the period's last day.
 * Null for a ledger without a deadline or a text that is no period of its kind.
 */
export function periodDeadline(definition: Pick<LedgerDefinition, 'period' | 'deadline'>, period: string): Date | null {
  const day = lastDayOf(definition.period, period);
  if (!day || !definition.deadline) return null;
  const [hours, minutes] = definition.deadline.split(':').map(Number);
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d, hours, minutes) - SHANGHAI_MS);
}

/**
 * When a period's scheduled 催报 runs: the ledger's `reminder.at` on the period's last day (the
 * deadline's day). Null for a ledger without one.
 */
export function periodReminderTime(
  definition: Pick<LedgerDefinition, 'period' | 'reminder'>,
  period: string,
): Date | null {
  if (!definition.reminder) return null;
  return periodDeadline({ period: definition.period, deadline: definition.reminder.at }, period);
}

/**
 * The period just before a period of this kind (yesterday's sheet, last week's, last month's),
 * or null if the text is no such period. What previous() reads.
 */
export function previousPeriod(period: LedgerDefinition['period'], text: string): string | null {
  const last = lastDayOf(period, text);
  if (!last) return null;
  const [y, m, d] = last.split('-').map(Number);
  switch (period) {
    case 'daily':
      return new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
    case 'weekly':
      return periodOfDate('weekly', new Date(Date.UTC(y, m - 1, d - 7)).toISOString().slice(0, 10));
    case 'monthly':
      return new Date(Date.UTC(y, m - 1, 0)).toISOString().slice(0, 7);
    default:
      return null;
  }
}

/**
 * The first period of the year a period belongs to ("2026-01-01", "2026-W01", "2026-01"): what
 * cumulative() counts from. A week belongs to its ISO week-year ("2026-W01" may begin in December).
 */
export function firstPeriodOfYear(period: LedgerDefinition['period'], text: string): string | null {
  if (!isPeriod(period, text)) return null;
  const year = text.slice(0, 4);
  switch (period) {
    case 'daily':
      return `${year}-01-01`;
    case 'weekly':
      return `${year}-W01`;
    case 'monthly':
      return `${year}-01`;
    default:
      return null;
  }
}
