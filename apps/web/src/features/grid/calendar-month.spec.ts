import { describe, expect, it } from 'vitest';
import { addDays, addMonths, monthGrid, timeOfDay } from './calendar-month';
import { editorWords } from './editor-words';

describe('monthGrid', () => {
  it('shows December 2026 from Monday 30 November to Sunday 10 January, Monday first', () => {
    // 2026-12-01 is a Tuesday, so the page starts on Monday 2026-11-30
    const days = monthGrid(2026, 12);
    expect(days).toHaveLength(42);
    expect(days[0]).toEqual({ date: '2026-11-30', day: 30, inMonth: false });
    expect(days[1]).toEqual({ date: '2026-12-01', day: 1, inMonth: true });
    expect(days[31]).toEqual({ date: '2026-12-31', day: 31, inMonth: true });
    expect(days[41]).toEqual({ date: '2027-01-10', day: 10, inMonth: false });
    expect(days.filter((d) => d.inMonth)).toHaveLength(31);
  });

  it('starts a month whose 1st is a Monday on the 1st (June 2026), and has 29 days in February 2028', () => {
    expect(monthGrid(2026, 6)[0].date).toBe('2026-06-01');
    expect(
      monthGrid(2028, 2)
        .filter((d) => d.inMonth)
        .map((d) => d.day)
        .at(-1),
    ).toBe(29);
  });

  it('every row of seven begins on a Monday', () => {
    const days = monthGrid(2027, 3);
    for (let i = 0; i < 42; i += 7) expect(new Date(`${days[i].date}T00:00:00Z`).getUTCDay()).toBe(1);
  });
});

describe('addDays and addMonths', () => {
  it('crosses months and years', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-12-05', -7)).toBe('2026-11-28');
  });

  it('keeps the day where the month has it, else takes its last day', () => {
    expect(addMonths('2026-12-05', 1)).toBe('2027-01-05');
    expect(addMonths('2027-01-31', 1)).toBe('2027-02-28');
    expect(addMonths('2026-01-15', -1)).toBe('2025-12-15');
  });
});

describe('timeOfDay', () => {
  it('reads 9:30, 0930 and a full-width colon as 09:30, and nothing past 23:59', () => {
    expect(timeOfDay('9:30')).toBe('09:30');
    expect(timeOfDay('0930')).toBe('09:30');
    expect(timeOfDay('11：45')).toBe('11:45');
    expect(timeOfDay('24:00')).toBeNull();
    expect(timeOfDay('9:3')).toBeNull();
    expect(timeOfDay('')).toBeNull();
  });
});

describe('editorWords', () => {
  it('names weekdays and months in Chinese by default and in English on request', () => {
    const zh = editorWords('zh-CN');
    expect(zh.weekdays).toEqual(['一', '二', '三', '四', '五', '六', '日']);
    expect(zh.monthTitle(2026, 12)).toBe('2026年12月');
    expect(zh.search).toBe('输入选项名称筛选');
    const en = editorWords('en');
    expect(en.weekdays).toEqual(['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su']);
    expect(en.monthTitle(2026, 12)).toBe('December 2026');
  });
});
