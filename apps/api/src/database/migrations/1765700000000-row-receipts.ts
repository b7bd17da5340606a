import type { MigrationInterface, QueryRunner } from 'typeorm';

// the row-level security rule, frozen as this migration writes it (see 1764200000000-rows.ts)
const UNIT_VISIBLE = '(SELECT taizhang_all_units()) OR unit_id = ANY ((SELECT taizhang_visible_units())::integer[])';

/**
 * A new row's receipt (docs/api.md, "Saving a new row once"): the key the client gave its insert,
 * and the row and version it made, written in the insert's transaction. The same insert sent again
 * (its answer lost, a reload while it was on its way) updates that row instead of making a second.
 */
export class RowReceipts1765700000000 implements MigrationInterface {
  name = 'RowReceipts1765700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE row_receipts (
        ledger_key  text NOT NULL,
        unit_id     integer NOT NULL,
        client_key  text NOT NULL,
        row_id      bigint NOT NULL,
        version     integer NOT NULL,
        saved_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (ledger_key, unit_id, client_key)
      )`);
    await db.query(`CREATE INDEX row_receipts_age_idx ON row_receipts (ledger_key, unit_id, saved_at)`);
    await db.query(`ALTER TABLE row_receipts ENABLE ROW LEVEL SECURITY`);
    await db.query(`ALTER TABLE row_receipts FORCE ROW LEVEL SECURITY`);
    await db.query(`CREATE POLICY unit_isolation ON row_receipts USING (${UNIT_VISIBLE}) WITH CHECK (${UNIT_VISIBLE})`);
    await db.query(`GRANT SELECT, INSERT, DELETE ON row_receipts TO taizhang_rows`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE row_receipts`);
  }
}
