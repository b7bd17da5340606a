import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { ROWS_ROLE } from '@taizhang/ledger-core';

/** The units a request may touch: a list, or every unit (admins and leaders reading). */
export type UnitScope = { units: number[] } | { all: true };

/** A transaction's connection: a query answers its rows (also for UPDATE … RETURNING). */
export interface RowTransaction {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/**
 * Runs row work in a transaction as the row role, with the units set for row-level security:
 * even a query that forgot its `unit_id = …` sees only these units' rows.
 *
 * Row work is the hot path (a grid page, an autosave), so it talks to node-postgres directly:
 * BEGIN, the role and the units go in one round trip, then the work, then COMMIT.
 */
export async function inUnitScope<T>(
  db: DataSource,
  scope: UnitScope,
  work: (tx: RowTransaction) => Promise<T>,
): Promise<T> {
  const units = 'all' in scope ? [] : scope.units;
  // inlined, not parameters (a multi-statement query takes none): integers and constants only
  if (!units.every((id) => Number.isSafeInteger(id))) throw new Error(`unit ids must be integers: ${units.join(',')}`);
  const pool = (db.driver as unknown as { master: Pool }).master;
  const client = await pool.connect();
  try {
    await client.query(
      `BEGIN; SELECT set_config('role', '${ROWS_ROLE}', true), set_config('taizhang.all_units', '${'all' in scope ? 'on' : 'off'}', true), ` +
        `set_config('taizhang.unit_ids', '${units.join(',')}', true)`,
    );
    const result = await work({ query: async (sql, params) => (await client.query(sql, params)).rows });
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
