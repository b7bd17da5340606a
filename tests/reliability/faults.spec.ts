import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '@taizhang/embedded-db';
import { freePort, postGraphQL, signInToken, startProductServer, type ProductServer } from '@taizhang/testing';

/**
 * Faults: the API killed in the middle of a batch, PostgreSQL restarted under writers, a
 * read-only database. These stop and start servers, so they get a PostgreSQL of their own
 * instead of the test run's shared one.
 */

const SAVE = `mutation ($changes: [RowChangeInput!]!, $all: Boolean) {
  saveRows(ledger: "window_case", changes: $changes, allOrNothing: $all) { saved results { status row { id } } }
}`;
const CLERK = 'clerk15'; // 县政务服务中心综合受理窗口, which keeps window cases

const windowCase = (caseNo: string) => ({
  op: 'INSERT',
  values: {
    case_no: caseNo,
    accepted_at: '2026-03-02T09:00:00+08:00',
    service_item: '营业执照变更',
    applicant: '李四',
    phone: '13800001111',
    status: '办结',
    completed_at: '2026-03-02T10:00:00+08:00',
    handler: '王五',
  },
});

let dir: string;
let port: number;
let database: EmbeddedDatabase;
let sql: pg.Pool;
let server: ProductServer;

const startDatabase = () =>
  startEmbeddedDatabase({ dataDir: path.join(dir, 'data'), port, database: 'taizhang_faults' });
/** The number a `SELECT count(*) …` answers. */
const countOf = async (query: string, params: unknown[] = []) =>
  Number((await sql.query<{ count: string }>(query, params)).rows[0].count);
const count = (pattern: string) => countOf('SELECT count(*) FROM ledger_window_case WHERE case_no LIKE $1', [pattern]);
/** The API's connections inside a transaction that has written window cases. */
const writingBackends = () =>
  countOf(`SELECT count(*) FROM pg_stat_activity
            WHERE application_name = 'taizhang-api' AND backend_xid IS NOT NULL AND query LIKE '%ledger_window_case%'`);
const apiBackends = () => countOf(`SELECT count(*) FROM pg_stat_activity WHERE application_name = 'taizhang-api'`);
const until = async (condition: () => Promise<boolean>, timeoutMs: number, what: string) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'taizhang-faults-'));
  await fs.chmod(dir, 0o755);
  port = await freePort();
  database = await startDatabase();
  sql = new pg.Pool({ connectionString: database.url, max: 2 });
  // a connection that dies with a restart must not crash the test run
  sql.on('error', () => undefined);
  server = await startProductServer({ DATABASE_URL: database.url });
});

