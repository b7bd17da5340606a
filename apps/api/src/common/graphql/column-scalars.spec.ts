import { describe, expect, it } from 'vitest';
import { FloatColumn, StringColumn } from './column-scalars';

describe('column scalars', () => {
  it('send a column as it is', () => {
    expect(FloatColumn.serialize([1.5, null, 0])).toEqual([1.5, null, 0]);
    expect(StringColumn.serialize(['2026-03-01', null])).toEqual(['2026-03-01', null]);
  });

  it('refuse what is not a column of their kind', () => {
    expect(() => FloatColumn.serialize([1, '2'])).toThrow(/FloatColumn cannot represent/);
    expect(() => FloatColumn.serialize([Number.NaN])).toThrow();
    expect(() => StringColumn.serialize('a')).toThrow(/StringColumn/);
    expect(() => FloatColumn.parseValue([1])).toThrow(/output type/);
  });
});
