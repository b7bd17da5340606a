import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedDatabase } from '@taizhang/embedded-db';
import { freePort } from './free-port';
import './test-database';

/**
 * A real PostgreSQL for the test run: the same embedded server `npm start` uses, in a
 * throw-away folder, on a free port. TEST_DATABASE_URL points the tests at another server.
 */
export default async function setup(project: TestProject) {
  if (process.env.TEST_DATABASE_URL) {
    project.provide('pgAdminUrl', process.env.TEST_DATABASE_URL);
    return;
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'taizhang-test-pg-'));
  await fs.chmod(dir, 0o755);
  const database = await startEmbeddedDatabase({
    dataDir: path.join(dir, 'data'),
    port: await freePort(),
    database: 'postgres',
  });
  await prepareSharedRoles(database.adminUrl());
  project.provide('pgAdminUrl', database.adminUrl());
  return async () => {
    await database.stop();
    await fs.rm(dir, { recursive: true, force: true });
  };
}

/**
 * What the product's first migration makes for the whole server (roles are not per database:
 * apps/api/src/database/migrations/1764200000000-rows.ts), made once here before any file
 * starts. Two files migrating their fresh databases at the same moment would otherwise both
 * see no role and both create it, and the second would fail on the duplicate.
 */
async function prepareSharedRoles(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'taizhang_rows') THEN CREATE ROLE taizhang_rows NOLOGIN; END IF;
      END $$`);
    await client.query('GRANT taizhang_rows TO CURRENT_USER');
  } finally {
    await client.end();
  }
}
