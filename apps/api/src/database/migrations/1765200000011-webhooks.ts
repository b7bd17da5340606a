import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 23, webhooks (docs/integration.md, Webhooks): an admin's subscriptions, and the outbox of deliveries
 * written in the same transaction as the event that caused them (a save, a submission, a return,
 * a 催报, a scheduled check), so that a rolled-back save sends nothing and an API that dies after
 * the commit loses nothing. The row pipeline writes as the row role: it reads the subscriptions
 * (not their secrets) and inserts deliveries. scheduled_once makes what a schedule finds happen
 * once, whichever API process gets there first: a ledger's scheduled 催报 per period ('reminder',
 * subject the period), a late sheet ('late', '<unit id>/<period>'), an overdue row ('overdue', its id).
 */
export class Webhooks1765200000011 implements MigrationInterface {
  name = 'Webhooks1765200000011';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE webhooks (
        id          bigserial PRIMARY KEY,
        url         text NOT NULL CHECK (char_length(url) <= 2000),
        events      text[] NOT NULL CHECK (cardinality(events) > 0),
        ledger_key  text,
        filter      text CHECK (char_length(filter) <= 2000),
        secret      text NOT NULL,
        active      boolean NOT NULL DEFAULT true,
        created_by  integer REFERENCES users(id) ON DELETE SET NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE webhook_deliveries (
        id               uuid PRIMARY KEY,
        webhook_id       bigint NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
        event            text NOT NULL,
        payload          text NOT NULL,
        state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
        attempts         integer NOT NULL DEFAULT 0,
        next_attempt_at  timestamptz,
        last_attempt_at  timestamptz,
        response_status  integer,
        response_body    text,
        error            text,
        created_at       timestamptz NOT NULL
      )`);
    await db.query(
      `CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE state = 'pending'`,
    );
    await db.query(`CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, created_at DESC)`);
    await db.query(`
      CREATE TABLE scheduled_once (
        kind        text NOT NULL CHECK (kind IN ('reminder', 'late', 'overdue')),
        ledger_key  text NOT NULL,
        subject     text NOT NULL,
        ran_at      timestamptz NOT NULL,
        PRIMARY KEY (kind, ledger_key, subject)
      )`);
    await db.query(`GRANT SELECT (id, events, ledger_key, filter, active) ON webhooks TO taizhang_rows`);
    await db.query(`GRANT INSERT ON webhook_deliveries TO taizhang_rows`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE scheduled_once`);
    await db.query(`DROP TABLE webhook_deliveries`);
    await db.query(`DROP TABLE webhooks`);
  }
}
