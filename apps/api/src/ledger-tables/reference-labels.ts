import { quoteIdent, type LedgerModel } from '@taizhang/ledger-core';
import type { RowTransaction } from './row-scope';
import { displayedReferences } from './row-sql';

/** Values that may name rows (a history entry's old or new values), and the unit they belong to. */
export interface ValuesInUnit {
  unitId: string | number;
  values: Record<string, unknown> | null;
}

/** What the references among some values say, in Row.display's shape: `{ fieldKey: text }`. */
export type ReferenceDisplay = Record<string, string | null>;

const isRowId = (value: unknown) => Number.isSafeInteger(Number(value)) && Number(value) > 0;

/**
 * What the references among each set of values say: `{ fieldKey: text }` for every reference
 * field the values hold (null: the value is empty, or its row says nothing), or null when they
 * hold no reference — so that a history entry or an audit line reads "RX-2026-0100", not an id.
 * The text is what the row says now, read by the very subquery a row's display is read by
 * (row-sql.ts displayedReferences), once per reference field for all the values together.
 */
async function referenceDisplays(
  tx: RowTransaction,
  model: LedgerModel,
  items: ValuesInUnit[],
): Promise<(ReferenceDisplay | null)[]> {
  const answers: (ReferenceDisplay | null)[] = items.map(() => null);
  for (const { key, sql } of displayedReferences(model)) {
    const holding = items.flatMap((item, index) => (item.values && key in item.values ? [index] : []));
    if (holding.length === 0) continue;
    const named = holding.filter((index) => isRowId(items[index].values![key]));
    const says = new Map<string, string | null>();
    if (named.length > 0) {
      const found = await tx.query<{ unit_id: string; ref: string; label: string | null }>(
        `SELECT v.unit_id::text AS unit_id, v.${quoteIdent(key)}::text AS ref, ${sql('v')} AS label
           FROM unnest($1::bigint[], $2::bigint[]) AS v(unit_id, ${quoteIdent(key)})`,
        [named.map((index) => items[index].unitId), named.map((index) => items[index].values![key])],
      );
      for (const r of found) says.set(`${r.unit_id}:${r.ref}`, r.label);
    }
    for (const index of holding) {
      const { unitId, values } = items[index];
      (answers[index] ??= {})[key] = says.get(`${String(unitId)}:${String(values![key])}`) ?? null;
    }
  }
  return answers;
}

/** A change of a row: the unit it is in, and its values before and after. */
export interface ChangeInUnit {
  unitId: string | number;
  old: Record<string, unknown> | null;
  new: Record<string, unknown> | null;
}

/** What the references among each change's old and new values say (both sides in the same queries). */
export async function changeDisplays(
  tx: RowTransaction,
  model: LedgerModel,
  changes: ChangeInUnit[],
): Promise<{ old: ReferenceDisplay | null; new: ReferenceDisplay | null }[]> {
  const displays = await referenceDisplays(tx, model, [
    ...changes.map((change) => ({ unitId: change.unitId, values: change.old })),
    ...changes.map((change) => ({ unitId: change.unitId, values: change.new })),
  ]);
  return changes.map((_, i) => ({ old: displays[i], new: displays[changes.length + i] }));
}
