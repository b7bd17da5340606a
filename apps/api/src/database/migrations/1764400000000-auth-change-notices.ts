import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The channel on which PostgreSQL tells every API process that who-may-do-what has changed. */
export const AUTH_CHANGED_CHANNEL = 'taizhang_auth_changed';

/**
 * A notice on AUTH_CHANGED_CHANNEL whenever a session, user or unit changes in a way that can
 * end or narrow a session: revoked or shortened, deleted; a user's role, unit, name or state; a
 * unit's kind, code or state. Triggers, so a change made in SQL by hand is told too. The API's
 * session cache (auth/session-cache.ts) forgets everything it holds on each notice. A session's
 * idle expiry being pushed forward (every request's touch) is not a notice.
 */
export class AuthChangeNotices1764400000000 implements MigrationInterface {
  name = 'AuthChangeNotices1764400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION notify_auth_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- one notice per transaction: PostgreSQL folds equal notices of a transaction into one
        PERFORM pg_notify('${AUTH_CHANGED_CHANNEL}', '');
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER sessions_auth_changed AFTER UPDATE ON sessions FOR EACH ROW
        WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR NEW.expires_at < OLD.expires_at
              OR OLD.user_id <> NEW.user_id OR OLD.token_hash <> NEW.token_hash)
        EXECUTE FUNCTION notify_auth_changed()`);
    await db.query(`
      CREATE TRIGGER users_auth_changed AFTER UPDATE ON users FOR EACH ROW
        WHEN (OLD.role IS DISTINCT FROM NEW.role OR OLD.unit_id IS DISTINCT FROM NEW.unit_id
              OR OLD.active IS DISTINCT FROM NEW.active OR OLD.username IS DISTINCT FROM NEW.username)
        EXECUTE FUNCTION notify_auth_changed()`);
    await db.query(`
      CREATE TRIGGER units_auth_changed AFTER UPDATE ON units FOR EACH ROW
        WHEN (OLD.active IS DISTINCT FROM NEW.active OR OLD.kind IS DISTINCT FROM NEW.kind
              OR OLD.code IS DISTINCT FROM NEW.code)
        EXECUTE FUNCTION notify_auth_changed()`);
    for (const table of ['sessions', 'users', 'units']) {
      await db.query(
        `CREATE TRIGGER ${table}_removed AFTER DELETE OR TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION notify_auth_changed()`,
      );
    }
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['sessions', 'users', 'units']) {
      await db.query(`DROP TRIGGER ${table}_removed ON ${table}`);
      await db.query(`DROP TRIGGER ${table}_auth_changed ON ${table}`);
    }
    await db.query(`DROP FUNCTION notify_auth_changed()`);
  }
}
