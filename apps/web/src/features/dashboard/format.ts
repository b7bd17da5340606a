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

/** A rate resting on fewer cases than this (its denominator, n) is marked as uncertain. */
export const LOW_N = 10;

/**
 * Unit names for a chart's axis: without what many of them share (…行政审批服务中心,
 * 县政务服务中心…), so 20 names fit beside their bars; the full name stays in the tooltip and
 * the table. Per name, the affix (4 characters or more, leaving 2 or more) that the most names
 * share — at least 3 — is cut, the longer one at equal count; a name that would then read like
 * another keeps its full form.
 */
export function shortNames(names: string[]): Map<string, string> {
  const cut = (list: string[], side: 'prefix' | 'suffix'): string[] => {
    const affixOf = (name: string, length: number) =>
      side === 'suffix' ? name.slice(name.length - length) : name.slice(0, length);
    const counts = new Map<string, number>();
    for (const name of new Set(list))
      for (let length = 4; length <= name.length - 2; length++) {
        const affix = affixOf(name, length);
        counts.set(affix, (counts.get(affix) ?? 0) + 1);
      }
    return list.map((name) => {
      let best: string | null = null;
      for (let length = 4; length <= name.length - 2; length++) {
        const affix = affixOf(name, length);
        const count = counts.get(affix) ?? 0;
        if (count < 3) continue;
        const bestCount = best ? (counts.get(best) ?? 0) : 0;
        if (!best || count > bestCount || (count === bestCount && affix.length > best.length)) best = affix;
      }
      if (!best) return name;
      return side === 'suffix' ? name.slice(0, name.length - best.length) : name.slice(best.length);
    });
  };
  const short = cut(cut(names, 'suffix'), 'prefix');
  const taken = new Map<string, number>();
  for (const s of short) taken.set(s, (taken.get(s) ?? 0) + 1);
  return new Map(names.map((name, i) => [name, (taken.get(short[i]) ?? 0) > 1 ? name : short[i]]));
}

/**
 * The value axis of a measure's chart: it always reaches the target (100% is drawn even when
 * every unit is at 60%), and — unless `fromZero` — starts a little below the lowest value so that
 * 96.8% and 99.2% look different; `zoomed` says the axis does not start at 0 (the panel says so).
 * Percentages step by 5 points.
 */
export function valueAxisOf(
  values: (number | null)[],
  target: number | undefined,
  percent: boolean,
  fromZero: boolean,
): { min: number; max: number | undefined; zoomed: boolean } {
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const top = Math.max(target ?? 0, ...known, 0);
  const step = percent ? 0.05 : niceStep(top);
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  const max = top === 0 ? undefined : round(Math.ceil(top / step - 1e-9) * step);
  if (fromZero || known.length === 0) return { min: 0, max, zoomed: false };
  const low = Math.min(...known, target ?? Infinity);
  const spread = (max ?? top) - low;
  // the lowest bar keeps about a fifth of the width: the gaps between units stay visible
  const min = Math.max(0, round(Math.floor((low - Math.max(spread * 0.25, step)) / step) * step));
  return { min, max, zoomed: min > 0 };
}

function niceStep(top: number): number {
  if (top <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(top));
  return magnitude / 2 >= 1 ? magnitude / 2 : 1;
}

/** An axis tick or a target as the dashboard writes it: 75%, 100%; plain numbers otherwise. */
export function axisText(percent: boolean, value: number): string {
  return percent ? `${Math.round(value * 100)}%` : String(value);
}
