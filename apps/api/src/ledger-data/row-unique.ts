import { FIELD_TYPE_REGISTRY, quoteIdent, textOf, type LedgerModel } from '@taizhang/ledger-core';
import type { RowTransaction } from '../ledger-tables/row-scope';
import { tableOf } from '../ledger-tables/row-sql';
import { problem, reject, type Planned, type RowOutcome } from '../ledger-tables/row-write';

/** The values of a batch's unique fields met so far: field key → unit and value (JSON) → index of its change. */
export type SeenValues = Map<string, Map<string, number>>;

/**
 * Unique fields: a value twice in the batch in one unit, or already in another live row of that
 * unit. A batch checked chunk by chunk passes the same `seenBefore` to each chunk. `unitId`: the
 * unit of every change, or of each change by its index (a batch across units, checked against
 * every unit's rows in one statement per field).
 */
export async function rejectDuplicates(
  tx: RowTransaction,
  model: LedgerModel,
  unitId: number | ((index: number) => number),
  planned: Planned[],
  outcomes: Map<number, RowOutcome>,
  seenBefore: SeenValues = new Map(),
): Promise<void> {
  const unitOf = typeof unitId === 'number' ? () => unitId : unitId;
  for (const field of model.fields.filter((f) => f.unique)) {
    const title = textOf(field.title);
    const seen = seenBefore.get(field.key) ?? new Map<string, number>();
    seenBefore.set(field.key, seen);
    const candidates = planned.filter(
      (p) => p.op !== 'DELETE' && !outcomes.has(p.index) && p.values[field.key] !== null,
    );
    for (const p of candidates) {
      const key = `${unitOf(p.index)}:${JSON.stringify(p.values[field.key])}`;
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
    const units = new Set(changed.map((p) => unitOf(p.index)));
    const column = quoteIdent(field.key);
    // one unit: its rows holding any of the values; several: the (unit, value) pairs, joined on the unit's unique index
    const taken = (
      units.size === 1
        ? await tx.query(
            `SELECT id, unit_id, ${column} AS value FROM ${tableOf(model)} WHERE unit_id = $1 AND deleted_at IS NULL AND ${column} = ANY($2)`,
            [unitOf(changed[0].index), changed.map((p) => p.values[field.key])],
          )
        : await tx.query(
            `SELECT t.id, t.unit_id, t.${column} AS value
               FROM (SELECT DISTINCT u, v FROM jsonb_to_recordset($1::jsonb) AS x(u integer, v ${FIELD_TYPE_REGISTRY[field.type].sqlType})) x
               JOIN ${tableOf(model)} t ON t.unit_id = x.u AND t.${column} = x.v
              WHERE t.deleted_at IS NULL`,
            [JSON.stringify(changed.map((p) => ({ u: unitOf(p.index), v: p.values[field.key] })))],
          )
    ) as { id: string; unit_id: number; value: unknown }[];
    const owner = new Map(
      taken.map((t) => [
        `${t.unit_id}:${JSON.stringify(FIELD_TYPE_REGISTRY[field.type].fromDb(t.value))}`,
        Number(t.id),
      ]),
    );
    for (const p of changed) {
      const holder = owner.get(`${unitOf(p.index)}:${JSON.stringify(p.values[field.key])}`);
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
