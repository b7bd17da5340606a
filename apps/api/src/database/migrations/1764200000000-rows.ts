import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rows: the role and the visibility rule of row-level security, the audit history of every row
 * change, and the sheets of periodic ledgers (submitted, returned) with their event log.
 */
// The row-level security rule as this migration wrote it (ledger-core's UNIT_VISIBLE today); a
// migration is frozen, so it keeps its own text.
const UNIT_VISIBLE = '(SELECT taizhang_all_units()) OR unit_id = ANY ((SELECT taizhang_visible_units())::integer[])';

export class Rows1764200000000 implements MigrationInterface {
  name = 'Rows1764200000000';

  async up(db: QueryRunner): Promise<void> {
    // Roles belong to the whole server: another database on it may have made this one already.
    await db.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'taizhang_rows') THEN CREATE ROLE taizhang_rows NOLOGIN; END IF;
      END $$`);
    await db.query(`GRANT taizhang_rows TO CURRENT_USER`);
    await db.query(`GRANT USAGE ON SCHEMA public TO taizhang_rows`);
    // The units a transaction may see, set with set_config(…, true) by the API for each
    // transaction; the UNIT_VISIBLE policy reads them.
    await db.query(`
      CREATE FUNCTION taizhang_all_units() RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT coalesce(current_setting('taizhang.all_units', true), '') = 'on'
      $$`);
    await db.query(`
      CREATE FUNCTION taizhang_visible_units() RETURNS integer[] LANGUAGE sql STABLE AS $$
        SELECT coalesce(string_to_array(nullif(current_setting('taizhang.unit_ids', true), ''), ',')::integer[], '{}')
      $$`);
    await db.query(`GRANT SELECT ON units TO taizhang_rows`);
    // a row's history names who changed it
    await db.query(`GRANT SELECT (id, username, display_name) ON users TO taizhang_rows`);

    await db.query(`
      CREATE TABLE row_history (
        id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        ledger_key   text NOT NULL,
        unit_id      integer NOT NULL,
        row_id       bigint NOT NULL,
        op           text NOT NULL CHECK (op IN ('insert', 'update', 'delete', 'restore')),
        version      integer NOT NULL,
        changed_by   integer,
        changed_at   timestamptz NOT NULL DEFAULT now(),
        old_values   jsonb,
        new_values   jsonb
      )`);
    // An append-only record: it names ledgers, units and users by value, without foreign keys,
    // which would cost three key checks for every row a batch saves.
    await db.query(`CREATE INDEX row_history_row_idx ON row_history (ledger_key, unit_id, row_id, id)`);
    await db.query(`ALTER TABLE row_history ENABLE ROW LEVEL SECURITY`);
    await db.query(`ALTER TABLE row_history FORCE ROW LEVEL SECURITY`);
    await db.query(`CREATE POLICY unit_isolation ON row_history USING (${UNIT_VISIBLE}) WITH CHECK (${UNIT_VISIBLE})`);
    await db.query(`GRANT SELECT, INSERT ON row_history TO taizhang_rows`);

    await db.query(`
      CREATE TABLE sheets (
        ledger_key       text NOT NULL REFERENCES ledgers (key),
        unit_id          integer NOT NULL REFERENCES units (id),
        period           text NOT NULL,
        state            text NOT NULL CHECK (state IN ('draft', 'submitted', 'returned')),
        submitted_at     timestamptz,
        submitted_by     integer REFERENCES users (id),
        late             boolean NOT NULL DEFAULT false,
        returned_at      timestamptz,
        returned_by      integer REFERENCES users (id),
        returned_reason  text,
        updated_at       timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (ledger_key, unit_id, period)
      )`);
    await db.query(`CREATE INDEX sheets_period_idx ON sheets (ledger_key, period)`);
    // saving rows checks and marks the sheet from inside the row transaction
    await db.query(`GRANT SELECT, INSERT, UPDATE ON sheets TO taizhang_rows`);
    await db.query(`
      CREATE TABLE sheet_events (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        ledger_key  text NOT NULL,
        unit_id     integer NOT NULL REFERENCES units (id),
        period      text NOT NULL,
        event       text NOT NULL CHECK (event IN ('submitted', 'returned')),
        late        boolean,
        reason      text,
        user_id     integer REFERENCES users (id),
        at          timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`GRANT INSERT ON sheet_events TO taizhang_rows`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE sheet_events, sheets, row_history`);
    await db.query(`DROP FUNCTION taizhang_visible_units(), taizhang_all_units()`);
  }
}
