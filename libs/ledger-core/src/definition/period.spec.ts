import { describe, expect, it } from 'vitest';
import {
  currentPeriod,
  periodDays,
  firstPeriodOfYear,
  isFuturePeriod,
  isPeriod,
  periodDeadline,
  periodOfDate,
  previousPeriod,
} from './period';
import type { LedgerDefinition } from './types';

describe('periods', () => {
  it.each([
    ['daily', '2023-03-01', '2023-03-01'],
    ['monthly', '2023-03-31', '2023-03'],
    ['weekly', '2023-03-01', '2023-W09'],
    ['weekly', '2023-01-01', '2022-W52'],
    ['weekly', '2024-12-30', '2025-W01'],
    ['none', '2023-03-01', null],
  ] as const)('puts a %s date %s in %s', (period, date, expected) => {
    expect(periodOfDate(period, date)).toBe(expected);
  });

  it('takes today in Asia/Shanghai, not UTC', () => {
    expect(currentPeriod('daily', new Date('2023-03-01T17:00:00Z'))).toBe('2023-03-02');
    expect(currentPeriod('daily', new Date('2023-03-01T15:59:00Z'))).toBe('2023-03-01');
  });

  it('knows a period of its kind when it sees one', () => {
    expect(isPeriod('daily', '2023-02-28')).toBe(true);
    expect(isPeriod('daily', '2023-02-30')).toBe(false);
    expect(isPeriod('monthly', '2023-13')).toBe(false);
    expect(isPeriod('weekly', '2023-W09')).toBe(true);
    expect(isPeriod('weekly', '2023-W54')).toBe(false);
  });

  it('is due at the deadline, Asia/Shanghai, on the last day of the period', () => {
    expect(periodDeadline({ period: 'daily', deadline: '17:00' }, '2023-03-01')?.toISOString()).toBe(
      '2023-03-01T09:00:00.000Z',
    );
    expect(periodDeadline({ period: 'monthly', deadline: '17:00' }, '2023-02')?.toISOString()).toBe(
      '2023-02-28T09:00:00.000Z',
    );
    expect(periodDeadline({ period: 'weekly', deadline: '12:00' }, '2023-W09')?.toISOString()).toBe(
      '2023-03-05T04:00:00.000Z',
    );
    expect(periodDeadline({ period: 'daily' }, '2023-03-01')).toBeNull();
  });

  it('knows a period that has not begun yet, in Asia/Shanghai', () => {
    const now = new Date('2023-03-01T15:59:00Z'); // 23:59 on 03-01 in Shanghai
    expect(isFuturePeriod('daily', '2023-03-02', now)).toBe(true);
    expect(isFuturePeriod('daily', '2023-03-01', now)).toBe(false);
    expect(isFuturePeriod('daily', '2023-03-02', new Date('2023-03-01T16:00:00Z'))).toBe(false);
    expect(isFuturePeriod('weekly', '2023-W10', now)).toBe(true);
    expect(isFuturePeriod('weekly', '2023-W09', now)).toBe(false);
    expect(isFuturePeriod('monthly', '2023-04', now)).toBe(true);
    expect(isFuturePeriod('monthly', '2023-03', now)).toBe(false);
    expect(isFuturePeriod('none', '2023-03-02', now)).toBe(false);
  });
});

describe('previousPeriod and firstPeriodOfYear', () => {
  it.each<[LedgerDefinition['period'], string, string | null]>([
    ['daily', '2026-03-01', '2026-02-28'],
    ['daily', '2024-03-01', '2024-02-29'],
    ['daily', '2026-01-01', '2025-12-31'],
    ['monthly', '2026-03', '2026-02'],
    ['monthly', '2026-01', '2025-12'],
    ['weekly', '2026-W10', '2026-W09'],
    ['weekly', '2026-W01', '2025-W52'],
    ['weekly', '2021-W01', '2020-W53'],
    ['monthly', '2026-13', null],
    ['none', '2026-03-01', null],
  ])('%s %s comes after %s', (period, text, before) => {
    expect(previousPeriod(period, text)).toBe(before);
  });

  it.each<[LedgerDefinition['period'], string, string | null]>([
    ['daily', '2026-03-01', '2026-01-01'],
    ['monthly', '2026-12', '2026-01'],
    ['weekly', '2026-W30', '2026-W01'],
    ['daily', 'soon', null],
  ])('%s %s is counted from %s', (period, text, first) => {
    expect(firstPeriodOfYear(period, text)).toBe(first);
  });
});

describe('periodDays', () => {
  it('gives the first and last days of a day, an ISO week and a month', () => {
    expect(periodDays('daily', '2026-11-30')).toEqual({ first: '2026-11-30', last: '2026-11-30' });
    expect(periodDays('weekly', '2026-W01')).toEqual({ first: '2025-12-29', last: '2026-01-04' });
    expect(periodDays('monthly', '2024-02')).toEqual({ first: '2024-02-01', last: '2024-02-29' });
    expect(periodDays('monthly', '2024-13')).toBeNull();
  });
});
