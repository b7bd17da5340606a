import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DEMO_PASSWORD, signInToken } from './api-product';
import { postGraphQL, postJson } from './graphql-client';

/**
 * The load of many clerks at once, shared by tests/reliability/load.spec.ts and bench/load.bench.ts:
 * each clerk signs in with its own session and, until the time is up, saves a small batch of window
 * cases, reads a filtered and sorted page of its unit's rows, and updates one of them with the version
 * it read. Every request is recorded with its latency and outcome, every acknowledged write with what
 * the database must now hold.
 *
 * A driver of our own rather than autocannon: each request depends on the answer before it (the row
 * and version to update come from the page just read), every insert needs a marker of its own, and
 * every answer must be read to know what was acknowledged; autocannon replays fixed requests and
 * counts status codes.
 */

/** The ledger the clerks fill: no period, one unique field (`case_no`) that carries our marker. */
export const LOAD_LEDGER = 'window_case';
/** The unit kinds that fill it: the 10 township centres and 10 service windows of the demo. */
const FILLER_KINDS = ['township_centre', 'service_window'];

export type LoadOperation = 'insert' | 'read' | 'update';
/**
 * ok: done as asked; conflict: an update of a stale version, answered CONFLICT with the newer row;
 * rejected: a row refused; error: a GraphQL error; failed: no answer, or a 5xx.
 */
export type LoadOutcome = 'ok' | 'conflict' | 'rejected' | 'error' | 'failed';

export interface LoadRequest {
  clerk: number;
  op: LoadOperation;
  /** When it was sent, in ms from the start of the run. */
  at: number;
  ms: number;
  status: number;
  outcome: LoadOutcome;
  detail?: string;
}

export interface LoadClerk {
  index: number;
  username: string;
  unitId: string;
  token: string;
}

export interface AckedInsert {
  marker: string;
  id: string;
  clerk: number;
  unitId: string;
}

export interface AckedUpdate {
  id: string;
  clerk: number;
  unitId: string;
  /** The version the update made. */
  version: number;
  handler: string;
}

/** One page as a clerk saw it: each row's id and the unit the answer gave it. */
export interface PageRead {
  clerk: number;
  rows: { id: string; unitId: string }[];
}

export interface ClerkLoadResult {
  clerks: LoadClerk[];
  elapsedMs: number;
  requests: LoadRequest[];
  inserts: AckedInsert[];
  updates: AckedUpdate[];
  /** Sent without a usable answer: each may or may not have been written, but at most once. */
  unsureInserts: string[];
  unsureUpdates: { id: string; handler: string }[];
  reads: PageRead[];
  /** How late the driver's own event loop ran (ms): a busy driver adds this to every latency. */
  driverLag: { p50: number; p99: number; max: number };
}

export interface ClerkLoadOptions {
  /** The product's base URL. */
  url: string;
  clerks: LoadClerk[];
  durationMs: number;
  /** Prefix of every marker of this run, so that its rows can be told from any others. */
  runId: string;
  /** Inserts per saveRows (default 2). */
  batch?: number;
  /** Rows per page read (default 20). */
  pageSize?: number;
  /**
   * A clerk's pause between requests, on average (default 0: the next request as soon as the answer
   * is in); each pause is drawn between half and one and a half of it.
   */
  thinkMs?: number;
  /**
   * The clerks start one after another over this time (default 1 s, or one pause if longer): 50
   * first saves in the same instant would be a burst no office makes, and would own the p99.
   */
  rampMs?: number;
}

/**
 * `count` signed-in clerks spread over the 20 units that fill the ledger, round robin: the demo clerk
 * of each unit first, then further clerks made through `createUser`, so that with more clerks than
 * units two or three share a unit (and may update the same row).
 */
