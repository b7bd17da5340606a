import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The admin's own actions in the audit log (common/admin-audit.ts): users and units made and
 * changed, passwords reset, the public address set, API tokens made and revoked, webhooks made
 * and deleted, ledgers published. `target_name` is what the target was called when it happened
 * (a deleted webhook keeps its address here); `unit_id` is the unit it concerns, for the log's
 * unit filter; `detail` holds what was set, secrets and passwords left out.
 */
export class AdminEvents1765300000500 implements MigrationInterface {
  name = 'AdminEvents1765300000500';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE admin_events (
        id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at            timestamptz NOT NULL DEFAULT now(),
        user_id       integer REFERENCES users (id) ON DELETE SET NULL,
        api_token_id  bigint,
        action        text NOT NULL,
        target_kind   text NOT NULL,
        target_id     text,
        target_name   text,
        unit_id       integer REFERENCES units (id) ON DELETE SET NULL,
        ledger_key    text,
        detail        jsonb
      )`);
    await db.query(`CREATE INDEX admin_events_time_idx ON admin_events (at DESC, id DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE admin_events`);
  }
}
