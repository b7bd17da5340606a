import { FIELD_TYPE_REGISTRY, quoteIdent, textOf, type LedgerModel } from '@taizhang/ledger-core';
import type { RowTransaction } from '../ledger-tables/row-scope';
import { tableOf } from '../ledger-tables/row-sql';
import { problem, reject, type Planned, type RowOutcome } from '../ledger-tables/row-write';

/** The values of a batch's unique fields met so far: field key → value (JSON) → index of its change. */
export type SeenValues = Map<string, Map<string, number>>;

/**
 * Unique fields: a value twice in the batch, or already in another live row of the unit. A batch
 * checked chunk by chunk passes the same `seenBefore` to each chunk.
 */
export async function rejectDuplicates(
  tx: RowTransaction,
  model: LedgerModel,
  unitId: number,
  planned: Planned[],
  outcomes: Map<number, RowOutcome>,
  seenBefore: SeenValues = new Map(),
): Promise<void> {
  for (const field of model.fields.filter((f) => f.unique)) {
    const title = textOf(field.title);
    const seen = seenBefore.get(field.key) ?? new Map<string, number>();
    seenBefore.set(field.key, seen);
    const candidates = planned.filter(
      (p) => p.op !== 'DELETE' && !outcomes.has(p.index) && p.values[field.key] !== null,
    );
    for (const p of candidates) {
      const key = JSON.stringify(p.values[field.key]);
      if (seen.has(key)) {
        outcomes.set(
          p.index,
          reject(p.index, [
            problem(
              field.key,
              `「${title}」与本批第 ${seen.get(key)! + 1} 行重复`,
              `"${textOf(field.title, 'en')}" repeats row ${seen.get(key)! + 1} of this batch`,
            ),
          ]),
        );
      } else seen.set(key, p.index);
    }
    // an update that keeps the row's value cannot make it twice in the unit: no query for it
    const changed = candidates.filter(
      (p) => !p.old || JSON.stringify(p.old.values[field.key]) !== JSON.stringify(p.values[field.key]),
    );
    if (changed.length === 0) continue;
    const taken = (await tx.query(
      `SELECT id, ${quoteIdent(field.key)} AS value FROM ${tableOf(model)} WHERE unit_id = $1 AND deleted_at IS NULL AND ${quoteIdent(field.key)} = ANY($2)`,
      [unitId, changed.map((p) => p.values[field.key])],
    )) as { id: string; value: unknown }[];
    const owner = new Map(
      taken.map((t) => [JSON.stringify(FIELD_TYPE_REGISTRY[field.type].fromDb(t.value)), Number(t.id)]),
    );
    for (const p of changed) {
      const holder = owner.get(JSON.stringify(p.values[field.key]));
      if (holder !== undefined && holder !== p.id && !outcomes.has(p.index)) {
        outcomes.set(
          p.index,
          reject(p.index, [
            problem(
              field.key,
              `本单位已有相同的「${title}」`,
              `Your unit already has this "${textOf(field.title, 'en')}"`,
            ),
          ]),
        );
      }
    }
  }
}
