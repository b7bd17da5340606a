import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  prepareClerks,
  runClerkLoad,
  startApiProduct,
  summarizeLoad,
  type ApiProduct,
  type ClerkLoadResult,
} from '@taizhang/testing';

/**
 * Load (issue #10): 50 clerks of 20 units save, read and update window cases at once for 15 s
 * against the built product on loopback; then the database must hold every acknowledged write
 * exactly once, and no clerk may have been shown another unit's rows. `npm run bench -- load`
 * runs the same driver longer and measures it. RELIABILITY_SCALE=n makes the load n times longer.
 */
const CLERKS = 50;
const UNITS = 20;
const LOAD_MS = 15_000 * Number(process.env.RELIABILITY_SCALE ?? 1);
const runId = `ld${randomBytes(3).toString('hex')}`;

let product: ApiProduct;
let load: ClerkLoadResult;
const unitOfClerk = new Map<number, string>();

beforeAll(async () => {
  product = await startApiProduct();
  const clerks = await prepareClerks(product.server.url, CLERKS);
  clerks.forEach((c) => unitOfClerk.set(c.index, c.unitId));
  load = await runClerkLoad({ url: product.server.url, clerks, durationMs: LOAD_MS, runId });
  const summary = summarizeLoad(load.requests, load.elapsedMs);
  const count = (outcome: string) => load.requests.filter((r) => r.outcome === outcome).length;
  console.log(
    `load: ${CLERKS} clerks, ${(load.elapsedMs / 1000).toFixed(1)} s, ${load.requests.length} requests ` +
      `(${summary.all.perSecond}/s): ${load.inserts.length} inserts and ${load.updates.length} updates acknowledged, ` +
      `${count('conflict')} conflicts, ${load.reads.length} pages read (${load.reads.reduce((n, r) => n + r.rows.length, 0)} rows); ` +
      `driver event-loop lag p99 ${load.driverLag.p99.toFixed(1)} ms`,
  );
  console.table(summary);
}, 170_000);

afterAll(async () => {
  await product?.stop();
});

