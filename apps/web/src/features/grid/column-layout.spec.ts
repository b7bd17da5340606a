import { describe, expect, it } from 'vitest';
import { ColumnLayoutStore, indexSequence, layoutKey, orderOf, parseLayout } from './column-layout';

const memory = () => {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, v: string) => void items.set(key, v),
  };
};

describe('column layout', () => {
  it('keeps the definition order when nothing is stored', () => {
    expect(orderOf(['a', 'b', 'c'], [])).toEqual(['a', 'b', 'c']);
  });

  it('follows the stored order and ignores keys of fields that no longer exist', () => {
    expect(orderOf(['a', 'b', 'c'], ['c', 'gone', 'a', 'b'])).toEqual(['c', 'a', 'b']);
  });

  it('puts a field added since after the field it follows in the definition', () => {
    // definition a, b, new, c; stored c, b, a → new goes right after b
    expect(orderOf(['a', 'b', 'new', 'c'], ['c', 'b', 'a'])).toEqual(['c', 'b', 'new', 'a']);
    // a new first field goes first
    expect(orderOf(['new', 'a', 'b'], ['b', 'a'])).toEqual(['new', 'b', 'a']);
  });

  it('gives Handsontable the physical indexes in the order shown', () => {
    expect(indexSequence(['a', 'b', 'c'], ['b', 'c', 'a'])).toEqual([1, 2, 0]);
  });

  it('reads only sound widths and nothing from broken text', () => {
    expect(parseLayout('{"order":["a",1,"a"],"widths":{"a":120.4,"b":-3,"c":"wide","d":99999}}')).toEqual({
      order: ['a'],
      widths: { a: 120 },
    });
    expect(parseLayout('not json')).toEqual({ order: [], widths: {} });
    expect(parseLayout(null)).toEqual({ order: [], widths: {} });
  });

  it('keeps each user’s layout of each ledger apart and reads it back', () => {
    const storage = memory();
    const mine = new ColumnLayoutStore(storage, layoutKey('u1', 'window_case'));
    mine.setWidth('applicant', 180);
    mine.setOrder(['b', 'a']);
    expect(new ColumnLayoutStore(storage, layoutKey('u1', 'window_case')).current).toEqual({
      order: ['b', 'a'],
      widths: { applicant: 180 },
    });
    expect(new ColumnLayoutStore(storage, layoutKey('u2', 'window_case')).current.order).toEqual([]);
    expect(new ColumnLayoutStore(storage, layoutKey('u1', 'task')).current.order).toEqual([]);
  });
});
