import type { DataSource } from 'typeorm';
import { hashPassword } from '../identity/password-hasher';
import type { AppConfig } from '../config/app-config';
import { DEMO_PASSWORD, DEMO_UNITS, DEMO_USERS } from './demo-units';

const DEMO_MARKER = 'demo_seeded_at';
/** Any constant: serialises concurrent starts against one database. */
const SEED_LOCK = 7_240_001;

export type SeedOutcome = 'seeded' | 'already-seeded' | 'admin-created' | 'nothing';

/**
 * Runs after the migrations. A new database gets the demo units and users once (a marker in
 * app_settings remembers it, so deleting a demo user later does not bring it back); with
 * SEED_DEMO=0 it gets only a first admin, whose password must come from ADMIN_PASSWORD.
 */
export async function seedDatabase(db: DataSource, config: AppConfig): Promise<SeedOutcome> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK]);
    const [marker] = (await tx.query('SELECT 1 FROM app_settings WHERE key = $1', [DEMO_MARKER])) as unknown[];
    if (marker) return 'already-seeded';
    const [{ users }] = (await tx.query('SELECT count(*)::int AS users FROM users')) as { users: number }[];

    if (!config.seedDemo) {
      if (users > 0) return 'nothing';
      if (!config.adminPassword) {
        throw new Error(
          'SEED_DEMO=0 on an empty database: set ADMIN_PASSWORD to create the first admin (user "admin").',
        );
      }
      await tx.query(
        `INSERT INTO users (username, display_name, role, password_hash) VALUES ('admin', '系统管理员', 'admin', $1)`,
        [await hashPassword(config.adminPassword)],
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
        `INSERT INTO users (username, display_name, role, unit_id, password_hash)
         VALUES ($1, $2, $3, (SELECT id FROM units WHERE code = $4), $5)
         ON CONFLICT (username) DO NOTHING`,
        [user.username, user.displayName, user.role, user.unit ?? null, hash],
      );
    }
    await tx.query(`INSERT INTO app_settings (key, value) VALUES ($1, to_jsonb(now()))`, [DEMO_MARKER]);
    return 'seeded';
  });
}
