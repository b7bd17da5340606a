import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  prepareClerks,
  runClerkLoad,
  summarizeLoad,
  type LatencySummary,
  type LoadClerk,
  type LoadOperation,
} from '@taizhang/testing';
import { startBenchProduct, type BenchProduct } from './bench-product';
import { judge, writeResults, type BenchCase } from './bench-results';

/**
 * load: 50 clerks of 20 units (two or three to a unit) each saving two window cases, reading a
 * filtered and sorted page of 20 of their unit's rows and updating one of them, back to back, for
 * LOAD_SECONDS (default 45) — through GraphQL over HTTP on loopback. The baseline: the same mix by
 * 50 workers as hand-written SQL through a pg pool of 50 on the same database (one multi-row INSERT,
 * the page's SELECT, one UPDATE … WHERE version = $v), so the figures show what the API adds:
 * the session, GraphQL, the unit scope's transaction, validation and the history rows.
 *
 * Alongside, the CPU each side used (the API's process, the PostgreSQL cluster's processes, this
 * driver), read from /proc, says where the time goes on the two cores.
 */
const CLERKS = 50;
const LOAD_MS = 1000 * Number(process.env.LOAD_SECONDS ?? 45);
const WARM_UP_MS = 5_000;
const GOAL = '< 300ms';
const runId = `lb${randomBytes(3).toString('hex')}`;

let product: BenchProduct;
let clerks: LoadClerk[];
const cases: BenchCase[] = [];

beforeAll(async () => {
  product = await startBenchProduct(24);
  clerks = await prepareClerks(product.server.url, CLERKS);
  // JIT, the API's pool and the ledger cache warmed before anything is measured
  await runClerkLoad({ url: product.server.url, clerks, durationMs: WARM_UP_MS, runId: `${runId}w` });
}, 600_000);

afterAll(async () => {
  await product?.stop();
  if (cases.length > 0) writeResults('load', cases);
});

it('serves 50 clerks saving and reading at once with p99 under 300 ms, against the same mix in SQL', async () => {
  const watch = await watchDatabase(product);
  const ours = await runClerkLoad({ url: product.server.url, clerks, durationMs: LOAD_MS, runId });
  const oursUse = await watch.stop(ours.requests.length);
  const wrong = ours.requests.filter((r) => r.outcome !== 'ok' && r.outcome !== 'conflict');
  expect(wrong.slice(0, 5), `${wrong.length} requests went wrong`).toEqual([]);

  const baselinePool = new pg.Pool({
    connectionString: product.db.url,
    max: CLERKS,
    application_name: 'load-baseline',
  });
  const baseWatch = await watchDatabase(product, 'load-baseline');
  const baseline = await runSqlBaseline(baselinePool, clerks, Math.min(LOAD_MS, 30_000));
  const baseUse = await baseWatch.stop(baseline.requests.length);
  await baselinePool.end();

  const oursSummary = summarizeLoad(ours.requests, ours.elapsedMs);
  const baseSummary = summarizeLoad(baseline.requests, baseline.elapsedMs);
  const conflicts = ours.requests.filter((r) => r.outcome === 'conflict').length;
  const labels: Record<'all' | LoadOperation, string> = {
    all: 'p99, every request (50 clerks: save 2, read 20, update 1)',
    insert: 'p99, saveRows of 2 new rows vs a 2-row INSERT',
    read: 'p99, a filtered sorted page of 20 vs its SELECT',
    update: 'p99, saveRows of 1 update vs UPDATE … WHERE version',
  };
  for (const op of ['all', 'insert', 'read', 'update'] as const) {
    const figures = withThroughput(oursSummary[op], baseSummary[op]);
    const extra =
      op === 'all'
        ? {
            seconds: Math.round(ours.elapsedMs / 100) / 10,
            conflicts,
            driver_lag_p99_ms: Math.round(ours.driverLag.p99 * 10) / 10,
            ours_use: oursUse,
            baseline_use: baseUse,
          }
        : {};
    cases.push(Object.assign(judge(labels[op], oursSummary[op].p99, baseSummary[op].p99, GOAL), figures, extra));
  }
  console.log(
    `ours: ${ours.requests.length} requests in ${(ours.elapsedMs / 1000).toFixed(1)} s, ${ours.inserts.length} inserts, ` +
      `${ours.updates.length} updates, ${conflicts} conflicts, driver lag p99 ${ours.driverLag.p99.toFixed(1)} ms; ` +
      `baseline: ${baseline.requests.length} statements, ${baseline.conflicts} conflicts`,
  );
  console.table({ ours: oursSummary.all, baseline: baseSummary.all });
  console.table({ ours: flat(oursUse), baseline: flat(baseUse) });
  if (process.env.LOAD_DUMP) fs.writeFileSync(process.env.LOAD_DUMP, JSON.stringify(ours.requests));
});

