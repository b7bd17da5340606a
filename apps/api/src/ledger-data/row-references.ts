import { quoteIdent, specOf, tableNameOf, textOf, type LedgerModel } from '@taizhang/ledger-core';
import type { RowTransaction } from '../ledger-tables/row-scope';
import { problem, reject, type Planned, type RowOutcome } from '../ledger-tables/row-write';

/**
 * References (a field whose type has a `target`): each id must be a live row of the target ledger
 * in the row's own unit. The database's foreign key holds only that the row exists in the unit;
 * a deleted row, another unit's row or no row at all is refused here, per row, with the field
 * and the id, before anything is written — so one bad reference never costs the batch.
 */
export async function rejectMissingReferences(
  tx: RowTransaction,
  model: LedgerModel,
  unitId: number,
  planned: Planned[],
  outcomes: Map<number, RowOutcome>,
): Promise<void> {
  for (const field of model.fields) {
    const target = specOf(field).target?.(field);
    if (!target) continue;
    const citing = planned.filter(
      (p) =>
        p.op !== 'DELETE' &&
        !outcomes.has(p.index) &&
        p.values[field.key] !== null &&
        p.values[field.key] !== undefined &&
        // an update that keeps its reference was checked when it was made
        (!p.old || p.old.values[field.key] !== p.values[field.key]),
    );
    if (citing.length === 0) continue;
    const ids = [...new Set(citing.map((p) => Number(p.values[field.key])))];
    const found = (await tx.query(
      `SELECT id FROM ${quoteIdent(tableNameOf(target.ledger))} WHERE unit_id = $1 AND id = ANY($2::bigint[]) AND deleted_at IS NULL`,
      [unitId, ids],
    )) as { id: string }[];
    const live = new Set(found.map((r) => Number(r.id)));
    for (const p of citing) {
      const id = Number(p.values[field.key]);
      if (live.has(id)) continue;
      outcomes.set(
        p.index,
        reject(p.index, [
          problem(
            field.key,
            `「${textOf(field.title)}」引用的第 ${id} 行不存在、已删除或不属于本单位`,
            `"${textOf(field.title, 'en')}": row ${id} does not exist, was deleted, or is not this unit's`,
          ),
        ]),
      );
    }
  }
}
