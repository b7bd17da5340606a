import { describe, expect, it } from 'vitest';
import type { MeasureDefinition } from '@taizhang/ledger-core';
import { rateLayout } from './table-export.service';

const MEASURES: MeasureDefinition[] = [
  { key: 'visited', title: '回访量', kind: 'count' },
  { key: 'satisfied', title: '满意量', kind: 'count' },
  { key: 'completed', title: '办结量', kind: 'count' },
  { key: 'satisfaction_rate', title: '满意率', kind: 'ratio', numerator: 'satisfied', denominator: 'visited' },
  { key: 'followup_rate', title: '回访率', kind: 'ratio', numerator: 'visited', denominator: 'completed' },
  { key: 'field_rate', title: '字段率', kind: 'ratio', numerator: 'a_field', denominator: 'visited' },
];

describe('the measures of a statistics file', () => {
  it('puts each rate’s numerator and denominator beside it', () => {
    expect(rateLayout(MEASURES, ['satisfaction_rate'])).toEqual([
      { measure: 'satisfaction_rate' },
      { measure: 'satisfied', part: 'numerator' },
      { measure: 'visited', part: 'denominator' },
    ]);
  });

  it('writes a part asked for on its own once, beside its rate, and keeps other measures in order', () => {
    expect(rateLayout(MEASURES, ['completed', 'visited', 'followup_rate']).map((c) => c.measure)).toEqual([
      'followup_rate',
      'visited',
      'completed',
    ]);
    expect(rateLayout(MEASURES, ['satisfied', 'followup_rate'])).toEqual([
      { measure: 'satisfied' },
      { measure: 'followup_rate' },
      { measure: 'visited', part: 'numerator' },
      { measure: 'completed', part: 'denominator' },
    ]);
  });

  it('leaves out a part that is a field, not a measure', () => {
    expect(rateLayout(MEASURES, ['field_rate'])).toEqual([
      { measure: 'field_rate' },
      { measure: 'visited', part: 'denominator' },
    ]);
  });
});
