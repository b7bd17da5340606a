import { ledgerDaySql, periodDeadline } from '@taizhang/ledger-core';
import { describe, expect, it } from 'vitest';
import {
  SHANGHAI_OFFSET,
  SHANGHAI_OFFSET_MS,
  SHANGHAI_TIME_ZONE,
  shanghaiDate,
  shanghaiDateTime,
  shanghaiMidnightSql,
  shanghaiMinuteText,
  shanghaiWallTime,
} from './shanghai';

describe('Shanghai time', () => {
  it('is the fixed offset the time zone database gives Asia/Shanghai', () => {
    for (const instant of ['1995-01-15T00:00:00Z', '2023-07-01T12:00:00Z', '2026-12-31T23:59:59Z']) {
      const offset = new Intl.DateTimeFormat('en', { timeZone: SHANGHAI_TIME_ZONE, timeZoneName: 'longOffset' })
        .formatToParts(new Date(instant))
        .find((part) => part.type === 'timeZoneName')?.value;
      expect(offset).toBe(`GMT${SHANGHAI_OFFSET}`);
    }
    expect(SHANGHAI_OFFSET_MS).toBe(8 * 3_600_000);
  });

  it("agrees with ledger-core's days and deadlines", () => {
    // 16:30 UTC is already the next day in Shanghai
    expect(shanghaiDate(new Date('2023-03-01T16:30:00Z'))).toBe('2023-03-02');
    expect(periodDeadline({ period: 'daily', deadline: '17:00' }, '2023-03-01')?.toISOString()).toBe(
      new Date(shanghaiDateTime('2023-03-01', '17:00')).toISOString(),
    );
    const model = { definition: { key: 'x', fields: [] }, fields: [], byKey: new Map() } as unknown as Parameters<
      typeof ledgerDaySql
    >[0];
    expect(ledgerDaySql(model, 't')).toContain(`AT TIME ZONE '${SHANGHAI_TIME_ZONE}'`);
  });

  it('writes wall times, local datetimes and the SQL of a day’s start', () => {
    const instant = new Date('2023-03-01T16:05:00Z');
    expect(shanghaiWallTime(instant).toISOString()).toBe('2023-03-02T00:05:00.000Z');
    expect(shanghaiMinuteText(instant)).toBe('2023-03-02 00:05');
    expect(shanghaiDateTime('2023-03-01', '16:05')).toBe('2023-03-01T16:05:00+08:00');
    expect(Date.parse(shanghaiDateTime('2023-03-02', '00:05:00'))).toBe(instant.getTime());
    expect(shanghaiMidnightSql('$1::date + 1')).toBe(`($1::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'`);
  });
});
