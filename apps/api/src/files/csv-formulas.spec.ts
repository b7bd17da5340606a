import { describe, expect, it } from 'vitest';
import { cellText } from './cell-text';
import { csvSafe } from './sheet-writers';

const text = { key: 'remark', title: '备注', type: 'text' as const };

describe('formula-like text in a CSV export', () => {
  it.each(['=1+1', '=HYPERLINK("http://evil.example","x")', '+1+1', '-2+3', '@SUM(1,2)', '\t=1', '\r=1', '-'])(
    'is made text with an apostrophe: %j',
    (value) => {
      expect(csvSafe(value)).toBe(`'${value}`);
    },
  );

  it.each(['-5', '+3', '-0.25', '-12.50', '-5%', '办件', "' OR '1'='1", 'a=1', ''])('is left as it is: %j', (value) => {
    expect(csvSafe(value)).toBe(value);
  });

  it('comes back from an import as it was exported', () => {
    for (const value of ['=1+1', '@SUM(1,2)', '-2+3', '+86 138', "' OR '1'='1", '-5'])
      expect(cellText(csvSafe(value), text)).toBe(value);
  });
});