it("keeps p99 under 300 ms for 50 clerks working at a clerk's pace (about 1 s between requests)", async () => {
  const watch = await watchDatabase(product);
  const paced = await runClerkLoad({
    url: product.server.url,
    clerks,
    durationMs: Math.min(LOAD_MS, 30_000),
    runId: `${runId}p`,
    thinkMs: 1000,
  });
  const use = await watch.stop(paced.requests.length);
  const summary = summarizeLoad(paced.requests, paced.elapsedMs).all;
  // the same pace in SQL: whether a slow tail is the API's or the database's own
  const baselinePool = new pg.Pool({ connectionString: product.db.url, max: clerks.length });
  const baseline = await runSqlBaseline(baselinePool, clerks, Math.min(LOAD_MS, 30_000), 1000, 'pb');
  await baselinePool.end();
  const baseSummary = summarizeLoad(baseline.requests, baseline.elapsedMs).all;
  cases.push(
    Object.assign(judge('p99, 50 clerks pausing about 1 s between requests', summary.p99, baseSummary.p99, GOAL), {
      ...withThroughput(summary, baseSummary),
      ours_use: use,
    }),
  );
  console.table({ paced: summary, 'paced SQL': baseSummary });
  console.table({ paced: flat(use) });
});

function withThroughput(ours: LatencySummary, baseline: LatencySummary) {
  return {
    requests: ours.requests,
    ours_rps: ours.perSecond,
    baseline_rps: baseline.perSecond,
    ours_p50_ms: ours.p50,
    baseline_p50_ms: baseline.p50,
  };
}

/**
 * The clerks' mix as hand-written SQL: per worker (one per clerk, in the clerk's unit) a two-row
 * INSERT, the page the API reads (with its count), and an UPDATE of one of its first rows with the
 * version read, back to back.
 */
