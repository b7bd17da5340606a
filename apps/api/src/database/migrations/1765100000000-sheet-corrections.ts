import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 24, corrections of a submitted sheet (更正): one field of one row of a sheet that stays
 * submitted, with a reason. A clerk requests one (REQUESTED) and an admin approves it (APPLIED) or
 * rejects it with a reason (REJECTED); an admin may also correct directly (APPLIED at once). An
 * applied correction is written through the row pipeline, so row_history gets an entry whose
 * source is 'correction' and whose version is the correction's `applied_version`.
 */
export class SheetCorrections1765100000000 implements MigrationInterface {
  name = 'SheetCorrections1765100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE sheet_corrections (
        id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        ledger_key       text NOT NULL REFERENCES ledgers (key),
        unit_id          integer NOT NULL REFERENCES units (id),
        period           text NOT NULL,
        row_id           bigint NOT NULL,
        field            text NOT NULL,
        old_value        jsonb,
        new_value        jsonb,
        reason           text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 500),
        state            text NOT NULL CHECK (state IN ('REQUESTED', 'APPLIED', 'REJECTED')),
        requested_by     integer NOT NULL REFERENCES users (id),
        requested_at     timestamptz NOT NULL,
        decided_by       integer REFERENCES users (id),
        decided_at       timestamptz,
        reject_reason    text,
        applied_version  integer
      )`);
    await db.query(`CREATE INDEX sheet_corrections_sheet_idx ON sheet_corrections (ledger_key, period, unit_id)`);
    await db.query(`CREATE INDEX sheet_corrections_row_idx ON sheet_corrections (ledger_key, row_id)`);
    // applied in the row write's transaction (the row role); read beside a row's history
    await db.query(`GRANT SELECT, INSERT, UPDATE ON sheet_corrections TO taizhang_rows`);
    await db.query(`ALTER TABLE row_history DROP CONSTRAINT row_history_source_check`);
    await db.query(
      `ALTER TABLE row_history ADD CONSTRAINT row_history_source_check
         CHECK (source IN ('save', 'import', 'public', 'follow-up', 'seed', 'restore', 'correction'))`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`SELECT set_config('taizhang.all_units', 'on', false)`);
    await db.query(`UPDATE row_history SET source = 'save' WHERE source = 'correction'`);
    await db.query(`SELECT set_config('taizhang.all_units', '', false)`);
    await db.query(`ALTER TABLE row_history DROP CONSTRAINT row_history_source_check`);
    await db.query(
      `ALTER TABLE row_history ADD CONSTRAINT row_history_source_check
         CHECK (source IN ('save', 'import', 'public', 'follow-up', 'seed', 'restore'))`,
    );
    await db.query(`DROP TABLE sheet_corrections`);
  }
}
