import type { DataSource, EntityManager } from 'typeorm';
import { hashPassword, verifyPassword } from '../identity/password-hasher';
import type { AppConfig } from '../config/app-config';
import { DEMO_PASSWORD, DEMO_UNITS, DEMO_USERS } from './demo-units';

const DEMO_MARKER = 'demo_seeded_at';
/** Set once the demo accounts of a production database have been told to change their password. */
const DEMO_PASSWORDS_MARKER = 'demo_passwords_flagged_at';
/** Any constant: serialises concurrent starts against one database. */
const SEED_LOCK = 7_240_001;

export type SeedOutcome = 'seeded' | 'already-seeded' | 'admin-created' | 'nothing';

/**
 * Runs after the migrations. A new database gets the demo units and users once (a marker in
 * app_settings remembers it, so deleting a demo user later does not bring it back); with
 * SEED_DEMO=0 it gets only a first admin, whose password must come from ADMIN_PASSWORD.
 *
 * In production (NODE_ENV=production) the demo accounts, which all share a published password,
 * are never created: an empty database gets only the first admin, as with SEED_DEMO=0, and that
 * admin must change ADMIN_PASSWORD (which stays in the environment) at the first sign-in. Demo
 * accounts already there (a database seeded before, in development) that still have the demo
 * password must change it at their next sign-in.
 */
export async function seedDatabase(db: DataSource, config: AppConfig): Promise<SeedOutcome> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK]);
    if (config.production) await flagDemoPasswords(tx);
    const [marker] = (await tx.query('SELECT 1 FROM app_settings WHERE key = $1', [DEMO_MARKER])) as unknown[];
    if (marker) return 'already-seeded';
    const [{ users }] = (await tx.query('SELECT count(*)::int AS users FROM users')) as { users: number }[];

    if (!config.seedDemo || config.production) {
      if (users > 0) return 'nothing';
      if (!config.adminPassword) {
        throw new Error(
          config.production
            ? 'NODE_ENV=production never creates the demo accounts: set ADMIN_PASSWORD to create the first admin (user "admin") of this empty database.'
            : 'SEED_DEMO=0 on an empty database: set ADMIN_PASSWORD to create the first admin (user "admin").',
        );
      }
      await tx.query(
        `INSERT INTO users (username, display_name, role, password_hash, must_change_password)
         VALUES ('admin', '系统管理员', 'admin', $1, $2)`,
        [await hashPassword(config.adminPassword), config.production],
      );
      return 'admin-created';
    }
    if (users > 0) return 'nothing'; // a database someone already uses: leave it alone

    for (const [index, unit] of DEMO_UNITS.entries()) {
      await tx.query(
        `INSERT INTO units (code, name, kind, parent_id, sort_order)
         VALUES ($1, $2, $3, (SELECT id FROM units WHERE code = $4), $5)
         ON CONFLICT (code) DO NOTHING`,
        [unit.code, unit.name, unit.kind, unit.parent ?? null, index + 1],
      );
    }
    // One hash for every demo user: they share the demo password, and scrypt is slow on purpose.
    const hash = await hashPassword(DEMO_PASSWORD);
    for (const user of DEMO_USERS) {
      await tx.query(
        `INSERT INTO users (username, display_name, role, unit_id, password_hash, phone)
         VALUES ($1, $2, $3, (SELECT id FROM units WHERE code = $4), $5, $6)
         ON CONFLICT (username) DO NOTHING`,
        [user.username, user.displayName, user.role, user.unit ?? null, hash, user.phone ?? null],
      );
    }
    await tx.query(`INSERT INTO app_settings (key, value) VALUES ($1, to_jsonb(now()))`, [DEMO_MARKER]);
    return 'seeded';
  });
}

/**
 * Once per production database: every demo account whose password is still the demo password
 * must change it at its next sign-in (one scrypt per distinct hash: unchanged demo accounts share
 * the seed's one hash).
 */
async function flagDemoPasswords(tx: EntityManager): Promise<void> {
  const [done] = (await tx.query('SELECT 1 FROM app_settings WHERE key = $1', [DEMO_PASSWORDS_MARKER])) as unknown[];
  if (done) return;
  const hashes = (await tx.query(
    `SELECT DISTINCT password_hash AS hash FROM users WHERE username = ANY($1) AND NOT must_change_password`,
    [DEMO_USERS.map((user) => user.username)],
  )) as { hash: string }[];
  for (const { hash } of hashes) {
    if (!(await verifyPassword(DEMO_PASSWORD, hash))) continue;
    await tx.query(`UPDATE users SET must_change_password = true WHERE password_hash = $1 AND username = ANY($2)`, [
      hash,
      DEMO_USERS.map((user) => user.username),
    ]);
  }
  await tx.query(`INSERT INTO app_settings (key, value) VALUES ($1, to_jsonb(now()))`, [DEMO_PASSWORDS_MARKER]);
}
