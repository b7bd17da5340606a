/**
 * The address of a ledger's page, optionally on a period's sheet and a row (`?period=`,
 * `?row=`: the page opens that sheet, and that row selected in the record pane). Links to rows —
 * 来源, 后续, a notice — are made here, and the ledger page reads them back.
 */
export function ledgerAddress(ledger: string, at: { period?: string | null; row?: string | null } = {}): string {
  const query = new URLSearchParams();
  if (at.period) query.set('period', at.period);
  if (at.row) query.set('row', at.row);
  const base = `/ledgers/${encodeURIComponent(ledger)}`;
  const text = query.toString();
  return text ? `${base}?${text}` : base;
}
