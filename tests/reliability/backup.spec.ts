import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  assertBackupCliBuilt,
  postGraphQL,
  runBackupCli,
  signInToken,
  startProductServer,
  type ProductServer,
  type TestDatabase,
} from '@taizhang/testing';

/**
 * npm run backup / npm run restore, as the built CLI, against the product with its demo rows and
 * rows saved through the API: every table, sequence, policy and grant comes back, and the
 * product serves the restored database to a clerk as it served the original.
 */
import { handTyped } from '@taizhang/testing';

/** The built CLI as `npm run backup` runs it, against DATABASE_URL. */
const runCli = (args: string[], databaseUrl: string, env: NodeJS.ProcessEnv = {}) =>
  runBackupCli(args, { DATABASE_URL: databaseUrl, ...env });

/** The "  public.units   24" lines the CLI prints, as { 'public.units': 24 }. */
function printedCounts(stdout: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [, table, rows] of stdout.matchAll(/^ {2}(\S+\.\S+) +(\d+)$/gm)) counts[table] = Number(rows);
  return counts;
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const USER_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'`;

/**
 * Everything a restore must bring back, read from the catalogs rather than from a list of ours:
 * each table of every schema the app uses (rows, and an md5 of all rows in order), each
 * sequence's position, row-level security and policies, grants, indexes, constraints, functions.
 */
async function databaseContents(url: string) {
  return withClient(url, async (client) => {
    await client.query('SET row_security = off');
    const tables: Record<string, { rows: number; md5: string }> = {};
    const sequences: Record<string, string> = {};
    const relations = await client.query<{ name: string; kind: string }>(
      `SELECT format('%I.%I', n.nspname, c.relname) AS name, c.relkind AS kind
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'S') AND ${USER_SCHEMAS} ORDER BY 1`,
    );
    for (const { name, kind } of relations.rows) {
      if (kind === 'S') {
        const [row] = (await client.query(`SELECT last_value::text, is_called FROM ${name}`)).rows;
        sequences[name] = `${row.last_value} ${row.is_called}`;
        continue;
      }
      const sql = `SELECT count(*)::int AS rows, md5(coalesce(string_agg(r::text, E'\\n' ORDER BY r::text), '')) AS md5
                     FROM ${name} r`;
      tables[name] = (await client.query<{ rows: number; md5: string }>(sql)).rows[0];
    }
    const catalog = async (sql: string) => (await client.query(sql)).rows;
    return {
      tables,
      sequences,
      security: await catalog(
        `SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, c.relacl::text AS acl,
                (SELECT array_agg(p.polname || ': ' || pg_get_expr(p.polqual, p.polrelid) ORDER BY p.polname)
                   FROM pg_policy p WHERE p.polrelid = c.oid) AS policies,
                (SELECT array_agg(a.attname || ' ' || a.attacl::text ORDER BY a.attname)
                   FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attacl IS NOT NULL) AS column_grants
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind IN ('r', 'S') AND ${USER_SCHEMAS} ORDER BY 1`,
      ),
      indexes: await catalog(
        `SELECT indexdef FROM pg_indexes
          WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND schemaname NOT LIKE 'pg\\_%' ORDER BY 1`,
      ),
      constraints: await catalog(
        `SELECT conrelid::regclass::text AS rel, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
          WHERE connamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace) ORDER BY 1, 2`,
      ),
      functions: await catalog(
        `SELECT p.proname, pg_get_function_identity_arguments(p.oid) AS args, md5(pg_get_functiondef(p.oid)) AS body
           FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
          WHERE ${USER_SCHEMAS} AND p.prokind = 'f' ORDER BY 1, 2`,
      ),
      extensions: await catalog(`SELECT extname, extversion FROM pg_extension ORDER BY 1`),
    };
  });
}