export async function prepareClerks(url: string, count: number): Promise<LoadClerk[]> {
  const admin = await signInToken(url, 'admin');
  const world = await postGraphQL<{
    units: { id: string; code: string; kind: string }[];
    users: { username: string; role: string; unit: { id: string } | null }[];
  }>(url, '{ units { id code kind } users { username role unit { id } } }', {}, { token: admin });
  if (!world.data) throw new Error(`units and users: ${JSON.stringify(world.errors)}`);
  const units = world.data.units
    .filter((u) => FILLER_KINDS.includes(u.kind))
    .sort((a, b) => Number(a.id) - Number(b.id));
  const accounts: { username: string; unitId: string }[] = [];
  for (let i = 0; i < count; i += 1) {
    const unit = units[i % units.length];
    const nth = Math.floor(i / units.length);
    const existing = world.data.users
      .filter((u) => u.role === 'CLERK' && u.unit?.id === unit.id)
      .map((u) => u.username)
      .sort();
    let username = existing[nth];
    if (!username) {
      username = `load-${unit.code}-${nth + 1}`;
      const made = await postGraphQL(
        url,
        'mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }',
        {
          input: {
            username,
            displayName: `压测填报员${i + 1}`,
            role: 'CLERK',
            unitId: unit.id,
            password: DEMO_PASSWORD,
          },
        },
        { token: admin },
      );
      if (made.errors) throw new Error(`createUser ${username}: ${JSON.stringify(made.errors)}`);
    }
    accounts.push({ username, unitId: unit.id });
  }
  // a few at a time: each sign-in is a deliberate scrypt hash on the server
  const clerks: LoadClerk[] = [];
  for (let start = 0; start < accounts.length; start += 4) {
    const tokens = await Promise.all(accounts.slice(start, start + 4).map((a) => signInToken(url, a.username)));
    tokens.forEach((token, k) => clerks.push({ index: start + k, ...accounts[start + k], token }));
  }
  return clerks;
}

const SAVE = `mutation ($changes: [RowChangeInput!]!) { saveRows(ledger: "${LOAD_LEDGER}", changes: $changes) {
  results { index status row { id unitId version } current { version } errors { path } } } }`;
const PAGE = `query ($filter: JSON, $orderBy: [OrderInput!], $first: Int) {
  rows(ledger: "${LOAD_LEDGER}", filter: $filter, orderBy: $orderBy, first: $first) {
    totalCount edges { node { id unitId version } } } }`;

interface GraphQLAnswer {
  data?: {
    saveRows?: {
      results: {
        index: number;
        status: 'SAVED' | 'REJECTED' | 'CONFLICT';
        row: { id: string; unitId: string; version: number } | null;
        current: { version: number } | null;
        errors: { path: string }[] | null;
      }[];
    };
    rows?: { edges: { node: { id: string; unitId: string; version: number } }[] };
  };
  errors?: { extensions?: { code?: string } }[];
}

