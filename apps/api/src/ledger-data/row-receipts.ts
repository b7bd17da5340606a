import type { RowTransaction } from '../ledger-tables/row-scope';
import { problem, reject, type RowChange, type RowOutcome } from '../ledger-tables/row-write';

/**
 * A new row saved once (docs/api.md, "Saving a new row once"). An INSERT may carry a `clientKey`
 * its sender made for that row; the row's receipt (row_receipts: ledger, unit, key → row and the
 * version the insert made) is written in the insert's transaction. The same insert sent again —
 * its answer lost on the network, the page reloaded while it was on its way, the phone back
 * online — finds the receipt and becomes an UPDATE of that row from that version: the values the
 * sender holds now (edits made meanwhile included) are saved on the one row, nothing is inserted
 * twice, and an edit someone else made in between comes back as a CONFLICT.
 */

/** How long a receipt is kept: longer than any queue waits in a browser. */
export const RECEIPT_DAYS = 30;
export const MAX_CLIENT_KEY = 100;

/** A receipt's key within a ledger: the unit and the client's key (keys are each unit's own). */
const receiptKey = (unitId: number, clientKey: string) => `${unitId}\u001f${clientKey}`;

/** The batch with every insert sent before made an update of its row; inserts whose key cannot be one, refused. */
export interface ReceiptsRead {
  changes: RowChange[];
  refused: Map<number, RowOutcome>;
}

/**
 * Reads the receipts of a batch's keyed inserts (`units`: which changes are each unit's). A key
 * that cannot be one (not a string of 1–100 characters, or given twice in the batch) is REJECTED
 * with path clientKey; the batch is otherwise unchanged when nothing was sent before.
 */
export async function readReceipts(
  tx: RowTransaction,
  ledgerKey: string,
  changes: RowChange[],
  units: readonly { unitId: number; indices: readonly number[] }[],
): Promise<ReceiptsRead> {
  const refused = new Map<number, RowOutcome>();
  const keyed: { index: number; unit: number; key: string }[] = [];
  const given = new Set<string>();
  const refuse = (index: number, zh: string, en: string) =>
    refused.set(index, reject(index, [problem('clientKey', zh, en)]));
  for (const { unitId, indices } of units)
    for (const index of indices) {
      const { op, clientKey } = changes[index];
      if (op !== 'INSERT' || clientKey === null || clientKey === undefined) continue;
      if (typeof clientKey !== 'string' || clientKey.length === 0 || clientKey.length > MAX_CLIENT_KEY) {
        refuse(
          index,
          `clientKey 应为 1 到 ${MAX_CLIENT_KEY} 个字符`,
          `clientKey must be 1 to ${MAX_CLIENT_KEY} characters`,
        );
      } else if (given.has(receiptKey(unitId, clientKey))) {
        refuse(
          index,
          `同一批中已有一行使用 clientKey「${clientKey}」`,
          `Another row of the batch has the clientKey "${clientKey}"`,
        );
      } else {
        given.add(receiptKey(unitId, clientKey));
        keyed.push({ index, unit: unitId, key: clientKey });
      }
    }
  if (keyed.length === 0) return { changes, refused };
  const receipts = (await tx.query(
    `SELECT r.unit_id, r.client_key, r.row_id, r.version
       FROM row_receipts r JOIN unnest($2::int[], $3::text[]) AS k(unit_id, client_key)
         ON r.unit_id = k.unit_id AND r.client_key = k.client_key
      WHERE r.ledger_key = $1`,
    [ledgerKey, keyed.map((k) => k.unit), keyed.map((k) => k.key)],
  )) as { unit_id: number; client_key: string; row_id: string; version: number }[];
  if (receipts.length === 0) return { changes, refused };
  const made = new Map(receipts.map((r) => [receiptKey(r.unit_id, r.client_key), r]));
  const rewritten = [...changes];
  for (const { index, unit, key } of keyed) {
    const receipt = made.get(receiptKey(unit, key));
    if (!receipt) continue;
    const { clientKey: _sentBefore, ...change } = changes[index];
    rewritten[index] = { ...change, op: 'UPDATE', id: String(receipt.row_id), version: receipt.version };
  }
  return { changes: rewritten, refused };
}

/**
 * The receipts of the inserts just saved that carried a key, in their transaction; the units'
 * receipts older than RECEIPT_DAYS go in the same statement.
 */
export async function keepReceipts(
  tx: RowTransaction,
  ledgerKey: string,
  changes: readonly RowChange[],
  outcomes: readonly RowOutcome[],
): Promise<void> {
  const saved = outcomes.flatMap((o) => {
    const { op, clientKey } = changes[o.index] ?? {};
    return op === 'INSERT' && typeof clientKey === 'string' && o.status === 'SAVED' && o.row
      ? [{ unit: Number(o.row.unitId), key: clientKey, id: o.row.id, version: o.row.version }]
      : [];
  });
  if (saved.length === 0) return;
  await tx.query(
    `WITH expired AS (
       DELETE FROM row_receipts
        WHERE ledger_key = $1 AND unit_id = ANY($2::int[]) AND saved_at < now() - make_interval(days => $6)
     )
     INSERT INTO row_receipts (ledger_key, unit_id, client_key, row_id, version)
     SELECT $1, k.unit_id, k.client_key, k.row_id, k.version
       FROM unnest($2::int[], $3::text[], $4::bigint[], $5::int[]) AS k(unit_id, client_key, row_id, version)`,
    [
      ledgerKey,
      saved.map((s) => s.unit),
      saved.map((s) => s.key),
      saved.map((s) => s.id),
      saved.map((s) => s.version),
      RECEIPT_DAYS,
    ],
  );
}
