import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createClient, type Client } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { keepAliveGraphQL, prepareClerks, type LoadClerk } from '@taizhang/testing';
import { startBenchProduct, type BenchProduct } from './bench-product';
import { judge, percentile, writeResults, type BenchCase } from './bench-results';

/**
 * live (issue 22, docs/live.md): 200 open `rowsChanged` subscriptions, 10 on each of 20 units'
 * window-case sheets (graphql-ws clients on their own sockets, each signed in as a clerk of the
 * unit), while 50 clerks of those units save rows (one new row per saveRows, a pause of about
 * THINK_MS between saves, for LIVE_SECONDS). Measured: for every saved row and every subscriber of
 * its unit, the time from the save's acknowledgement (its HTTP answer) to the event naming the row.
 *
 * The baseline is the raw PostgreSQL round trip: 50 workers through a pg pool doing the same
 * inserts into a plain copy of the table, each with `NOTIFY` of the row's unit and id in its
 * transaction, and 20 LISTENing connections (one per unit, each handing the notice to 10 listeners
 * of its own in this process, as our API process hands one notice to its subscribers): the time
 * from COMMIT's answer to the notice at each listener. Everything runs in this process on the same
 * two cores, the product's server beside it.
 */
const UNITS = 20;
const PER_UNIT = 10;
const CLERKS = 50;
const LIVE_MS = 1000 * Number(process.env.LIVE_SECONDS ?? 20);
const THINK_MS = Number(process.env.THINK_MS ?? 200);
const runId = `lv${randomBytes(3).toString('hex')}`;

let product: BenchProduct;
let clerks: LoadClerk[];
const sockets: Client[] = [];
const cases: BenchCase[] = [];

beforeAll(async () => {
  product = await startBenchProduct(UNITS);
  clerks = await prepareClerks(product.server.url, CLERKS);
}, 600_000);

