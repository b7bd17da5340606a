import { describe, expect, it } from 'vitest';
import {
  clampPosition,
  nearEdges,
  parseRowNumber,
  positionOfFraction,
  previousPage,
  rowsToDrop,
  windowStart,
} from './grid-window';

describe('the window of a huge ledger', () => {
  it('starts a jump a few rows above the row asked for, never past a whole page before the end', () => {
    expect(windowStart(899_999, 1_000_000)).toBe(899_994);
    expect(windowStart(0, 1_000_000)).toBe(0);
    expect(windowStart(3, 1_000_000)).toBe(0);
    // the last row (Ctrl+End): the last page, so the view is full
    expect(windowStart(999_999, 1_000_000)).toBe(999_800);
    expect(windowStart(5_000_000, 1_000_000)).toBe(999_800);
    // fewer rows than a page: from the first
    expect(windowStart(40, 50)).toBe(0);
    expect(windowStart(10, 0)).toBe(0);
  });

  it('reads row numbers as typed, 1-based, into positions within the ledger', () => {
    expect(parseRowNumber('900000', 1_000_000)).toBe(899_999);
    expect(parseRowNumber(' 900,000 ', 1_000_000)).toBe(899_999);
    expect(parseRowNumber('９００，０００', 1_000_000)).toBe(899_999);
    expect(parseRowNumber('1', 10)).toBe(0);
    expect(parseRowNumber('99', 10)).toBe(9); // past the end: the last row
    for (const text of ['', '0', '-3', 'abc', '1.5', '12a']) expect(parseRowNumber(text, 10)).toBeNull();
    expect(parseRowNumber('1', 0)).toBeNull();
  });

  it('clamps positions and maps a scrollbar fraction onto the whole ledger', () => {
    expect(clampPosition(-5, 10)).toBe(0);
    expect(clampPosition(12.7, 10)).toBe(9);
    expect(clampPosition(Number.NaN, 10)).toBe(0);
    expect(positionOfFraction(0, 1_000_000)).toBe(0);
    expect(positionOfFraction(1, 1_000_000)).toBe(999_999);
    expect(positionOfFraction(0.9, 1_000_001)).toBe(900_000);
    expect(positionOfFraction(2, 10)).toBe(9);
  });

  it('reads the page before the window up to its first row', () => {
    expect(previousPage(0)).toBeNull();
    expect(previousPage(899_994)).toEqual({ offset: 899_794, first: 200 });
    expect(previousPage(50)).toEqual({ offset: 0, first: 50 });
  });

  it('drops rows from an end only while they may go, keeping the window one run', () => {
    expect(rowsToDrop(1_200, 1_000, () => true)).toBe(200);
    expect(rowsToDrop(900, 1_000, () => true)).toBe(0);
    // the 51st row from the end is being edited: it and the rows past it stay
    expect(rowsToDrop(1_200, 1_000, (i) => i !== 50)).toBe(50);
    expect(rowsToDrop(1_200, 1_000, () => false)).toBe(0);
  });

  it('says when the view nears an end of the window', () => {
    expect(nearEdges({ first: 0, last: 30 }, 200)).toEqual({ start: true, end: false });
    expect(nearEdges({ first: 120, last: 150 }, 400)).toEqual({ start: false, end: false });
    expect(nearEdges({ first: 150, last: 180 }, 200)).toEqual({ start: false, end: true });
  });
});
