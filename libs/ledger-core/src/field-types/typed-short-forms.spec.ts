import { describe, expect, it } from 'vitest';
import { rowParseContext } from '../definition/ledger-date';
import { modelOf } from '../definition/ledger-model';
import { validateRow } from '../validate/validate-row';
import type { FieldDefinition } from './registry';
import { fieldTypeOf } from './registry';

/** What Excel and WPS users type every day, read as those programs read it (issue 27). */
const context = { today: '2026-12-05', day: '2026-11-30' };
const field = (type: string) => ({ key: 'f', title: { zh: '字段' }, type }) as FieldDefinition;
const read = (type: string, text: string, ctx: object | undefined = context) =>
  fieldTypeOf(type as never).parse(text, field(type) as never, ctx);

describe('dates and times typed the short way', () => {
  it.each([
    ['date', '12/5', '2026-12-05'],
    ['date', '3-1', '2026-03-01'],
    ['date', '3月1日', '2026-03-01'],
    ['date', '2026-12-5', '2026-12-05'],
    ['datetime', '12/5 11:30', '2026-12-05T11:30:00+08:00'],
    ['datetime', '12/5', '2026-12-05T00:00:00+08:00'],
    ['datetime', '2026-12-5 9:5', '2026-12-05T09:05:00+08:00'],
    ['datetime', '20261205 1145', '2026-12-05T11:45:00+08:00'],
    ['datetime', '202612051145', '2026-12-05T11:45:00+08:00'],
    ['datetime', '11:50', '2026-11-30T11:50:00+08:00'],
    ['datetime', '2026-12-05T11:20:00+08:00', '2026-12-05T11:20:00+08:00'],
    ['time', '9:5', '09:05'],
  ])('reads %s "%s" as %s', (type, text, expected) => {
    expect(read(type, text)).toEqual({ ok: true, value: expected });
  });

  it('gives a bare time today when the row has no day', () => {
    expect(read('datetime', '8:00', { today: '2026-12-05' })).toEqual({
      ok: true,
      value: '2026-12-05T08:00:00+08:00',
    });
  });

  it.each([
    ['date', '2/30'],
    ['date', '13/1'],
    ['datetime', '12/5 25:00'],
    ['datetime', '20261305 1145'],
    ['datetime', '11:61'],
  ])('refuses %s "%s"', (type, text) => {
    expect(read(type, text).ok).toBe(false);
  });

  it('reads a year-less date only against a known today', () => {
    expect(read('date', '12/5', {}).ok).toBe(false);
  });

  it('keeps the strict JSON form strict', () => {
    expect(fieldTypeOf('datetime').normalize('12/5 11:30', field('datetime') as never).ok).toBe(false);
    expect(fieldTypeOf('date').normalize('12/5', field('date') as never).ok).toBe(false);
  });
});

describe('percent entry as Excel reads it', () => {
  it.each([
    ['60', 0.6],
    ['60%', 0.6],
    ['60％', 0.6],
    ['1', 0.01],
    ['100', 1],
    ['0.6', 0.6],
    ['0.57', 0.57],
    ['57', 0.57],
    ['12.5', 0.125],
    ['-5', -0.05],
    ['0', 0],
  ])('reads "%s" as %s', (text, expected) => {
    expect(read('percent', text)).toEqual({ ok: true, value: expected });
  });

  it('reads a spreadsheet number cell as the fraction Excel stores (100% is 1)', () => {
    const spec = fieldTypeOf('percent');
    expect(read('percent', spec.cellText(1))).toEqual({ ok: true, value: 1 });
    expect(read('percent', spec.cellText(0.6))).toEqual({ ok: true, value: 0.6 });
    expect(read('percent', spec.cellText('60'))).toEqual({ ok: true, value: 0.6 });
  });

  it('reads back what it shows', () => {
    const spec = fieldTypeOf('percent');
    for (const value of [1, 0.6, 0.01, 0.125, 1.5]) {
      expect(read('percent', spec.format(value, field('percent') as never, 'zh-CN'))).toEqual({ ok: true, value });
    }
  });
});

describe('a row read as typed', () => {
  const model = modelOf({
    key: 'cases',
    title: { zh: '办件' },
    fillers: { unitKinds: ['township_centre'] },
    fields: [
      { key: 'accepted_at', title: { zh: '受理时间' }, type: 'datetime' },
      { key: 'visited_at', title: { zh: '回访时间' }, type: 'datetime' },
      { key: 'rate', title: { zh: '完成率' }, type: 'percent' },
    ],
  } as never);

  it('puts a bare time on the row’s day and a year-less date in this year', () => {
    const now = new Date('2026-12-05T03:00:00Z');
    expect(rowParseContext(model, { accepted_at: '11/30 9:00' }, now)).toEqual({
      today: '2026-12-05',
      day: '2026-11-30',
    });
    const row = validateRow(
      model,
      { accepted_at: '11/30 9:00', visited_at: '11:50', rate: '60' },
      { input: 'text', now },
    );
    expect(row.errors).toEqual([]);
    expect(row.values).toEqual({
      accepted_at: '2026-11-30T09:00:00+08:00',
      visited_at: '2026-11-30T11:50:00+08:00',
      rate: 0.6,
    });
  });
});

describe('numbers shown with thousands separators, as Excel’s #,##0 shows them', () => {
  const decimal = { key: 'd', title: { zh: '金额' }, type: 'decimal', scale: 2 } as FieldDefinition;
  it.each([
    ['integer', 1203, '1,203'],
    ['integer', 999, '999'],
    ['integer', -1234567, '-1,234,567'],
    ['decimal', 1234567.5, '1,234,567.50'],
    ['decimal', -0.5, '-0.50'],
  ])('%s %s is shown as %s, and read back', (type, value, shown) => {
    const f = type === 'decimal' ? decimal : field(type);
    const spec = fieldTypeOf(type as never);
    expect(spec.format(value as never, f as never, 'zh-CN')).toBe(shown);
    expect(spec.parse(shown, f as never, context)).toEqual({ ok: true, value });
  });
});
