import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 25, the write path: a save no longer reads the webhooks table. Every change of it (an
 * admin's create or delete, SQL by hand) moves one counter in the same transaction; a save reads
 * the counter in the statement it makes anyway under its locks (ledgers/ledger-locks.ts,
 * readWriteGuard), and each API process keeps the active subscriptions it read last with the
 * counter they were read at (common/webhooks/webhook-outbox.ts). A counter that moved means read
 * again: no window between a commit and a notice, in any process.
 */
export class WebhookGeneration1765300000100 implements MigrationInterface {
  name = 'WebhookGeneration1765300000100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE webhook_generation (
        one  boolean PRIMARY KEY DEFAULT true CHECK (one),
        n    bigint NOT NULL
      )`);
    await db.query(`INSERT INTO webhook_generation (one, n) VALUES (true, 0)`);
    await db.query(`
      CREATE FUNCTION taizhang_webhooks_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE webhook_generation SET n = n + 1;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER webhooks_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON webhooks
        FOR EACH STATEMENT EXECUTE FUNCTION taizhang_webhooks_changed()`);
    await db.query(`GRANT SELECT ON webhook_generation TO taizhang_rows`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER webhooks_changed ON webhooks`);
    await db.query(`DROP FUNCTION taizhang_webhooks_changed()`);
    await db.query(`DROP TABLE webhook_generation`);
  }
}