const SAVE = `mutation ($ledger: String!, $changes: [RowChangeInput!]!) {
  saveRows(ledger: $ledger, changes: $changes) { saved rejected results { status row { id version } errors { path message } } }
}`;
const ROWS = `query ($ledger: String!) {
  rows(ledger: $ledger, first: 1000, orderBy: [{ field: "id" }]) { totalCount edges { node { id unitId period version values } } }
}`;
const HISTORY = `query ($ledger: String!, $id: ID!) {
  rowHistory(ledger: $ledger, id: $id) { op version changedBy changedAt oldValues newValues }
}`;

interface Row {
  id: string;
  unitId: string;
  version: number;
}
/** The answers of SAVE, ROWS and HISTORY; each query fills its own. */
interface Answers {
  saveRows: { results: { status: string; row: Row }[] };
  rows: { totalCount: number; edges: { node: Row }[] };
  rowHistory: { op: string }[];
}

async function gql(url: string, token: string, query: string, variables = {}): Promise<Answers> {
  const response = await postGraphQL<Answers>(url, query, variables, { token });
  if (response.errors) throw new Error(`GraphQL error: ${JSON.stringify(response.errors)}`);
  return response.data!;
}

async function save(url: string, token: string, ledger: string, changes: unknown[]) {
  const { saveRows } = await gql(url, token, SAVE, { ledger, changes });
  const problems = saveRows.results.filter((r) => r.status !== 'SAVED');
  if (problems.length > 0) throw new Error(`${ledger}: ${JSON.stringify(problems)}`);
  return saveRows.results.map((r) => r.row);
}

/** What a clerk sees of their unit through GraphQL: their rows of each ledger, and one row's history. */
async function clerkView(url: string, token: string, historyOf: string) {
  const view: Record<string, unknown> = {};
  for (const ledger of ['daily_followup', 'window_case', 'rectification', 'survey']) {
    view[ledger] = (await gql(url, token, ROWS, { ledger })).rows;
  }
  view.history = (await gql(url, token, HISTORY, { ledger: 'daily_followup', id: historyOf })).rowHistory;
  return view;
}

let db: TestDatabase;
let product: ProductServer;
let clerk01: string;
let deletedRowId: string;
let dumpDir: string;
const restoredNames: string[] = [];
const restoredUrl = (name: string) => Object.assign(new URL(db.url), { pathname: `/${name}` }).toString();
const databases = async () =>
  (await db.query<{ datname: string }>('SELECT datname FROM pg_database ORDER BY 1')).map((r) => r.datname);

beforeAll(async () => {
  await assertBackupCliBuilt();
  dumpDir = await fs.mkdtemp(path.join(os.tmpdir(), 'taizhang-backup-'));
  db = await createTestDatabase();
  // the demo's month of rows, as npm start seeds them (slower to start than the tests' empty default)
  product = await startProductServer({ DATABASE_URL: db.url, DEMO_ROWS: '1' }, 110_000);
  clerk01 = await signInToken(product.url, 'clerk01');
  const clerk11 = await signInToken(product.url, 'clerk11');

  // several ledgers, with an updated row, a deleted one (so history matters) and awkward text
  const report = (date: string, cases: number) =>
    handTyped({ op: 'INSERT', values: { report_date: date, cases, follow_ups: cases, dissatisfied: 0 } });
  const [, updated, deleted] = await save(product.url, clerk01, 'daily_followup', [
    report('2024-01-02', 7),
    report('2024-01-03', 9),
    report('2024-01-04', 4),
  ]);
  const [, deletedV2] = await save(product.url, clerk01, 'daily_followup', [
    handTyped({ op: 'UPDATE', id: updated.id, version: updated.version, values: { follow_ups: 8, dissatisfied: 1 } }),
    handTyped({ op: 'UPDATE', id: deleted.id, version: deleted.version, values: { cases: 5 } }),
  ]);
  await save(product.url, clerk01, 'daily_followup', [{ op: 'DELETE', id: deleted.id, version: deletedV2.version }]);
  deletedRowId = deleted.id;
  const awkward = `含'单引号' "双引号" \\反斜杠\\ 制表\t换行\n😀 ${'长'.repeat(1500)}`;
  await save(product.url, clerk01, 'window_case', [
    {
      op: 'INSERT',
      values: {
        case_no: 'BK-0001',
        accepted_at: '2024-01-02T09:00:00+08:00',
        completed_at: '2024-01-02T10:00:00+08:00',
        visited_at: '2024-01-02T11:00:00+08:00',
        service_item: '不动产登记',
        applicant: '张三',
        status: '办结',
        visit_method: '电话',
        visit_result: '非常不满意', // opens a rectification row through the ledger's follow-up
        remark: awkward,
      },
    },
  ]);
  await save(product.url, clerk01, 'survey', [{ op: 'INSERT', values: { q1: 'E', q7: ['A', 'E'], q11: awkward } }]);
  const [task] = await save(product.url, clerk11, 'task', [
    { op: 'INSERT', values: { task_no: 101, task: '备份演练', status: '推进中', completion: 0.25 } },
  ]);
  await save(product.url, clerk11, 'task', [
    { op: 'UPDATE', id: task.id, version: task.version, values: { status: '已完成', completion: 1 } },
  ]);
}, 170_000);

