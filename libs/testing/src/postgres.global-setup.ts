import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
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
  project.provide('pgAdminUrl', database.adminUrl());
  return async () => {
    await database.stop();
    await fs.rm(dir, { recursive: true, force: true });
  };
}
