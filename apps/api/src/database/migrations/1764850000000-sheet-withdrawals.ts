import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 27, a clerk's day:
 * - 撤回: a clerk takes back a submitted sheet before its deadline; the sheet keeps how often and
 *   when last (the board shows it), and sheet_events gets a 'withdrawn' event for the audit log.
 * - The reminders (提醒) the rows still had at submission: counted by the server at submit and kept
 *   with the sheet and its event, beside the count the submitter was shown and confirmed.
 */
export class SheetWithdrawals1764850000000 implements MigrationInterface {
  name = 'SheetWithdrawals1764850000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE sheets
        ADD COLUMN withdrawn_count     integer NOT NULL DEFAULT 0,
        ADD COLUMN withdrawn_at        timestamptz,
        ADD COLUMN submitted_warnings  integer`);
    await db.query(`ALTER TABLE sheet_events DROP CONSTRAINT sheet_events_event_check`);
    await db.query(`
      ALTER TABLE sheet_events
        ADD CONSTRAINT sheet_events_event_check CHECK (event IN ('submitted', 'returned', 'withdrawn')),
        ADD COLUMN warnings               integer,
        ADD COLUMN acknowledged_warnings  integer`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM sheet_events WHERE event = 'withdrawn'`);
    await db.query(`
      ALTER TABLE sheet_events
        DROP CONSTRAINT sheet_events_event_check,
        DROP COLUMN warnings,
        DROP COLUMN acknowledged_warnings`);
    await db.query(
      `ALTER TABLE sheet_events ADD CONSTRAINT sheet_events_event_check CHECK (event IN ('submitted', 'returned'))`,
    );
    await db.query(
      `ALTER TABLE sheets DROP COLUMN withdrawn_count, DROP COLUMN withdrawn_at, DROP COLUMN submitted_warnings`,
    );
  }
}
