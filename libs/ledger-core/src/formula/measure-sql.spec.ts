import { describe, expect, it } from 'vitest';
import type { MeasureDefinition } from '../definition/types';
import { measureRowsSql, measureToSql } from './measure-sql';

const MEASURES: MeasureDefinition[] = [
  { key: 'cases', title: '办件量', kind: 'count' },
  { key: 'visited', title: '回访量', kind: 'countWhere', where: 'not isblank(visited_at)' },
  { key: 'satisfied', title: '满意量', kind: 'countWhere', where: 'result = "满意"' },
  { key: 'rate', title: '满意率', kind: 'ratio', numerator: 'satisfied', denominator: 'visited', target: 1 },
  { key: 'sum_cases', title: '办件数', kind: 'sum', field: 'n_cases' },
  { key: 'sum_visits', title: '回访数', kind: 'sum', field: 'n_visits' },
  { key: 'sum_rate', title: '回访率', kind: 'ratio', numerator: 'sum_visits', denominator: 'sum_cases' },
  { key: 'mixed', title: '混合', kind: 'ratio', numerator: 'visited', denominator: 'sum_cases' },
  { key: 'dist', title: '分布', kind: 'distribution', field: 'result' },
];
const context = () => ({
  alias: 't',
  types: { visited_at: 'datetime', result: 'choice', n_cases: 'integer', n_visits: 'integer' } as never,
  params: [] as unknown[],
  now: new Date('2026-12-07T00:00:00Z'),
});
const rows = (key: string, part: 'COUNTED' | 'MET' | 'MISSED') =>
  measureRowsSql(
    MEASURES.find((m) => m.key === key)!,
    MEASURES,
    part,
    context(),
  );

describe('measureRowsSql: the rows behind a measure, from the formulas measureToSql counts with', () => {
  it('a ratio of counts: its denominator’s condition, with or without its numerator’s', () => {
    const where = measureToSql(MEASURES[1], MEASURES, context()).replace(/^count\(\*\) FILTER \(WHERE (.*)\)$/, '$1');
    expect(rows('rate', 'COUNTED')).toBe(`(${where}) IS TRUE`);
    expect(rows('rate', 'MET')).toMatch(/^\(.*\) IS TRUE AND \(.*\) IS TRUE$/);
    expect(rows('rate', 'MISSED')).toMatch(/^\(.*\) IS TRUE AND NOT \(\(.*\) IS TRUE\)$/);
  });

  it('counts and sums: all rows, the condition, the rows holding a number other than 0', () => {
    expect(rows('cases', 'COUNTED')).toBe('TRUE');
    expect(rows('sum_cases', 'COUNTED')).toBe('COALESCE(t."n_cases", 0) <> 0');
  });

  it('a ratio of sums: the rows whose numerator reaches or falls short of their denominator', () => {
    expect(rows('sum_rate', 'MET')).toBe('COALESCE(t."n_cases", 0) <> 0 AND COALESCE(t."n_visits", 0) >= t."n_cases"');
    expect(rows('sum_rate', 'MISSED')).toBe(
      'COALESCE(t."n_cases", 0) <> 0 AND NOT (COALESCE(t."n_visits", 0) >= t."n_cases")',
    );
  });

  it('nothing where the part means nothing: MET of a count, a ratio mixing a count and a sum, a distribution', () => {
    expect(rows('cases', 'MET')).toBeNull();
    expect(rows('visited', 'MISSED')).toBeNull();
    expect(rows('mixed', 'MET')).toBeNull();
    expect(rows('mixed', 'COUNTED')).toBe('COALESCE(t."n_cases", 0) <> 0');
    expect(rows('dist', 'COUNTED')).toBeNull();
  });
});
