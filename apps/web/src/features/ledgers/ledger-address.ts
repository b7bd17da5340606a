/**
 * The address of a ledger's page, optionally on a unit's sheet of a period and a row (`?unit=`,
 * `?period=`, `?row=`: the page opens that unit's sheet of that period — the unit only for those
 * who may choose one — and that row selected in the record pane). Links to sheets and rows —
 * 来源, 后续, a notice, a board's unit — are made here, and the ledger page reads them back.
 */
export function ledgerAddress(
  ledger: string,
  at: { unit?: string | null; period?: string | null; row?: string | null } = {},
): string {
  const query = new URLSearchParams();
  if (at.unit) query.set('unit', at.unit);
  if (at.period) query.set('period', at.period);
  if (at.row) query.set('row', at.row);
  const base = `/ledgers/${encodeURIComponent(ledger)}`;
  const text = query.toString();
  return text ? `${base}?${text}` : base;
}
