import { afterEach, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/app-config';
import { databaseOptions } from '../src/app-data-source';
import { seedDatabase } from '../src/seed/seed-database';
import { hashPassword } from '../src/identity/password-hasher';
import { createTestDatabase, type TestDatabase } from '@taizhang/testing';
import { startTestApi } from './api-harness';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function migrated(): Promise<{ db: TestDatabase; source: DataSource }> {
  const db = await createTestDatabase();
  const source = new DataSource(databaseOptions(db.url));
  await source.initialize();
  await source.runMigrations();
  cleanups.push(
    () => db.drop(),
    () => source.destroy(),
  );
  return { db, source };
}

describe('demo data', () => {
  it("seeds the seed document's units and one clerk per unit in unit order, plus admin and leader", async () => {
    const t = await startTestApi();
    cleanups.push(() => t.close());
    const units = await t.db.query<{ code: string; name: string; kind: string }>(
      `SELECT code, name, kind FROM units ORDER BY sort_order`,
    );
    expect(units.length).toBeGreaterThanOrEqual(15);
    const names = units.map((u) => u.name);
    for (const section of ['行政审批股', '数据资源股', '政务服务股', '党政办']) expect(names).toContain(section);
    expect(new Set(units.map((u) => u.kind))).toEqual(new Set(['township_centre', 'bureau_section', 'service_window']));

    const clerks = await t.db.query<{ username: string; unit: string }>(
      `SELECT u.username, un.code AS unit FROM users u JOIN units un ON un.id = u.unit_id WHERE u.role = 'clerk' ORDER BY u.username`,
    );
    expect(clerks.map((c) => c.unit)).toEqual(units.map((u) => u.code));
    expect(clerks.map((c) => c.username)).toEqual(units.map((_, i) => `clerk${String(i + 1).padStart(2, '0')}`));
    for (const username of ['admin', 'leader', 'clerk01', `clerk${units.length}`]) await t.signIn(username);
  });

  it('seeds once: a second run changes nothing, and a deleted demo user stays deleted', async () => {
    const { db, source } = await migrated();
    const config = loadConfig({});
    expect(await seedDatabase(source, config)).toBe('seeded');
    await db.query(`DELETE FROM users WHERE username = 'clerk03'`);
    const before = await db.query(
      `SELECT (SELECT count(*) FROM units) AS units, (SELECT count(*) FROM users) AS users`,
    );
    expect(await seedDatabase(source, config)).toBe('already-seeded');
    expect(
      await db.query(`SELECT (SELECT count(*) FROM units) AS units, (SELECT count(*) FROM users) AS users`),
    ).toEqual(before);
  });

  it('with SEED_DEMO=0 creates only the first admin, and needs ADMIN_PASSWORD for it', async () => {
    const { db, source } = await migrated();
    await expect(seedDatabase(source, loadConfig({ SEED_DEMO: '0' }))).rejects.toThrow(/ADMIN_PASSWORD/);
    expect(await seedDatabase(source, loadConfig({ SEED_DEMO: '0', ADMIN_PASSWORD: 'First#Admin1' }))).toBe(
      'admin-created',
    );
    expect(await db.query(`SELECT username, role FROM users`)).toEqual([{ username: 'admin', role: 'admin' }]);
    expect(await db.query(`SELECT count(*)::int AS n FROM units`)).toEqual([{ n: 0 }]);
  });

  it('in production never creates the demo accounts: only the first admin, who must change ADMIN_PASSWORD', async () => {
    const { db, source } = await migrated();
    await expect(seedDatabase(source, loadConfig({ NODE_ENV: 'production' }))).rejects.toThrow(
      /NODE_ENV=production never creates the demo accounts: set ADMIN_PASSWORD/,
    );
    expect(await db.query(`SELECT count(*)::int AS n FROM users`)).toEqual([{ n: 0 }]);
    expect(await seedDatabase(source, loadConfig({ NODE_ENV: 'production', ADMIN_PASSWORD: 'First#Admin1' }))).toBe(
      'admin-created',
    );
    expect(await db.query(`SELECT username, must_change_password FROM users`)).toEqual([
      { username: 'admin', must_change_password: true },
    ]);
    expect(await db.query(`SELECT count(*)::int AS n FROM units`)).toEqual([{ n: 0 }]);
  });

  it('in production makes demo accounts that still have the demo password change it at their next sign-in', async () => {
    const { db, source } = await migrated();
    expect(await seedDatabase(source, loadConfig({}))).toBe('seeded');
    // clerk02 chose a password of their own before the database went to production
    await db.query(`UPDATE users SET password_hash = $1 WHERE username = 'clerk02'`, [
      await hashPassword('Own#Pass2026'),
    ]);
    await seedDatabase(source, loadConfig({ NODE_ENV: 'production' }));
    const flagged = await db.query<{ username: string; must_change_password: boolean }>(
      `SELECT username, must_change_password FROM users WHERE username IN ('admin', 'leader', 'clerk01', 'clerk02') ORDER BY username`,
    );
    expect(flagged).toEqual([
      { username: 'admin', must_change_password: true },
      { username: 'clerk01', must_change_password: true },
      { username: 'clerk02', must_change_password: false },
      { username: 'leader', must_change_password: true },
    ]);
    // in development nothing is forced
    const dev = await migrated();
    await seedDatabase(dev.source, loadConfig({}));
    expect(await dev.db.query(`SELECT count(*)::int AS n FROM users WHERE must_change_password`)).toEqual([{ n: 0 }]);
  });

  it('in production, the first admin can do nothing but change ADMIN_PASSWORD until they have', async () => {
    const t = await startTestApi({ NODE_ENV: 'production', ADMIN_PASSWORD: 'First#Admin1' });
    cleanups.push(() => t.close());
    const token = await t.signIn('admin', 'First#Admin1');
    const refused = await t.gql('{ users { username } }', {}, { token });
    expect(refused.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'PASSWORD_CHANGE_REQUIRED' });
    expect((await t.gql('{ me { mustChangePassword } }', {}, { token })).data!.me.mustChangePassword).toBe(true);
    await t.gql(
      'mutation { changePassword(currentPassword: "First#Admin1", newPassword: "Second#Admin2") }',
      {},
      {
        token,
      },
    );
    expect((await t.gql('{ users { username } }', {}, { token })).data!.users).toEqual([{ username: 'admin' }]);
  });
});
