import type { DataSource, EntityManager } from 'typeorm';
import { ROWS_ROLE } from '@taizhang/ledger-core';

/** The units a request may touch: a list, or every unit (admins and leaders reading). */
export type UnitScope = { units: number[] } | { all: true };

/**
 * Runs row work in a transaction as the row role, with the units set for row-level security:
 * even a query that forgot its `unit_id = …` sees only these units' rows.
 */
export function inUnitScope<T>(db: DataSource, scope: UnitScope, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    // set_config('role', …, true) is SET LOCAL ROLE: one round trip for the role and the units
    await tx.query(`SELECT set_config('role', $1, true), set_config('taizhang.all_units', $2, true), set_config('taizhang.unit_ids', $3, true)`, [
      ROWS_ROLE,
      'all' in scope ? 'on' : 'off',
      'all' in scope ? '' : scope.units.join(','),
    ]);
    return work(tx);
  });
}