afterAll(async () => {
  await product?.stop();
  for (const name of restoredNames) await db?.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await db?.drop();
  if (dumpDir) await fs.rm(dumpDir, { recursive: true, force: true });
});

describe('npm run backup, then npm run restore into a fresh database', () => {
  let dump: string;
  let restoredName: string;
  let tablesAtBackup: Awaited<ReturnType<typeof databaseContents>>['tables'];

  it('restores every row of every table, every sequence, policy and grant', async () => {
    const source = await databaseContents(db.url);
    const sourceView = await clerkView(product.url, clerk01, deletedRowId);
    // the world is not empty: demo rows, our rows and their history are all there
    expect(source.tables['public.ledger_daily_followup'].rows).toBeGreaterThan(300);
    expect(source.tables['public.ledger_rectification'].rows).toBeGreaterThanOrEqual(2);
    expect(source.tables['public.row_history'].rows).toBeGreaterThan(
      source.tables['public.ledger_daily_followup'].rows,
    );
    expect((sourceView.history as { op: string }[]).map((h) => h.op)).toEqual(['insert', 'update', 'delete']);

    dump = path.join(dumpDir, 'taizhang-test.dump');
    const backup = await runCli(['backup', dump], db.url);
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toContain(`Backup written: ${dump}`);
    tablesAtBackup = source.tables;
    // the counts printed are the database's, table by table
    const sourceCounts = Object.fromEntries(Object.entries(source.tables).map(([t, v]) => [t, v.rows]));
    expect(printedCounts(backup.stdout)).toEqual(sourceCounts);
    expect((await fs.stat(dump)).size).toBeGreaterThan(10_000);

    restoredName = `tz_restored_${randomBytes(4).toString('hex')}`;
    restoredNames.push(restoredName);
    const restore = await runCli(['restore', dump, '--database', restoredName], db.url);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(printedCounts(restore.stdout)).toEqual(sourceCounts);

    const restored = await databaseContents(restoredUrl(restoredName));
    expect(restored.tables).toEqual(source.tables);
    expect(restored.sequences).toEqual(source.sequences);
    expect(restored.security).toEqual(source.security);
    expect(restored.indexes).toEqual(source.indexes);
    expect(restored.constraints).toEqual(source.constraints);
    expect(restored.functions).toEqual(source.functions);
    expect(restored.extensions).toEqual(source.extensions);

    // the product on the restored database shows a clerk exactly what it showed before
    const second = await startProductServer({ DATABASE_URL: restoredUrl(restoredName) });
    try {
      const clerk = await signInToken(second.url, 'clerk01');
      expect(await clerkView(second.url, clerk, deletedRowId)).toEqual(sourceView);
      // row-level security still holds there: another unit's clerk sees none of unit xz01's rows
      const clerk02 = await signInToken(second.url, 'clerk02');
      const theirs = await gql(second.url, clerk02, ROWS, { ledger: 'daily_followup' });
      const unit01 = (sourceView.daily_followup as { edges: { node: { unitId: string } }[] }).edges[0].node.unitId;
      expect(theirs.rows.totalCount).toBeGreaterThan(0);
      expect(theirs.rows.edges.some((e) => e.node.unitId === unit01)).toBe(false);
      // and the sequences carry on: a new row gets the next id, not one already taken
      const [row] = await save(second.url, clerk, 'daily_followup', [
        handTyped({ op: 'INSERT', values: { report_date: '2024-02-01', cases: 1, follow_ups: 1, dissatisfied: 0 } }),
      ]);
      const lastId = Number(source.sequences['public.ledger_daily_followup_id_seq'].split(' ')[0]);
      expect(Number(row.id)).toBe(lastId + 1);
    } finally {
      await second.stop();
    }
  });

  it('refuses to overwrite a database that has tables, and one in use even with --replace', async () => {
    const before = await databaseContents(restoredUrl(restoredName));
    const again = await runCli(['restore', dump, '--database', restoredName], db.url);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toMatch(
      new RegExp(`^restore failed: database "${restoredName}" .* exists .*--replace`),
    );

    const holder = new pg.Client({ connectionString: restoredUrl(restoredName) });
    await holder.connect();
    try {
      const busy = await runCli(['restore', dump, '--database', restoredName, '--replace'], db.url);
      expect(busy.code).toBe(1);
      expect(busy.stderr).toMatch(/is in use \(1 connections/);
    } finally {
      await holder.end();
    }
    // what was there is untouched, and no half-made database is left behind
    expect(await databaseContents(restoredUrl(restoredName))).toEqual(before);
    expect((await databases()).filter((d) => d.includes('_restoring_'))).toEqual([]);

    // a staging database that an interrupted restore left behind goes with the next restore
    const leftover = `tz_old_restoring_${randomBytes(4).toString('hex')}`;
    await db.query(`CREATE DATABASE ${leftover}`);
    // --replace brings back the backup's rows (the row saved since on the restored copy is gone)
    const replaced = await runCli(['restore', dump, '--database', restoredName, '--replace'], db.url);
    expect(replaced.code).toBe(0);
    expect(replaced.stdout).toContain(`Dropped ${leftover}, left by an interrupted restore.`);
    expect(await databases()).not.toContain(leftover);
    expect(before.tables).not.toEqual(tablesAtBackup);
    expect((await databaseContents(restoredUrl(restoredName))).tables).toEqual(tablesAtBackup);
  });

  it('counts, while the product keeps saving, exactly the rows the file holds', async () => {
    const clerk02 = await signInToken(product.url, 'clerk02');
    let writing = true;
    let written = 0;
    const writer = (async () => {
      for (let day = 1; writing && day <= 300; day += 1) {
        const date = new Date(Date.UTC(2022, 0, day)).toISOString().slice(0, 10);
        await save(product.url, clerk02, 'daily_followup', [
          handTyped({ op: 'INSERT', values: { report_date: date, cases: 2, follow_ups: 1, dissatisfied: 0 } }),
        ]);
        written += 1;
      }
    })();
    while (written < 3) await new Promise((resolve) => setTimeout(resolve, 50));
    const dumpWhileWriting = path.join(dumpDir, 'while-writing.dump');
    const backup = await runCli(['backup', dumpWhileWriting], db.url);
    const writtenDuringBackup = written;
    writing = false;
    await writer;
    expect(backup.code).toBe(0);

    const name = `tz_restored_${randomBytes(4).toString('hex')}`;
    restoredNames.push(name);
    expect((await runCli(['restore', dumpWhileWriting, '--database', name], db.url)).code).toBe(0);
    const restored = await databaseContents(restoredUrl(name));
    const restoredCounts = Object.fromEntries(Object.entries(restored.tables).map(([t, v]) => [t, v.rows]));
    expect(printedCounts(backup.stdout)).toEqual(restoredCounts);
    // one moment for all tables: every ledger row has its history entry in the file, and the reverse
    const orphans = await withClient(restoredUrl(name), async (client) => {
      const [row] = (
        await client.query(
          `SELECT (SELECT count(*)::int FROM ledger_daily_followup l WHERE NOT EXISTS (SELECT 1 FROM row_history h
                    WHERE h.ledger_key = 'daily_followup' AND h.row_id = l.id AND h.op = 'insert')) AS rows_without_history,
                  (SELECT count(*)::int FROM row_history h WHERE h.ledger_key = 'daily_followup' AND NOT EXISTS
                    (SELECT 1 FROM ledger_daily_followup l WHERE l.id = h.row_id)) AS history_without_rows`,
        )
      ).rows;
      return row;
    });
    expect(orphans).toEqual({ rows_without_history: 0, history_without_rows: 0 });
    console.log(`backup while saving: ${writtenDuringBackup} rows saved by the time it ended, ${written} in all`);
  });
});

describe('what the CLI refuses', () => {
  it('gives a one-line reason for a missing, a foreign or a damaged dump, and creates no database', async () => {
    const whole = await fs.readFile(path.join(dumpDir, 'taizhang-test.dump'));
    const foreign = path.join(dumpDir, 'foreign.dump');
    await fs.writeFile(foreign, randomBytes(4096));
    const truncated = path.join(dumpDir, 'truncated.dump');
    await fs.writeFile(truncated, whole.subarray(0, whole.length - 2048)); // the table of contents, not all data
    const before = await databases();

    const cases: [string, RegExp][] = [
      [path.join(dumpDir, 'no-such.dump'), /^restore failed: no such file: /],
      [foreign, /^restore failed: .* is not a pg_dump custom-format archive/],
      [truncated, /^restore failed: pg_restore failed, nothing was restored: pg_restore: error: /],
    ];
    for (const [file, reason] of cases) {
      const result = await runCli(['restore', file, '--database', 'tz_never_made'], db.url);
      expect(result.code, file).toBe(1);
      expect(result.stderr.trim().split('\n'), file).toHaveLength(1);
      expect(result.stderr.trim(), file).toMatch(reason);
      expect(result.stdout).not.toMatch(/Restored/);
    }
    expect(await databases()).toEqual(before);
  });

  it('refuses to back up as a role that row-level security applies to, and writes no file', async () => {
    const role = `tz_reader_${randomBytes(4).toString('hex')}`;
    // every table with row-level security applies it to a role that is not its owner: forced
    // (row_history, the ledgers) or not (a ledger's daily sums, which only their owner writes)
    const [{ n: forced }] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_class WHERE relrowsecurity AND relkind IN ('r', 'p')`,
    );
    expect(forced).toBeGreaterThanOrEqual(6); // row_history and the five ledgers
    await db.query(`CREATE ROLE ${role} LOGIN PASSWORD 'reader-pass' IN ROLE pg_read_all_data`);
    try {
      const url = Object.assign(new URL(db.url), { username: role, password: 'reader-pass' }).toString();
      const file = path.join(dumpDir, 'reader.dump');
      const refused = await runCli(['backup', file], url);
      expect(refused.code).toBe(1);
      expect(refused.stderr.trim()).toMatch(
        new RegExp(
          `^backup failed: role "${role}" cannot bypass the row-level security of ${forced} tables .*BYPASSRLS`,
        ),
      );
      expect((await fs.readdir(dumpDir)).filter((f) => f.startsWith('reader'))).toEqual([]);

      // the same role with BYPASSRLS backs everything up
      await db.query(`ALTER ROLE ${role} BYPASSRLS`);
      const allowed = await runCli(['backup', file], url);
      expect(allowed.stderr).toBe('');
      expect(allowed.code).toBe(0);
      expect(printedCounts(allowed.stdout)['public.row_history']).toBeGreaterThan(0);
    } finally {
      await db.query(`DROP ROLE ${role}`);
    }
  });

  it('names the tool to install when pg_dump cannot be found', async () => {
    const result = await runCli(['backup', path.join(dumpDir, 'none.dump')], db.url, {
      PG_DUMP: '/nonexistent/pg_dump',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/pg_dump 15 or newer .* apt-get install postgresql-client-15/);
    expect((await fs.readdir(dumpDir)).filter((f) => f.startsWith('none'))).toEqual([]);
  });
});
