import type { MigrationInterface, QueryRunner } from 'typeorm';

const IDENTIFIER = /^[a-z][a-z0-9_]{0,62}$/;
const q = (name: string) => {
  if (!IDENTIFIER.test(name)) throw new Error(`unsafe identifier ${name}`);
  return `"${name}"`;
};

/**
 * Issue 25, the grid at a million rows in one unit: every ledger table gets `(unit_id, id)` over
 * its live rows, as compileLedger now makes it for new tables (libs/ledger-core
 * compile/table-change-sql.ts). The grid's own order is by id; a far page (row 900,000) finds the
 * id its page starts at by skipping that many entries of this index, an index-only scan, where the
 * primary key has to visit each row for its deleted_at; a unit's count of live rows is one too.
 */
export class LiveRowsIndex1765400000300 implements MigrationInterface {
  name = 'LiveRowsIndex1765400000300';

  async up(db: QueryRunner): Promise<void> {
    const ledgers = (await db.query(`SELECT table_name FROM ledgers`)) as { table_name: string }[];
    for (const { table_name: table } of ledgers) {
      await db.query(
        `CREATE INDEX IF NOT EXISTS ${q(`${table}_live_idx`)} ON ${q(table)} (unit_id, id) WHERE deleted_at IS NULL`,
      );
    }
  }

  async down(db: QueryRunner): Promise<void> {
    const ledgers = (await db.query(`SELECT table_name FROM ledgers`)) as { table_name: string }[];
    for (const { table_name: table } of ledgers) await db.query(`DROP INDEX IF EXISTS ${q(`${table}_live_idx`)}`);
  }
}
