import { describe, expect, it } from 'vitest';
import { moneyFieldType as money, type MoneyField } from './money.field-type';

const field: MoneyField = { key: 'amount', title: '金额', type: 'money' };

describe('money', () => {
  it.each([
    ['1234.5', '1234.50'],
    ['¥1,234.50', '1234.50'],
    ['￥ 12', '12.00'],
    ['1234.5元', '1234.50'],
    ['RMB 0.1', '0.10'],
    ['-¥3', '-3.00'],
    ['１２３', '123.00'],
    ['1.230', '1.23'],
  ])('reads "%s" as exactly %s', (text, value) => {
    expect(money.parse(text, field)).toEqual({ ok: true, value });
  });

  it.each(['12.345', '十二元', '1e5', '¥', '12345678901234'])('refuses "%s" with a reason', (text) => {
    const outcome = money.parse(text, field);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.problem['zh-CN']).toMatch(/金额/);
  });

  it('takes JSON numbers and decimal strings, never keeping a binary fraction', () => {
    expect(money.normalize(0.1 + 0.2, field)).toEqual({ ok: true, value: '0.30' });
    expect(money.normalize(19.99, field)).toEqual({ ok: true, value: '19.99' });
    expect(money.normalize('1000000000000.01', field)).toEqual({ ok: true, value: '1000000000000.01' });
    expect(money.normalize(1e-7, field).ok).toBe(false);
    expect(money.normalize(true, field).ok).toBe(false);
  });

  it('shows yuan with thousands separators and two decimals', () => {
    expect(money.format('1234.50', field, 'zh-CN')).toBe('¥1,234.50');
    expect(money.format('1234567.00', field, 'en')).toBe('¥1,234,567.00');
    expect(money.format('-0.50', field, 'zh-CN')).toBe('-¥0.50');
    expect(money.format(null, field, 'zh-CN')).toBe('');
  });

  it('checks bounds in yuan', () => {
    expect(money.validate('5.00', { ...field, min: 10 }).map((m) => m['zh-CN'])).toEqual(['不能小于 ¥10.00']);
    expect(money.validate('10.00', { ...field, min: 10 })).toEqual([]);
  });

  it('is a currency cell in Excel and reads back from one', () => {
    const cells = money.spreadsheet(field);
    expect(cells.numFmt).toBe('"¥"#,##0.00');
    expect(cells.cell('1234.50', 'zh-CN')).toBe(1234.5);
    expect(money.parse(money.cellText(1234.5), field)).toEqual({ ok: true, value: '1234.50' });
    expect(money.parse(money.cellText('¥1,234.50'), field)).toEqual({ ok: true, value: '1234.50' });
  });

  it('sums and compares as a number in statistics and formulas, exactly in the database', () => {
    expect(money.statistics.summable).toBe(true);
    expect(money.valueKind).toBe('number');
    expect(money.checks(field, '"amount"')).toContain('"amount" = round("amount", 2)');
  });
});
