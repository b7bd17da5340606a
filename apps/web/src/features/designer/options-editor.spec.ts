import { describe, expect, it } from 'vitest';
import { choiceValues, labelsOf, optionsOf, pastedOptions } from './options-editor';

describe('the options editor', () => {
  it('keeps each value once, in order, with its names in one language or two', () => {
    const labels = labelsOf([
      { value: 'A', label: { zh: '非常满意', en: 'Very satisfied' } },
      { value: 'B', label: '比较满意' },
    ]);
    expect(choiceValues('A、B，C, A')).toEqual(['A', 'B', 'C']);
    expect(optionsOf('B、A、C', labels)).toEqual([
      { value: 'B', label: '比较满意' },
      { value: 'A', label: { zh: '非常满意', en: 'Very satisfied' } },
      { value: 'C' },
    ]);
  });

  it('reads rows pasted from Excel: value, name, English name by tabs; a plain line is left to the box', () => {
    expect(pastedOptions('A\t非常满意\tVery satisfied\r\nB\t比较满意\n\nC\n')).toEqual({
      values: ['A', 'B', 'C'],
      labels: { A: { zh: '非常满意', en: 'Very satisfied' }, B: { zh: '比较满意', en: '' }, C: { zh: '', en: '' } },
    });
    expect(pastedOptions('A、B')).toBeNull();
  });
});