afterAll(async () => {
  await Promise.all(sockets.map((client) => client.dispose()));
  await product?.stop();
  if (cases.length > 0) writeResults('live', cases);
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const thinkTime = () => THINK_MS * (0.5 + Math.random());

interface Delivery {
  /** When the row's save was sent and when it was acknowledged, by row id (performance.now()). */
  sent: Map<string, number>;
  acked: Map<string, number>;
  /** Every arrival: row id, unit, when. */
  arrivals: { id: string; unit: string; at: number }[];
}

/** Latencies of every (row, subscriber of its unit) pair that arrived; with how many were expected. */
function latencies(d: Delivery, unitOf: Map<string, string>, perUnit: number) {
  const ms: number[] = [];
  const fromSent: number[] = [];
  let early = 0;
  for (const a of d.arrivals) {
    const acked = d.acked.get(a.id);
    if (acked === undefined) continue;
    // the notice leaves PostgreSQL at COMMIT, the answer after it: an event may come first (0 ms)
    if (a.at < acked) early += 1;
    ms.push(Math.max(0, a.at - acked));
    fromSent.push(a.at - d.sent.get(a.id)!);
  }
  const expected = d.acked.size * perUnit;
  const wrongUnit = d.arrivals.filter((a) => unitOf.has(a.id) && unitOf.get(a.id) !== a.unit).length;
  return { ms, fromSent, expected, received: ms.length, early, wrongUnit };
}

it('delivers a save to 200 subscribers of 20 units within a second (p99), against raw LISTEN/NOTIFY', async () => {
  const wsUrl = `${product.server.url.replace(/^http/, 'ws')}/graphql`;
  const byUnit = new Map<string, LoadClerk[]>();
  for (const clerk of clerks) byUnit.set(clerk.unitId, [...(byUnit.get(clerk.unitId) ?? []), clerk]);
  const units = [...byUnit.keys()];
  expect(units).toHaveLength(UNITS);

  // ── ours: 200 subscriptions, 50 clerks saving through the API ──
  const ours: Delivery = { sent: new Map(), acked: new Map(), arrivals: [] };
  const unitOfRow = new Map<string, string>();
  let ready = 0;
  for (const unit of units) {
    const unitClerks = byUnit.get(unit)!;
    for (let i = 0; i < PER_UNIT; i += 1) {
      const clerk = unitClerks[i % unitClerks.length];
      const client = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${clerk.token}` },
        retryAttempts: 0,
      });
      sockets.push(client);
      client.subscribe<{ rowsChanged: { unitId: string; ids: string[]; kind: string } }>(
        { query: 'subscription { rowsChanged(ledger: "window_case") { unitId kind ids } }' },
        {
          next: (message) => {
            const at = performance.now();
            const event = message.data?.rowsChanged;
            if (event) for (const id of event.ids) ours.arrivals.push({ id, unit: event.unitId, at });
          },
          error: (error) => console.error('subscription ended', error),
          complete: () => undefined,
        },
      );
      ready += 1;
    }
  }
  expect(ready).toBe(UNITS * PER_UNIT);
  await pause(2_000); // every subscription answered by the server before the first save

  const apis = clerks.map(() => keepAliveGraphQL(product.server.url));
  const SAVE = `mutation ($changes: [RowChangeInput!]!) { saveRows(ledger: "window_case", changes: $changes) { results { status row { id } } } }`;
  let n = 0;
  const until = performance.now() + LIVE_MS;
  await Promise.all(
    clerks.map(async (clerk, c) => {
      await pause((c / clerks.length) * 1000);
      while (performance.now() < until) {
        n += 1;
        const values = {
          case_no: `${runId}-${n}`,
          accepted_at: '2026-12-07T09:30:00+08:00',
          service_item: '企业开办',
          applicant: `压测${n}`,
          status: '受理',
        };
        const sent = performance.now();
        const answer = await apis[c].post<{ saveRows: { results: { status: string; row: { id: string } | null }[] } }>(
          SAVE,
          { changes: [{ op: 'INSERT', values }] },
          clerk.token,
        );
        const at = performance.now();
        const row = answer.data?.saveRows.results[0]?.row;
        if (row) {
          ours.sent.set(row.id, sent);
          ours.acked.set(row.id, at);
          unitOfRow.set(row.id, clerk.unitId);
        }
        await pause(thinkTime());
      }
    }),
  );
  await pause(2_000); // the last events on their way
  const oursResult = latencies(ours, unitOfRow, PER_UNIT);

  // ── baseline: the same inserts and a NOTIFY in SQL, 20 LISTENing connections ──
  const { pool } = product;
  await pool.query(`DROP TABLE IF EXISTS dba_live_case`);
  await pool.query(
    `CREATE TABLE dba_live_case (id bigserial PRIMARY KEY, unit_id int NOT NULL, case_no text, accepted_at timestamptz, service_item text, applicant text, status text)`,
  );
  const raw: Delivery = { sent: new Map(), acked: new Map(), arrivals: [] };
  const rawUnitOf = new Map<string, string>();
  const listeners: pg.Client[] = [];
  for (const unit of units) {
    const listener = new pg.Client({ connectionString: product.db.url });
    await listener.connect();
    await listener.query(`LISTEN bench_live_${unit}`);
    listener.on('notification', (message) => {
      const at = performance.now();
      const id = message.payload ?? '';
      // one notice handed to the unit's ten listeners, as a process hands one to its subscribers
      for (let i = 0; i < PER_UNIT; i += 1) raw.arrivals.push({ id, unit, at });
    });
    listeners.push(listener);
  }
  const workers = new pg.Pool({ connectionString: product.db.url, max: CLERKS });
  let m = 0;
  const rawUntil = performance.now() + LIVE_MS;
  await Promise.all(
    clerks.map(async (clerk, c) => {
      await pause((c / clerks.length) * 1000);
      const db = await workers.connect();
      try {
        while (performance.now() < rawUntil) {
          m += 1;
          const sent = performance.now();
          await db.query('BEGIN');
          const { rows } = await db.query(
            `INSERT INTO dba_live_case (unit_id, case_no, accepted_at, service_item, applicant, status)
             VALUES ($1, $2, '2026-12-07T09:30:00+08:00', '企业开办', $3, '受理') RETURNING id`,
            [clerk.unitId, `${runId}-raw-${m}`, `压测${m}`],
          );
          const id = String(rows[0].id);
          await db.query(`SELECT pg_notify($1, $2)`, [`bench_live_${clerk.unitId}`, id]);
          await db.query('COMMIT');
          raw.acked.set(id, performance.now());
          raw.sent.set(id, sent);
          rawUnitOf.set(id, clerk.unitId);
          await pause(thinkTime());
        }
      } finally {
        db.release();
      }
    }),
  );
  await pause(2_000);
  await workers.end();
  await Promise.all(listeners.map((listener) => listener.end()));
  const rawResult = latencies(raw, rawUnitOf, PER_UNIT);

  console.log(
    `live: ours ${ours.acked.size} saves, ${oursResult.received}/${oursResult.expected} deliveries (${oursResult.early} before the ack, ${oursResult.wrongUnit} to another unit); raw ${raw.acked.size} commits, ${rawResult.received}/${rawResult.expected} (${rawResult.early} before the ack)`,
  );
  expect(oursResult.wrongUnit).toBe(0);
  expect(oursResult.received).toBe(oursResult.expected);
  for (const p of [50, 99]) {
    cases.push(
      judge(
        `p${p}, a save sent → its event at each subscriber of its unit (200 subscriptions, 20 units, 50 clerks saving) vs BEGIN … INSERT … NOTIFY … COMMIT sent → the notice at a LISTENer`,
        percentile(oursResult.fromSent, p),
        percentile(rawResult.fromSent, p),
        '< 1000ms',
      ),
    );
  }
  for (const p of [95, 99]) {
    cases.push(
      judge(
        `p${p}, a save acknowledged → its event at each subscriber of its unit (0 when the event came first) vs COMMIT answered → the notice`,
        percentile(oursResult.ms, p),
        percentile(rawResult.ms, p),
        '< 1000ms',
      ),
    );
  }
  cases.push(
    judge(
      'wall ms per save acknowledged, 50 clerks pausing ~200 ms, 200 subscriptions listening vs per INSERT + NOTIFY commit',
      LIVE_MS / Math.max(1, ours.acked.size),
      LIVE_MS / Math.max(1, raw.acked.size),
      '<= 3',
    ),
  );
}, 600_000);
