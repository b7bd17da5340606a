import type { MigrationInterface, QueryRunner } from 'typeorm';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const q = (name: string) => {
  if (!IDENTIFIER.test(name)) throw new Error(`unsafe identifier ${name}`);
  return `"${name}"`;
};

/** FNV-1a, 32 bits, as ledger-core's sql-names.ts names indexes (frozen here: a migration keeps its own text). */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

interface State {
  columns: { fieldId: string; column: string; constraints: { unitOrdered?: boolean } }[];
}

/**
 * Issue 22 (an admin's search over every unit) and 25 (an admin's grid over every unit): every
 * ledger table gets every unit's live rows in id order, (id), and in the order of each field a
 * unit's rows are kept in, (<field> DESC NULLS LAST, id DESC), as compileLedger now makes them
 * for new tables and versions (ledger-core compile/table-change-sql.ts). Without them a page of
 * every unit's rows sorts every live row of the ledger, and a common word's page probes each of its
 * matches.
 */
export class EveryUnitOrder1765600000000 implements MigrationInterface {
  name = 'EveryUnitOrder1765600000000';

  async up(db: QueryRunner): Promise<void> {
    const ledgers = (await db.query(`SELECT table_name, state FROM ledgers`)) as { table_name: string; state: State }[];
    for (const { table_name: table, state } of ledgers) {
      await db.query(
        `CREATE INDEX IF NOT EXISTS ${q(`${table}_all_live_idx`)} ON ${q(table)} (id) WHERE deleted_at IS NULL`,
      );
      for (const column of state.columns.filter((c) => c.constraints.unitOrdered)) {
        await db.query(
          `CREATE INDEX IF NOT EXISTS ${q(`tza_${shortHash(`${table}.${column.fieldId}`)}`)} ON ${q(table)} (${q(column.column)} DESC NULLS LAST, id DESC) WHERE deleted_at IS NULL`,
        );
      }
    }
  }

  async down(db: QueryRunner): Promise<void> {
    const ledgers = (await db.query(`SELECT table_name, state FROM ledgers`)) as { table_name: string; state: State }[];
    for (const { table_name: table, state } of ledgers) {
      await db.query(`DROP INDEX IF EXISTS ${q(`${table}_all_live_idx`)}`);
      for (const column of state.columns.filter((c) => c.constraints.unitOrdered))
        await db.query(`DROP INDEX IF EXISTS ${q(`tza_${shortHash(`${table}.${column.fieldId}`)}`)}`);
    }
  }
}
