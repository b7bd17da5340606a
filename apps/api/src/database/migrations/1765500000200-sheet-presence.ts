import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 22, presence (docs/live.md): who has a sheet open and which row they are on. A row per
 * open grid (its client id, one per browser tab and sheet), kept alive by its API process every
 * few seconds and gone when the grid closes; a process that dies leaves rows that stop counting
 * once `seen_at` is old. Nothing here outlives a restart by design: UNLOGGED (not written to the
 * WAL, emptied after a crash), and a backup need not carry it.
 */
export class SheetPresence1765500000200 implements MigrationInterface {
  name = 'SheetPresence1765500000200';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE UNLOGGED TABLE sheet_presence (
        client_id   uuid PRIMARY KEY,
        session_id  uuid NOT NULL,
        user_id     integer NOT NULL,
        ledger_key  text NOT NULL,
        unit_id     integer NOT NULL,
        period      text NOT NULL,
        row_id      bigint,
        since       timestamptz NOT NULL DEFAULT now(),
        seen_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX sheet_presence_sheet ON sheet_presence (ledger_key, unit_id, period)`);
    await db.query(
      `COMMENT ON TABLE sheet_presence IS 'who has a sheet open (docs/live.md): unit_id 0 = every unit, period '''' = none'`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE sheet_presence`);
  }
}
