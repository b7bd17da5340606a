import { describe, expect, it } from 'vitest';
import type { LedgerDefinition } from '@taizhang/ledger-core';
import { measuresReading } from './statistics-corrections';

const definition = {
  key: 'visits',
  title: '回访',
  fields: [],
  measures: [
    { key: 'cases', title: '办件量', kind: 'sum', field: 'cases' },
    { key: 'follow_ups', title: '回访量', kind: 'sum', field: 'follow_ups' },
    { key: 'rows', title: '行数', kind: 'count' },
    { key: 'unhappy', title: '不满意', kind: 'countWhere', where: 'satisfied = "否" and follow_ups > 0' },
    { key: 'rate', title: '回访率', kind: 'ratio', numerator: 'follow_ups', denominator: 'cases' },
    { key: 'unhappy_rate', title: '不满意率', kind: 'ratio', numerator: 'unhappy', denominator: 'rows' },
    { key: 'by_channel', title: '渠道', kind: 'distribution', field: 'channel' },
  ],
} as unknown as LedgerDefinition;

describe('the measures a corrected field goes into', () => {
  it('a sum of it, a ratio through its numerator or denominator, a countWhere naming it', () => {
    expect(measuresReading(definition, 'cases')).toEqual(['cases', 'rate']);
    expect(measuresReading(definition, 'follow_ups')).toEqual(['follow_ups', 'unhappy', 'rate', 'unhappy_rate']);
    expect(measuresReading(definition, 'channel')).toEqual(['by_channel']);
  });

  it('a key only as a whole word of a formula, and never a plain count', () => {
    expect(measuresReading(definition, 'satisfied')).toEqual(['unhappy', 'unhappy_rate']);
    expect(measuresReading(definition, 'follow')).toEqual([]);
    expect(measuresReading(definition, 'rows')).toEqual([]);
  });
});