afterAll(async () => {
  await server?.stop();
  await sql?.end();
  await database?.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('the API killed in the middle of a batch', () => {
  it('leaves a 10,000-row batch wholly absent, and the same batch sent again after a restart wholly there', async () => {
    const token = await signInToken(server.url, CLERK);
    const batch = Array.from({ length: 10_000 }, (_, i) => windowCase(`KILL-${String(i).padStart(5, '0')}`));
    const answer = postGraphQL(server.url, SAVE, { changes: batch, all: true }, { token }).catch(
      (error: Error) => error,
    );

    // kill it once its transaction has written rows, not before
    await until(async () => (await writingBackends()) > 0, 60_000, 'the batch to start writing');
    server.process.kill('SIGKILL');
    expect(await answer).toBeInstanceOf(Error); // the caller never got an acknowledgement
    await until(async () => (await apiBackends()) === 0, 30_000, 'PostgreSQL to end the dead server’s sessions');
    expect(await count('KILL-%')).toBe(0);
    expect(await countOf(`SELECT count(*) FROM row_history WHERE ledger_key = 'window_case'`)).toBe(0);

    server = await startProductServer({ DATABASE_URL: database.url });
    const again = await postGraphQL<{ saveRows: { saved: number } }>(
      server.url,
      SAVE,
      { changes: batch, all: true },
      { token: await signInToken(server.url, CLERK) },
    );
    expect(again.errors).toBeUndefined();
    expect(again.data!.saveRows.saved).toBe(10_000);
    expect(await count('KILL-%')).toBe(10_000);
    expect(await countOf(`SELECT count(DISTINCT case_no) FROM ledger_window_case WHERE case_no LIKE 'KILL-%'`)).toBe(
      10_000,
    );
  });
});

interface Outcome {
  acknowledged: string[];
  errors: { code?: string; reason?: string; retryable?: boolean; message: string }[];
  networkFailures: number;
  savedAfterRestart: number;
}

/**
 * One clerk saving batches of 10 cases in a loop until `stop`, as the grid's save queue would;
 * `outcome` is filled as it goes (the test watches it).
 */
async function writer(
  name: string,
  token: string,
  stopAt: () => boolean,
  restartedAt: () => number | null,
  outcome: Outcome,
): Promise<Outcome> {
  for (let round = 0; !stopAt(); round += 1) {
    const caseNos = Array.from({ length: 10 }, (_, i) => `PG-${name}-${round}-${i}`);
    try {
      const response = await postGraphQL<{ saveRows: { results: { status: string }[] } }>(
        server.url,
        SAVE,
        { changes: caseNos.map(windowCase), all: true },
        { token },
      );
      if (response.errors) {
        const [error] = response.errors;
        outcome.errors.push({
          code: error.extensions?.code,
          reason: error.extensions?.reason,
          retryable: (error.extensions as { retryable?: boolean } | undefined)?.retryable,
          message: error.message,
        });
        await new Promise((resolve) => setTimeout(resolve, 100)); // back off a little, then go on
        continue;
      }
      response.data!.saveRows.results.forEach((result, i) => {
        if (result.status === 'SAVED') outcome.acknowledged.push(caseNos[i]);
      });
      const restarted = restartedAt();
      if (restarted !== null && Date.now() > restarted) outcome.savedAfterRestart += 1;
    } catch {
      outcome.networkFailures += 1;
    }
  }
  return outcome;
}

describe('PostgreSQL restarted while clients save', () => {
  it('answers with a retryable error while it is down, loses nothing acknowledged, and saves again once it is back', async () => {
    const clerks = ['clerk01', 'clerk02', 'clerk16', 'clerk17']; // township centres and windows keep window cases
    const tokens = await Promise.all(clerks.map((clerk) => signInToken(server.url, clerk)));
    let done = false;
    let restarted: number | null = null;
    const live: Outcome[] = clerks.map(() => ({
      acknowledged: [],
      errors: [],
      networkFailures: 0,
      savedAfterRestart: 0,
    }));
    const writers = clerks.map((clerk, i) =>
      writer(
        clerk,
        tokens[i],
        () => done,
        () => restarted,
        live[i],
      ),
    );

    // every writer saving before the stop, and saving again after the restart: waited for, not
    // slept (1.5 s before and 4 s after took a fifth of this file); the outage itself lasts 2 s
    await until(async () => live.every((o) => o.acknowledged.length > 0), 30_000, 'every writer to save');
    await database.stop();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    database = await startDatabase();
    restarted = Date.now();
    await until(async () => live.every((o) => o.savedAfterRestart > 0), 30_000, 'every writer to save again');
    done = true;
    const outcomes = await Promise.all(writers);

    const acknowledged = outcomes.flatMap((o) => o.acknowledged);
    const errors = outcomes.flatMap((o) => o.errors);
    console.log(
      `restart under ${clerks.length} writers: ${acknowledged.length} rows acknowledged, ${errors.length} errors ` +
        `(${[...new Set(errors.map((e) => e.reason))].join(', ')}), ` +
        `${outcomes.reduce((n, o) => n + o.networkFailures, 0)} network failures, ` +
        `${outcomes.reduce((n, o) => n + o.savedAfterRestart, 0)} batches saved after the restart`,
    );
    expect(server.process.exitCode, server.output().slice(-3000)).toBeNull(); // the API stayed up
    expect(errors.length).toBeGreaterThan(0); // the outage was seen…
    for (const error of errors) {
      // …and every error said what happened and that trying again is right
      expect(error).toMatchObject({ code: 'INTERNAL', reason: 'DATABASE_UNAVAILABLE', retryable: true });
      expect(error.message).toBe('数据库暂时无法连接，本次操作未保存，请稍后重试');
    }
    expect(outcomes.every((o) => o.savedAfterRestart > 0)).toBe(true);

    await sql.end().catch(() => undefined);
    sql = new pg.Pool({ connectionString: database.url, max: 2 });
    sql.on('error', () => undefined);
    const stored = await sql.query<{ case_no: string; copies: number }>(
      `SELECT case_no, count(*)::int AS copies FROM ledger_window_case WHERE case_no LIKE 'PG-%' GROUP BY case_no`,
    );
    const copies = new Map(stored.rows.map((row) => [row.case_no, row.copies]));
    expect(acknowledged.filter((caseNo) => copies.get(caseNo) !== 1)).toEqual([]);
    // all or nothing per batch: no batch is there in part
    const batches = new Map<string, number>();
    for (const caseNo of copies.keys()) {
      const batch = caseNo.replace(/-\d+$/, '');
      batches.set(batch, (batches.get(batch) ?? 0) + 1);
    }
    expect([...batches.values()].filter((n) => n !== 10)).toEqual([]);
  });
});

describe('a read-only database', () => {
  it('refuses writes with a clear, retryable error, keeps reads working, and saves again when writable', async () => {
    const token = await signInToken(server.url, CLERK);
    const name = new URL(database.url).pathname.slice(1);
    const reconnect = () =>
      sql.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'taizhang-api'`);
    type Answer = Awaited<ReturnType<typeof postGraphQL<{ saveRows: { saved: number } }>>>;
    /**
     * A save, sent again while the answer is that a connection the terminate closed was met
     * (DATABASE_UNAVAILABLE, retryable), as the grid's save queue would: what is left is the
     * database's own answer.
     */
    const save = async (language?: string): Promise<Answer> => {
      for (let attempt = 1; ; attempt += 1) {
        const answer: Answer = await postGraphQL(
          server.url,
          SAVE,
          { changes: [windowCase('RO-1')] },
          { token, language },
        );
        const reason = answer.errors?.[0].extensions?.reason;
        if (reason !== 'DATABASE_UNAVAILABLE' || attempt === 5) return answer;
        expect(answer.errors![0].extensions).toMatchObject({ retryable: true });
      }
    };

    await sql.query(`ALTER DATABASE ${name} SET default_transaction_read_only = on`);
    await reconnect();
    const refused = await save();
    expect(refused.errors?.[0]).toMatchObject({
      message: '数据库当前为只读状态，本次操作未保存，请稍后重试或联系管理员',
      extensions: { code: 'INTERNAL', reason: 'DATABASE_READ_ONLY', retryable: true },
    });
    expect((await save('en')).errors?.[0].message).toMatch(/read-only/);
    const read = await postGraphQL<{ rows: { totalCount: number } }>(
      server.url,
      '{ rows(ledger: "window_case", first: 5) { totalCount } }',
      {},
      { token },
    );
    expect(read.errors).toBeUndefined();
    expect(read.data!.rows.totalCount).toBeGreaterThan(0);

    await sql.query(`ALTER DATABASE ${name} RESET default_transaction_read_only`);
    await reconnect();
    const saved = await save();
    expect(saved.errors).toBeUndefined();
    expect(saved.data?.saveRows.saved).toBe(1);
    expect(await count('RO-%')).toBe(1);
  });
});
