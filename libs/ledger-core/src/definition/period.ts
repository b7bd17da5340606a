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
