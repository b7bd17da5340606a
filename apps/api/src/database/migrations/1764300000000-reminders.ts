import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 催报: who was reminded to submit which sheet, when, and by whom. */
export class Reminders1764300000000 implements MigrationInterface {
  name = 'Reminders1764300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE sheet_reminders (
        id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        ledger_key   text NOT NULL,
        unit_id      integer NOT NULL REFERENCES units (id),
        period       text NOT NULL,
        state        text NOT NULL,
        reminded_by  integer REFERENCES users (id),
        reminded_at  timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX sheet_reminders_sheet_idx ON sheet_reminders (ledger_key, period, unit_id)`);
    // the board reads them in the units' scope
    await db.query(`GRANT SELECT ON sheet_reminders TO taizhang_rows`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE sheet_reminders`);
  }
}
