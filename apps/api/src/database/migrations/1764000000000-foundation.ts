import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Units, users, sessions and the sign-in audit trail. */
export class Foundation1764000000000 implements MigrationInterface {
  name = 'Foundation1764000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE units (
        id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        code        text NOT NULL UNIQUE CHECK (code ~ '^[a-z][a-z0-9-]{1,15}$'),
        name        text NOT NULL UNIQUE CHECK (length(btrim(name)) BETWEEN 1 AND 100),
        kind        text NOT NULL CHECK (kind IN ('township_centre', 'bureau_section', 'service_window')),
        parent_id   integer REFERENCES units (id) ON DELETE RESTRICT,
        active      boolean NOT NULL DEFAULT true,
        sort_order  integer NOT NULL DEFAULT 0,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now(),
        CHECK (parent_id IS NULL OR parent_id <> id)
      )`);
    await db.query(`
      CREATE TABLE users (
        id               integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        username         text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9_.-]{1,31}$'),
        display_name     text NOT NULL CHECK (length(btrim(display_name)) BETWEEN 1 AND 50),
        role             text NOT NULL CHECK (role IN ('admin', 'clerk', 'leader')),
        unit_id          integer REFERENCES units (id) ON DELETE RESTRICT,
        password_hash    text NOT NULL,
        active           boolean NOT NULL DEFAULT true,
        failed_sign_ins  integer NOT NULL DEFAULT 0,
        locked_until     timestamptz,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now(),
        CHECK (role <> 'clerk' OR unit_id IS NOT NULL)
      )`);
    await db.query(`CREATE INDEX users_unit_id_idx ON users (unit_id)`);
    await db.query(`
      CREATE TABLE sessions (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        token_hash    bytea NOT NULL UNIQUE,
        user_id       integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at    timestamptz NOT NULL DEFAULT now(),
        last_seen_at  timestamptz NOT NULL DEFAULT now(),
        expires_at    timestamptz NOT NULL,
        revoked_at    timestamptz,
        ip            text,
        user_agent    text
      )`);
    await db.query(`CREATE INDEX sessions_user_id_idx ON sessions (user_id)`);
    await db.query(`
      CREATE TABLE auth_events (
        id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        occurred_at  timestamptz NOT NULL DEFAULT now(),
        event        text NOT NULL CHECK (event IN ('sign_in', 'sign_in_failed', 'account_locked', 'sign_out')),
        username     text NOT NULL,
        user_id      integer REFERENCES users (id) ON DELETE SET NULL,
        success      boolean NOT NULL,
        ip           text,
        user_agent   text,
        reason       text
      )`);
    await db.query(`CREATE INDEX auth_events_user_time_idx ON auth_events (user_id, occurred_at DESC)`);
    await db.query(`CREATE INDEX auth_events_time_idx ON auth_events (occurred_at DESC)`);
    await db.query(`
      CREATE TABLE app_settings (
        key         text PRIMARY KEY,
        value       jsonb NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE app_settings, auth_events, sessions, users, units`);
  }
}
