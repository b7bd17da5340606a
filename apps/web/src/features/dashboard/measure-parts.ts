import type { MeasureDefinition } from '@taizhang/ledger-core';

const isCountLike = (m: MeasureDefinition | null): boolean => m?.kind === 'count' || m?.kind === 'countWhere';

/**
 * What a ratio rests on, for the dashboard to show beside it: `n`, its denominator's measure (the
 * number of cases: 已回访 for 满意率, Σ 办件量 for 回访率), and `met`, its numerator's; `missedIsRows`
 * when both count rows, so that n − met is the number of rows a "未达标" drill-down lists.
 * Nothing for other measures, or sides that are fields rather than measures.
 */
export function ratioParts(
  measure: MeasureDefinition,
  measures: MeasureDefinition[],
): { n: MeasureDefinition | null; met: MeasureDefinition | null; missedIsRows: boolean } {
  if (measure.kind !== 'ratio') return { n: null, met: null, missedIsRows: false };
  const n = measures.find((m) => m.key === measure.denominator) ?? null;
  const met = measures.find((m) => m.key === measure.numerator) ?? null;
  return { n, met, missedIsRows: isCountLike(n) && isCountLike(met) };
}

/** The measures a panel asks statistics for: the measure, and what its ratio rests on. */
export function measuresWithParts(measure: MeasureDefinition, measures: MeasureDefinition[]): string[] {
  const { n, met } = ratioParts(measure, measures);
  return [measure.key, ...(n ? [n.key] : []), ...(met ? [met.key] : [])];
}
