import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in protection (issue 26):
 * - `sign_in_throttle`: failure counters with growing waits, one row per client address, per
 *   account name (as typed, known or not) and per (account name, address). They replace the hard
 *   lock of users.failed_sign_ins / locked_until, which anyone could trigger against anyone; those
 *   two columns are left in place, unused (sign-in/sign-in-throttle.ts says how the counters work).
 * - `users.must_change_password`: the session of such a user may only change the password, read
 *   `me` and sign out. A change of it narrows or widens sessions, so it is told on the
 *   auth-changed channel like a role or a state (the session cache forgets what it holds).
 */
export class SignInThrottle1764700000000 implements MigrationInterface {
  name = 'SignInThrottle1764700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE sign_in_throttle (
        key              text PRIMARY KEY,
        username         text,
        allowance        integer NOT NULL,
        failures         integer NOT NULL DEFAULT 0,
        last_failure_at  timestamptz NOT NULL DEFAULT now(),
        blocked_until    timestamptz
      )`);
    await db.query(`CREATE INDEX sign_in_throttle_username_idx ON sign_in_throttle (username)`);
    await db.query(`CREATE INDEX sign_in_throttle_last_failure_idx ON sign_in_throttle (last_failure_at)`);
    // "has this address signed in to this account lately": the sessions it opened
    await db.query(`CREATE INDEX sessions_user_ip_idx ON sessions (user_id, ip, created_at)`);

    await db.query(`ALTER TABLE users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false`);
    await db.query(`DROP TRIGGER users_auth_changed ON users`);
    await db.query(`
      CREATE TRIGGER users_auth_changed AFTER UPDATE ON users FOR EACH ROW
        WHEN (OLD.role IS DISTINCT FROM NEW.role OR OLD.unit_id IS DISTINCT FROM NEW.unit_id
              OR OLD.active IS DISTINCT FROM NEW.active OR OLD.username IS DISTINCT FROM NEW.username
              OR OLD.must_change_password IS DISTINCT FROM NEW.must_change_password)
        EXECUTE FUNCTION notify_auth_changed()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER users_auth_changed ON users`);
    await db.query(`
      CREATE TRIGGER users_auth_changed AFTER UPDATE ON users FOR EACH ROW
        WHEN (OLD.role IS DISTINCT FROM NEW.role OR OLD.unit_id IS DISTINCT FROM NEW.unit_id
              OR OLD.active IS DISTINCT FROM NEW.active OR OLD.username IS DISTINCT FROM NEW.username)
        EXECUTE FUNCTION notify_auth_changed()`);
    await db.query(`ALTER TABLE users DROP COLUMN must_change_password`);
    await db.query(`DROP INDEX sessions_user_ip_idx`);
    await db.query(`DROP TABLE sign_in_throttle`);
  }
}