describe('50 clerks of 20 units saving and reading at once', () => {
  it('signs in every clerk with a session of its own, two or three to a unit', () => {
    expect(new Set(load.clerks.map((c) => c.token)).size).toBe(CLERKS);
    const perUnit = new Map<string, number>();
    for (const c of load.clerks) perUnit.set(c.unitId, (perUnit.get(c.unitId) ?? 0) + 1);
    expect(perUnit.size).toBe(UNITS);
    expect(Math.min(...perUnit.values())).toBeGreaterThanOrEqual(2);
  });

  it('answers every request, none with a 5xx, an error or a refused row', () => {
    const wrong = load.requests.filter((r) => r.outcome !== 'ok' && r.outcome !== 'conflict');
    expect(wrong.slice(0, 5), `${wrong.length} requests went wrong`).toEqual([]);
    expect(load.requests.filter((r) => r.status >= 500 || r.status === 0)).toEqual([]);
    // every clerk got through several rounds of save, read and update
    for (const clerk of load.clerks)
      expect(load.requests.filter((r) => r.clerk === clerk.index).length).toBeGreaterThanOrEqual(6);
    expect(load.unsureInserts).toEqual([]);
    expect(load.unsureUpdates).toEqual([]);
  });

  it('keeps every acknowledged insert exactly once, in the unit of the clerk who saved it, and nothing else', async () => {
    const stored = await product.db.query<{ id: string; unit_id: string; case_no: string }>(
      `SELECT id::text, unit_id::text, case_no FROM ledger_window_case WHERE case_no LIKE $1`,
      [`${runId}-%`],
    );
    const byMarker = new Map<string, { id: string; unit_id: string }[]>();
    for (const row of stored) byMarker.set(row.case_no, [...(byMarker.get(row.case_no) ?? []), row]);

    expect(load.inserts.length).toBeGreaterThan(0);
    const misplaced = load.inserts.filter((ack) => {
      const rows = byMarker.get(ack.marker) ?? [];
      const unit = unitOfClerk.get(ack.clerk);
      return rows.length !== 1 || rows[0].id !== ack.id || rows[0].unit_id !== unit || ack.unitId !== unit;
    });
    expect(misplaced.slice(0, 5), `${misplaced.length} acknowledged inserts not stored once as acknowledged`).toEqual(
      [],
    );
    // no row the clerks were not told about (a retried or doubled insert would be one)
    const acknowledged = new Set(load.inserts.map((a) => a.marker));
    expect(stored.filter((row) => !acknowledged.has(row.case_no))).toEqual([]);
    expect(stored.length).toBe(load.inserts.length);

    const [history] = await product.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM row_history h JOIN ledger_window_case t ON t.id = h.row_id
        WHERE h.ledger_key = 'window_case' AND h.op = 'insert' AND t.case_no LIKE $1`,
      [`${runId}-%`],
    );
    expect(history.n).toBe(load.inserts.length);
  });

  it('keeps every acknowledged update: each in the history at its own version, the last one in the row', async () => {
    expect(load.updates.length).toBeGreaterThan(0);
    const byRow = new Map<string, typeof load.updates>();
    for (const u of load.updates) byRow.set(u.id, [...(byRow.get(u.id) ?? []), u]);
    const ids = [...byRow.keys()];
    const rows = await product.db.query<{ id: string; unit_id: string; version: number; handler: string }>(
      `SELECT id::text, unit_id::text, version, handler FROM ledger_window_case WHERE id = ANY($1::bigint[])`,
      [ids],
    );
    expect(rows.length).toBe(ids.length);
    for (const row of rows) {
      const acks = byRow.get(row.id)!.sort((a, b) => a.version - b.version);
      const last = acks.at(-1)!;
      // two acknowledgements of one version would be a lost update; each took the version one step on
      expect(
        acks.map((a) => a.version),
        `row ${row.id}`,
      ).toEqual(acks.map((_, i) => i + 2));
      expect({ version: row.version, handler: row.handler, unit: row.unit_id }, `row ${row.id}`).toEqual({
        version: last.version,
        handler: last.handler,
        unit: unitOfClerk.get(last.clerk),
      });
    }

    const history = await product.db.query<{ row_id: string; version: number; handler: string }>(
      `SELECT row_id::text, version, new_values->>'handler' AS handler FROM row_history
        WHERE ledger_key = 'window_case' AND op = 'update' AND row_id = ANY($1::bigint[])`,
      [ids],
    );
    const recorded = history.map((h) => `${h.row_id}@${h.version}:${h.handler}`).sort();
    expect(recorded).toEqual(load.updates.map((u) => `${u.id}@${u.version}:${u.handler}`).sort());
  });

  it('answers a stale version as a conflict with the newer row, and only then', () => {
    const conflicts = load.requests.filter((r) => r.outcome === 'conflict');
    // the driver counts a conflict only when the answer carried a newer version than the one sent
    expect(conflicts.every((r) => r.op === 'update')).toBe(true);
    const updates = load.requests.filter((r) => r.op === 'update');
    expect(load.updates.length + conflicts.length).toBe(updates.length);
  });

  it("shows each clerk only its own unit's rows", async () => {
    const seen = load.reads.flatMap((read) => read.rows.map((row) => ({ ...row, clerk: read.clerk })));
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((row) => row.unitId !== unitOfClerk.get(row.clerk)).slice(0, 5)).toEqual([]);
    // and by the database's own record of each row's unit, not only the answer's
    const units = new Map(
      (
        await product.db.query<{ id: string; unit_id: string }>(
          `SELECT id::text, unit_id::text FROM ledger_window_case WHERE id = ANY($1::bigint[])`,
          [[...new Set(seen.map((row) => row.id))]],
        )
      ).map((r) => [r.id, r.unit_id]),
    );
    expect(seen.filter((row) => units.get(row.id) !== unitOfClerk.get(row.clerk)).slice(0, 5)).toEqual([]);
  });
});