/** Runs the clerks until `durationMs` is over and returns everything that was asked and answered. */
export async function runClerkLoad(options: ClerkLoadOptions): Promise<ClerkLoadResult> {
  const { url, clerks, durationMs, runId, batch = 2, pageSize = 20, thinkMs = 0 } = options;
  const rampMs = options.rampMs ?? Math.max(1000, thinkMs);
  const endpoint = new URL('/graphql', url);
  // one kept-alive connection per clerk, as a browser tab holds one
  const agent = new http.Agent({ keepAlive: true, maxSockets: clerks.length });
  const result: ClerkLoadResult = {
    clerks,
    elapsedMs: 0,
    requests: [],
    inserts: [],
    updates: [],
    unsureInserts: [],
    unsureUpdates: [],
    reads: [],
    driverLag: { p50: 0, p99: 0, max: 0 },
  };
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const started = performance.now();
  const deadline = started + durationMs;

  const call = async (clerk: LoadClerk, op: LoadOperation, query: string, variables: unknown) => {
    const sent = performance.now();
    const answer = await postJson(agent, endpoint, JSON.stringify({ query, variables }), {
      authorization: `Bearer ${clerk.token}`,
    });
    const ms = performance.now() - sent;
    let body: GraphQLAnswer = {};
    try {
      body = JSON.parse(answer.body) as GraphQLAnswer;
    } catch {
      body = {};
    }
    const failed = answer.status === 0 || answer.status >= 500;
    const record: LoadRequest = {
      clerk: clerk.index,
      op,
      at: sent - started,
      ms,
      status: answer.status,
      outcome: 'ok',
    };
    if (failed) {
      record.outcome = 'failed';
      record.detail = answer.body.slice(0, 200);
    } else if (body.errors?.length || !body.data) {
      record.outcome = 'error';
      record.detail = body.errors?.[0]?.extensions?.code ?? answer.body.slice(0, 200);
    }
    result.requests.push(record);
    return { record, body };
  };

  const clerkLoop = async (clerk: LoadClerk) => {
    let sequence = 0;
    const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const pause = () => (thinkMs > 0 ? wait(thinkMs * (0.5 + Math.random())) : undefined);
    await wait((rampMs * clerk.index) / clerks.length);
    while (performance.now() < deadline) {
      // save a batch of new cases, each with a marker of its own in case_no
      const markers = Array.from({ length: batch }, () => `${runId}-${clerk.index}-${(sequence += 1)}`);
      const changes = markers.map((marker, k) => ({ op: 'INSERT', values: newCase(marker, k) }));
      const saved = await call(clerk, 'insert', SAVE, { changes });
      if (saved.record.outcome === 'ok') {
        for (const r of saved.body.data!.saveRows!.results) {
          if (r.status === 'SAVED' && r.row)
            result.inserts.push({ marker: markers[r.index], id: r.row.id, clerk: clerk.index, unitId: r.row.unitId });
          else saved.record.outcome = 'rejected';
        }
      } else result.unsureInserts.push(...markers);
      await pause();
      if (performance.now() >= deadline) break;

      // read the newest open cases of the unit
      const page = await call(clerk, 'read', PAGE, {
        filter: { status: { in: ['受理', '办理中'] } },
        orderBy: [{ field: 'accepted_at', desc: true }],
        first: pageSize,
      });
      const rows = page.record.outcome === 'ok' ? page.body.data!.rows!.edges.map((e) => e.node) : [];
      result.reads.push({ clerk: clerk.index, rows: rows.map(({ id, unitId }) => ({ id, unitId })) });
      await pause();
      if (rows.length === 0 || performance.now() >= deadline) continue;

      // update one of the first few with the version read: the unit's other clerks pick among the same
      const target = rows[Math.floor(Math.random() * Math.min(rows.length, 4))];
      const handler = `u-${runId}-${clerk.index}-${(sequence += 1)}`;
      const updated = await call(clerk, 'update', SAVE, {
        changes: [{ op: 'UPDATE', id: target.id, version: target.version, values: { handler, status: '办理中' } }],
      });
      const answer = updated.body.data?.saveRows?.results[0];
      if (updated.record.outcome !== 'ok') result.unsureUpdates.push({ id: target.id, handler });
      else if (answer?.status === 'SAVED' && answer.row)
        result.updates.push({
          id: answer.row.id,
          clerk: clerk.index,
          unitId: answer.row.unitId,
          version: answer.row.version,
          handler,
        });
      else if (answer?.status === 'CONFLICT' && answer.current && answer.current.version > target.version)
        updated.record.outcome = 'conflict';
      else {
        updated.record.outcome = 'rejected';
        updated.record.detail = JSON.stringify(answer);
      }
      await pause();
    }
  };

  await Promise.all(clerks.map(clerkLoop));
  result.elapsedMs = performance.now() - started;
  lag.disable();
  result.driverLag = { p50: lag.percentile(50) / 1e6, p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 };
  agent.destroy();
  return result;
}

/** A new case as a window clerk enters it: accepted a little while ago, not yet handled. */
function newCase(marker: string, k: number) {
  return {
    case_no: marker,
    accepted_at: new Date(Date.now() - k * 60_000).toISOString(),
    service_item: '营业执照设立登记',
    applicant: '压测申请人',
    phone: '13800000000',
    channel: '窗口',
    status: '受理',
    promised_days: 3,
  };
}

/** Nearest-rank percentile of latencies in ms. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export interface LatencySummary {
  requests: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Requests per second and latency percentiles of some requests, over the run's elapsed time. */
export function summarizeLatency(ms: number[], elapsedMs: number): LatencySummary {
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    requests: ms.length,
    perSecond: round(ms.length / (elapsedMs / 1000)),
    p50: round(percentile(ms, 50)),
    p95: round(percentile(ms, 95)),
    p99: round(percentile(ms, 99)),
    max: round(ms.reduce((a, b) => Math.max(a, b), 0)),
  };
}

/** The same summary for every request and for each operation. */
export function summarizeLoad(
  requests: { op: LoadOperation; ms: number }[],
  elapsedMs: number,
): Record<'all' | LoadOperation, LatencySummary> {
  const of = (op?: LoadOperation) =>
    summarizeLatency(
      requests.filter((r) => !op || r.op === op).map((r) => r.ms),
      elapsedMs,
    );
  return { all: of(), insert: of('insert'), read: of('read'), update: of('update') };
}
