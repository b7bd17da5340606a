import { afterEach, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/app-config';
import { databaseOptions } from '../src/app-data-source';
import { seedDatabase } from '../src/seed/seed-database';
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
});
