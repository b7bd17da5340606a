import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The channel on which PostgreSQL tells every API process that a ledger's definition changed. */
const LEDGERS_CHANGED_CHANNEL = 'taizhang_ledgers_changed';

/**
 * What row writes need to stay on the definition they were checked against:
 * - the row role may read a ledger's current version, so a save checks, inside its transaction
 *   and under a lock a publish conflicts with, that its model is still the current one;
 * - a notice (the ledger's key) whenever a ledger is published or its current version moves, so
 *   every API process drops the definitions it keeps (triggers: a change by hand is told too).
 */
export class LedgerWriteGuards1764500000000 implements MigrationInterface {
  name = 'LedgerWriteGuards1764500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`GRANT SELECT (key, current_version) ON ledgers TO taizhang_rows`);
    await db.query(`
      CREATE FUNCTION notify_ledgers_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('${LEDGERS_CHANGED_CHANNEL}', COALESCE(NEW.key, OLD.key));
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER ledgers_changed AFTER INSERT OR DELETE OR UPDATE OF current_version, state ON ledgers
        FOR EACH ROW EXECUTE FUNCTION notify_ledgers_changed()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER ledgers_changed ON ledgers`);
    await db.query(`DROP FUNCTION notify_ledgers_changed()`);
    await db.query(`REVOKE SELECT (key, current_version) ON ledgers FROM taizhang_rows`);
  }
}
