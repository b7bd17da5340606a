import type { MeasureDefinition } from '@taizhang/ledger-core';

/** A measure's value as the dashboard shows it: percentages for rates, plain numbers otherwise. */
export function formatMeasure(measure: Pick<MeasureDefinition, 'format'> | undefined, value: number | null): string {
  if (value === null || value === undefined) return '—';
  if (measure?.format === 'percent') return `${(value * 100).toFixed(1)}%`;
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** The Asia/Shanghai date `days` before today, "YYYY-MM-DD". */
export function shanghaiDaysAgo(days: number, now = new Date()): string {
  return new Date(now.getTime() + 8 * 3_600_000 - days * 86_400_000).toISOString().slice(0, 10);
}

/** The target a measure declares (distributions have none). */
export function targetOf(measure: MeasureDefinition): number | undefined {
  return 'target' in measure ? measure.target : undefined;
}