async function runSqlBaseline(pool: pg.Pool, workers: LoadClerk[], durationMs: number, thinkMs = 0, tag = 'b') {
  const requests: { op: LoadOperation; ms: number }[] = [];
  let conflicts = 0;
  const timed = async <T>(op: LoadOperation, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await work();
    requests.push({ op, ms: performance.now() - started });
    return result;
  };
  await Promise.all(workers.map(() => pool.query('SELECT 1'))); // the 50 connections opened beforehand
  const started = performance.now();
  const deadline = started + durationMs;
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  // the clerks' pauses: between half and one and a half of thinkMs (clerk-load.ts)
  const pause = () => (thinkMs > 0 ? wait(thinkMs * (0.5 + Math.random())) : undefined);
  const worker = async (clerk: LoadClerk) => {
    let sequence = 0;
    // started one after another over a second (or one pause), as the clerks are
    await wait((Math.max(1000, thinkMs) * clerk.index) / workers.length);
    while (performance.now() < deadline) {
      await pause();
      const now = Date.now();
      await timed('insert', () =>
        pool.query(
          `INSERT INTO ledger_window_case (unit_id, def_version, created_by, updated_by, case_no, accepted_at, service_item, applicant, phone, channel, status, promised_days)
           VALUES ($1, 1, 0, 0, $2, $4, '营业执照设立登记', '压测申请人', '13800000000', '窗口', '受理', 3),
                  ($1, 1, 0, 0, $3, $5, '营业执照设立登记', '压测申请人', '13800000000', '窗口', '受理', 3) RETURNING id`,
          [
            clerk.unitId,
            `${runId}-${tag}${clerk.index}-${(sequence += 1)}`,
            `${runId}-${tag}${clerk.index}-${(sequence += 1)}`,
            new Date(now),
            new Date(now - 60_000),
          ],
        ),
      );
      if (performance.now() >= deadline) break;
      await pause();
      const page = await timed('read', () =>
        pool.query(
          `SELECT t.id, t.unit_id, t.period, t.version, t.updated_at, t.case_no, t.accepted_at, t.service_item, t.applicant,
                  t.phone, t.channel, t.handler, t.status, t.completed_at, t.promised_days, t.on_time, t.visited_at,
                  t.visit_method, t.visit_result, t.visited_within_2h, t.remark, count(*) OVER ()::int AS _total
             FROM ledger_window_case t
            WHERE t.deleted_at IS NULL AND t.unit_id = ANY($1) AND t.status = ANY($2)
            ORDER BY t.accepted_at DESC NULLS LAST, t.id DESC LIMIT 21`,
          [[clerk.unitId], ['受理', '办理中']],
        ),
      );
      if (page.rows.length === 0 || performance.now() >= deadline) continue;
      const target = page.rows[Math.floor(Math.random() * Math.min(page.rows.length, 4))];
      await pause();
      const updated = await timed('update', () =>
        pool.query(
          `UPDATE ledger_window_case SET handler = $4, status = '办理中', version = version + 1, updated_at = now(), updated_by = 0
            WHERE unit_id = $1 AND id = $2 AND version = $3 AND deleted_at IS NULL RETURNING version`,
          [clerk.unitId, target.id, target.version, `u-${runId}-${tag}${clerk.index}-${(sequence += 1)}`],
        ),
      );
      if (updated.rowCount === 0) conflicts += 1;
    }
  };
  await Promise.all(workers.map(worker));
  return { requests, conflicts, elapsedMs: performance.now() - started };
}

/** The PostgreSQL cluster's processes: the postmaster (parent of a backend) and all its children. */
function postgresPids(backend: { rows: { pid: number }[] }): number[] {
  const postmaster = statOf(backend.rows[0].pid)?.ppid;
  if (!postmaster) return [];
  const children = fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => statOf(pid)?.ppid === postmaster);
  return [postmaster, ...children];
}

/** utime + stime of a process in ms (Linux clock ticks are 10 ms), and its parent. */
function statOf(pid: number): { cpuMs: number; ppid: number } | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), cpuMs: (Number(fields[11]) + Number(fields[12])) * 10 };
  } catch {
    return null;
  }
}

