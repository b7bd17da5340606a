/** Which rows behind a measure a drill-down opens (the API's MeasurePart). */
export type DrillPart = 'COUNTED' | 'MET' | 'MISSED';
export const DRILL_PARTS: readonly DrillPart[] = ['COUNTED', 'MET', 'MISSED'];

/**
 * The address of a ledger's page, optionally on a unit's sheet of a period and a row (`?unit=`,
 * `?period=`, `?row=`: the page opens that unit's sheet of that period — the unit only for those
 * who may choose one — and that row selected in the record pane). Links to sheets and rows —
 * 来源, 后续, a notice, a board's unit — are made here, and the ledger page reads them back.
 *
 * A dashboard's drill-down (docs/dashboards.md, "Drill-down") adds `?from=&to=` (the range on the
 * ledger's date), `?measure=&part=` (the rows behind a measure: COUNTED, MET, MISSED) and `?back=`
 * (the dashboard's own address, to return to it with its range and unit).
 */
export function ledgerAddress(
  ledger: string,
  at: {
    unit?: string | null;
    period?: string | null;
    row?: string | null;
    from?: string | null;
    to?: string | null;
    measure?: string | null;
    part?: DrillPart | null;
    back?: string | null;
  } = {},
): string {
  const query = new URLSearchParams();
  if (at.unit) query.set('unit', at.unit);
  if (at.period) query.set('period', at.period);
  if (at.row) query.set('row', at.row);
  if (at.from) query.set('from', at.from);
  if (at.to) query.set('to', at.to);
  if (at.measure) query.set('measure', at.measure);
  if (at.part && at.part !== 'COUNTED') query.set('part', at.part);
  if (at.back) query.set('back', at.back);
  const base = `/ledgers/${encodeURIComponent(ledger)}`;
  const text = query.toString();
  return text ? `${base}?${text}` : base;
}

/** A drill-down as the ledger page reads it from its address; null when the address has none. */
export interface LedgerDrill {
  from: string | null;
  to: string | null;
  measure: string | null;
  part: DrillPart | null;
  /** Where 返回 goes: only an address of this app's dashboard (never another site). */
  back: string | null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function drillOf(params: URLSearchParams): LedgerDrill | null {
  const date = (name: string) => {
    const value = params.get(name);
    return value && DATE.test(value) ? value : null;
  };
  const from = date('from');
  const to = date('to');
  const measure = params.get('measure') || null;
  const asked = params.get('part');
  const part = measure ? (DRILL_PARTS.find((p) => p === asked) ?? 'COUNTED') : null;
  const back = params.get('back');
  if (!from && !to && !measure) return null;
  return { from, to, measure, part, back: back && /^\/dashboard(\?|$)/.test(back) ? back : null };
}
