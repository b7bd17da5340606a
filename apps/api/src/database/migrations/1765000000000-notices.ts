import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 29, notices: what happens to a clerk's work (催报, 退回, a follow-up row, a deadline near,
 * a row overdue) as a notice per user (docs/notices.md).
 */
export class Notices1765000000000 implements MigrationInterface {
  name = 'Notices1765000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE notices (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_id     integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        unit_id     integer REFERENCES units (id),
        kind        text NOT NULL CHECK (kind IN ('REMINDER', 'RETURNED', 'FOLLOW_UP', 'OVERDUE', 'DEADLINE')),
        title       text NOT NULL,
        title_en    text NOT NULL,
        body        text,
        body_en     text,
        ledger_key  text,
        period      text,
        row_id      bigint,
        created_at  timestamptz NOT NULL,
        read_at     timestamptz
      )`);
    await db.query(`CREATE INDEX notices_reader_idx ON notices (user_id, read_at, created_at DESC)`);
    // the scheduled check notices a deadline or an overdue row once per reader
    await db.query(`
      CREATE UNIQUE INDEX notices_once_idx ON notices (user_id, kind, ledger_key, coalesce(period, ''), coalesce(row_id, 0))
        WHERE kind IN ('DEADLINE', 'OVERDUE')`);
    // the board reads when a reminder was read
    await db.query(
      `CREATE INDEX notices_reminder_idx ON notices (ledger_key, period, unit_id) WHERE kind = 'REMINDER'`,
    );
    // a follow-up row is made by the row pipeline, as the row role: it notices the unit's clerks,
    // the board (read as the row role) shows when a reminder was read, and
    // the overdue check (reading rows as the row role) passes over rows already noticed
    await db.query(`GRANT INSERT ON notices TO taizhang_rows`);
    await db.query(`GRANT SELECT (kind, ledger_key, period, unit_id, row_id, read_at) ON notices TO taizhang_rows`);
    await db.query(`GRANT SELECT (role, unit_id, active) ON users TO taizhang_rows`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`REVOKE SELECT (role, unit_id, active) ON users FROM taizhang_rows`);
    await db.query(`DROP TABLE notices`);
  }
}