/** How many write system calls a process has made (a socket write each, for a server). */
function writeCallsOf(pid: number): number {
  try {
    return Number(/syscw: (\d+)/.exec(fs.readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** The whole machine's busy clock ticks (10 ms each, summed over its cores), from /proc/stat. */
function machineTicks(): { busy: number } {
  const [, ...ticks] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  // user nice system idle iowait irq softirq steal: busy is all but idle and iowait
  return { busy: ticks.slice(0, 8).reduce((a, b) => a + b, 0) - ticks[3] - ticks[4] };
}

/**
 * What a run used, per request: CPU of the API process, of the PostgreSQL cluster (a backend that
 * started in between counts whole; one that ended in between is missed) and of this driver; the
 * write calls of the API (one per message to PostgreSQL, and the answers) and of this driver; the
 * database's transactions; how many of the pool's connections were busy (sampled every 250 ms);
 * and how many cores were busy, ours and the whole machine's (other work included).
 */
async function watchDatabase(bench: BenchProduct, application = 'taizhang-api') {
  // PostgreSQL publishes a backend's counters up to 10 s after it goes idle
  const settle = () => new Promise((resolve) => setTimeout(resolve, 11_000));
  const counters = async () => {
    const [row] = (
      await bench.pool.query(
        `SELECT xact_commit + xact_rollback AS xacts FROM pg_stat_database WHERE datname = current_database()`,
      )
    ).rows as { xacts: string }[];
    return row;
  };
  await settle();
  const pids = postgresPids(await bench.pool.query('SELECT pg_backend_pid() AS pid'));
  const api = bench.server.process.pid!;
  const cpuBefore = new Map([api, ...pids].map((pid) => [pid, statOf(pid)?.cpuMs ?? 0]));
  const driverBefore = process.cpuUsage();
  const writesBefore = { api: writeCallsOf(api), driver: writeCallsOf(process.pid) };
  const machineBefore = machineTicks();
  const started = performance.now();
  const countersBefore = await counters();
  const busy: { busy: number; open: number }[] = [];
  const sampler = setInterval(() => {
    void bench.pool
      .query(
        `SELECT count(*) FILTER (WHERE state <> 'idle')::int AS busy, count(*)::int AS open
           FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`,
        [application],
      )
      .then((r) => busy.push(r.rows[0] as { busy: number; open: number }));
  }, 250);

  return {
    async stop(requests: number) {
      clearInterval(sampler);
      const machine = machineTicks();
      const elapsed = performance.now() - started;
      const driver = process.cpuUsage(driverBefore);
      const writes = {
        api: writeCallsOf(api) - writesBefore.api,
        driver: writeCallsOf(process.pid) - writesBefore.driver,
      };
      const used = (list: number[]) =>
        list.reduce((sum, pid) => sum + Math.max(0, (statOf(pid)?.cpuMs ?? 0) - (cpuBefore.get(pid) ?? 0)), 0);
      const postgresNow = postgresPids(await bench.pool.query('SELECT pg_backend_pid() AS pid'));
      const cpu = {
        api: used([api]),
        postgres: used([...new Set([...pids, ...postgresNow])]),
        driver: (driver.user + driver.system) / 1000,
      };
      const cores = (ms: number) => Math.round((ms / elapsed) * 100) / 100;
      await settle();
      const after = await counters();
      const each = (n: number) => Math.round((n / requests) * 100) / 100;
      const open = Math.max(0, ...busy.map((b) => b.open));
      return {
        cpu_ms_per_request: { api: each(cpu.api), postgres: each(cpu.postgres), driver: each(cpu.driver) },
        // cores in use on average: by these three, and by the whole machine (other work included)
        cores_busy: {
          ours: cores(cpu.api + cpu.postgres + cpu.driver),
          machine: cores((machine.busy - machineBefore.busy) * 10),
        },
        socket_writes_per_request: { api: each(writes.api), driver: each(writes.driver) },
        db_transactions_per_request: each(Number(after.xacts) - Number(countersBefore.xacts)),
        pool_connections_open: open,
        pool_busy_avg: Math.round((busy.reduce((n, b) => n + b.busy, 0) / Math.max(1, busy.length)) * 10) / 10,
        pool_all_busy_share:
          Math.round((busy.filter((b) => open > 0 && b.busy >= open).length / Math.max(1, busy.length)) * 100) / 100,
      };
    },
  };
}

/** One level of nesting less, for console.table. */
function flat(use: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(use).flatMap(([key, value]) =>
      typeof value === 'object' && value !== null
        ? Object.entries(value).map(([inner, v]) => [`${key}.${inner}`, v])
        : [[key, value]],
    ),
  );
}
