import { describe, expect, it } from 'vitest';
import { ratingFieldType as rating, type RatingField } from './rating.field-type';

const field: RatingField = { key: 'stars', title: '评价', type: 'rating' };

describe('rating', () => {
  it.each([
    ['3', 3],
    ['３ 星', 3],
    ['★★★★', 4],
    ['★★☆☆☆', 2],
    ['', null],
  ])('reads "%s" as %j', (text, value) => {
    expect(rating.parse(text, field)).toEqual({ ok: true, value });
  });

  it('refuses what is no number of stars, and what is out of range, with a reason', () => {
    expect(rating.parse('很好', field).ok).toBe(false);
    expect(rating.parse('2.5', field).ok).toBe(false);
    expect(rating.validate(6, field).map((m) => m['zh-CN'])).toEqual(['星级应为 1 至 5']);
    expect(rating.validate(0, field)).toHaveLength(1);
    expect(rating.validate(9, { ...field, max: 10 })).toEqual([]);
  });

  it('shows stars out of its maximum, and offers them in the grid and the forms', () => {
    expect(rating.format(3, field, 'zh-CN')).toBe('★★★☆☆');
    expect(rating.format(7, { ...field, max: 10 }, 'zh-CN')).toBe('★★★★★★★☆☆☆');
    expect(rating.grid(field, 'zh-CN').options?.map((o) => o.value)[0]).toBe('★☆☆☆☆');
    expect(rating.form(field, 'zh-CN')).toEqual({ input: 'stars', max: 5 });
  });

  it('is averaged (summable) and distributed (its stars as choices) in statistics', () => {
    expect(rating.statistics).toEqual({ summable: true, categorical: true, timeAxis: false });
    expect(rating.choices!(field, 'zh-CN')).toEqual([
      { value: '1', label: '★☆☆☆☆' },
      { value: '2', label: '★★☆☆☆' },
      { value: '3', label: '★★★☆☆' },
      { value: '4', label: '★★★★☆' },
      { value: '5', label: '★★★★★' },
    ]);
  });

  it('is a number cell in Excel and reads back from one', () => {
    expect(rating.spreadsheet(field).cell(4, 'zh-CN')).toBe(4);
    expect(rating.parse(rating.cellText(4), field)).toEqual({ ok: true, value: 4 });
  });
});
