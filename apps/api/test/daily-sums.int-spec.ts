import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../src/identity/principal';
import { StatisticsService, type StatisticsQuery } from '../src/statistics/statistics.service';
import { startTestApi, type TestApi } from './api-harness';

/**
 * The daily sums (docs/scale.md "Maintained aggregates") always equal the rows: after random
 * saves, updates, deletes, restores, imports and a retype through the API, the sums' table is a
 * GROUP BY of the live rows, and statistics read from the sums answer exactly as read from the rows.
 */
const PUBLISH = 'mutation ($d: JSON!) { publishLedger(definition: $d) { key version } }';
const SAVE = `mutation ($ledger: String!, $changes: [RowChangeInput!]!) { saveRows(ledger: $ledger, changes: $changes) { saved rejected results { errors { path message } } } }`;
const RESTORE = `mutation ($ledger: String!, $id: ID!) { restoreRow(ledger: $ledger, id: $id) { id version } }`;

const DAYS = ['2023-03-01', '2023-03-02', '2023-03-08', '2023-04-01'];

function definition(key: string, retyped: boolean) {
  return {
    key,
    title: '合计校验',
    fillers: { unitKinds: ['township_centre'] },
    fields: [
      { key: 'd', title: '日期', type: 'date' },
      // the retype: a summed field's column changes type, so the sums are made again
      { key: 'a', title: '甲', type: retyped ? 'decimal' : 'integer' },
      { key: 'b', title: '乙', type: 'decimal' },
      { key: 'note', title: '备注', type: 'text' },
    ],
    measures: [
      { key: 'n', title: '条数', kind: 'count' },
      { key: 'sa', title: '甲合计', kind: 'sum', field: 'a' },
      { key: 'sb', title: '乙合计', kind: 'sum', field: 'b' },
      { key: 'r', title: '甲比乙', kind: 'ratio', numerator: 'sa', denominator: 'b' },
      { key: 'per_row', title: '每条甲', kind: 'ratio', numerator: 'a', denominator: 'n' },
      { key: 'big', title: '甲大于2', kind: 'countWhere', where: 'a > 2' },
    ],
  };
}

type Values = { d: string | null; a: number | null; b: number | null };
type Op =
  | { kind: 'insert'; unit: number; rows: Values[] }
  | { kind: 'update'; pick: number; values: Values }
  | { kind: 'delete'; pick: number }
  | { kind: 'restore'; pick: number }
  | { kind: 'import'; unit: number; rows: Values[] }
  | { kind: 'retype' };

const values: fc.Arbitrary<Values> = fc.record({
  d: fc.option(fc.constantFrom(...DAYS), { freq: 5 }),
  a: fc.option(fc.integer({ min: -5, max: 9 }), { freq: 3 }),
  b: fc.option(
    fc.integer({ min: -300, max: 900 }).map((x) => x / 100),
    { freq: 3 },
  ),
});
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    unit: fc.nat(1),
    rows: fc.array(values, { minLength: 1, maxLength: 4 }),
  }),
  fc.record({ kind: fc.constant('update' as const), pick: fc.nat(), values }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('restore' as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('import' as const),
    unit: fc.nat(1),
    rows: fc.array(values, { minLength: 1, maxLength: 3 }),
  }),
  fc.constant({ kind: 'retype' as const }),
);

let t: TestApi;
let admin: string;
let service: StatisticsService;
let leader: Principal;
let clerk: Principal;
const units: { id: number; token: string }[] = [];
beforeAll(async () => {
  t = await startTestApi();
  admin = await t.signIn('admin');
  service = t.api.app.get(StatisticsService);
  for (const code of ['xz01', 'xz02']) {
    const [user] = await t.db.query<{ id: number; username: string; unit_id: number; kind: string }>(
      `SELECT u.id, u.username, u.unit_id, n.kind FROM users u JOIN units n ON n.id = u.unit_id
        WHERE n.code = $1 AND u.role = 'clerk' ORDER BY u.id LIMIT 1`,
      [code],
    );
    units.push({ id: user.unit_id, token: await t.signIn(user.username) });
    if (code === 'xz01') {
      clerk = {
        userId: user.id,
        username: user.username,
        role: 'clerk',
        unitId: user.unit_id,
        unitKind: user.kind,
        unitCode: code,
        sessionId: 'test',
        mustChangePassword: false,
      };
    }
  }
  const [boss] = await t.db.query<{ id: number; username: string; role: Principal['role'] }>(
    `SELECT id, username, role FROM users WHERE username = 'leader'`,
  );
  leader = {
    userId: boss.id,
    username: boss.username,
    role: boss.role,
    unitId: null,
    unitKind: null,
    unitCode: null,
    sessionId: 'test',
    mustChangePassword: false,
  };
});
afterAll(() => t?.close());

const json = (v: Values) => ({ d: v.d, a: v.a, b: v.b, note: 'x' });

async function save(ledger: string, token: string, changes: unknown[]) {
  const response = await t.gql(SAVE, { ledger, changes }, { token });
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  return response.data!.saveRows as { saved: number; rejected: number };
}

async function rowsOf(table: string) {
  return t.db.query<{ id: string; unit_id: number; version: number; deleted: boolean }>(
    `SELECT id::text, unit_id, version, deleted_at IS NOT NULL AS deleted FROM ${table} ORDER BY id`,
  );
}

async function apply(ledger: string, step: Op, retyped: { done: boolean }) {
  const table = `ledger_${ledger}`;
  const rows = await rowsOf(table);
  const tokenOf = (unitId: number) => units.find((u) => u.id === unitId)!.token;
  switch (step.kind) {
    case 'insert': {
      const saved = await save(
        ledger,
        units[step.unit].token,
        step.rows.map((v) => ({ op: 'INSERT', values: json(v) })),
      );
      expect(saved.saved).toBe(step.rows.length);
      return;
    }
    case 'update': {
      const live = rows.filter((r) => !r.deleted);
      if (live.length === 0) return;
      const row = live[step.pick % live.length];
      const saved = await save(ledger, tokenOf(row.unit_id), [
        { op: 'UPDATE', id: row.id, version: row.version, values: json(step.values) },
      ]);
      expect(saved.saved).toBe(1);
      return;
    }
    case 'delete': {
      const live = rows.filter((r) => !r.deleted);
      if (live.length === 0) return;
      const row = live[step.pick % live.length];
      const saved = await save(ledger, tokenOf(row.unit_id), [{ op: 'DELETE', id: row.id, version: row.version }]);
      expect(saved.saved).toBe(1);
      return;
    }
    case 'restore': {
      const gone = rows.filter((r) => r.deleted);
      if (gone.length === 0) return;
      const row = gone[step.pick % gone.length];
      const response = await t.gql(RESTORE, { ledger, id: row.id }, { token: tokenOf(row.unit_id) });
      expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
      return;
    }
    case 'import': {
      const csv = `日期,甲,乙,备注\n${step.rows.map((v) => `${v.d ?? ''},${v.a ?? ''},${v.b ?? ''},导入`).join('\n')}\n`;
      const form = new FormData();
      form.append('file', new Blob([csv], { type: 'text/csv' }), 'rows.csv');
      const response = await fetch(`${t.url}/import/${ledger}?mode=commit`, {
        method: 'POST',
        body: form,
        headers: { authorization: `Bearer ${units[step.unit].token}` },
      });
      const body = (await response.json()) as { saved?: number };
      expect(response.status, JSON.stringify(body)).toBe(200);
      expect(body.saved, JSON.stringify(body)).toBe(step.rows.length);
      return;
    }
    case 'retype': {
      if (retyped.done) return;
      retyped.done = true;
      const response = await t.gql(PUBLISH, { d: definition(ledger, true) }, { token: admin });
      expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
      expect(response.data!.publishLedger.version).toBe(2);
      return;
    }
  }
}

/** The sums' table against a GROUP BY of the live rows, as text so that 1.50 and 1.5 compare alike. */
async function expectSumsEqualRows(ledger: string) {
  const table = `ledger_${ledger}`;
  const norm = (x: unknown) => (x === null ? null : Number(x));
  const kept = await t.db.query<Record<string, unknown>>(
    `SELECT unit_id, day::text AS day, n, s_a, c_a, s_b, c_b FROM ${table}__daily ORDER BY unit_id, day NULLS FIRST`,
  );
  const counted = await t.db.query<Record<string, unknown>>(
    `SELECT unit_id, d::text AS day, count(*) AS n, sum(a) AS s_a, count(a) AS c_a, sum(b) AS s_b, count(b) AS c_b
       FROM ${table} WHERE deleted_at IS NULL GROUP BY unit_id, d ORDER BY unit_id, d NULLS FIRST`,
  );
  const shape = (rows: Record<string, unknown>[]) =>
    rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k === 'day' ? v : norm(v)])));
  expect(shape(kept)).toEqual(shape(counted));
}

const QUERIES: Omit<StatisticsQuery, 'ledger'>[] = [
  { measures: ['n', 'sa', 'sb', 'r', 'per_row'], groupBy: [] },
  { measures: ['n', 'sa', 'sb', 'r', 'per_row'], groupBy: ['unit'] },
  { measures: ['n', 'sa', 'r'], groupBy: ['unit'], from: '2023-03-01', to: '2023-03-31' },
  { measures: ['sb', 'per_row'], groupBy: ['day'] },
  { measures: ['n', 'r'], groupBy: ['unit', 'day'], from: '2023-03-02', to: '2023-04-30' },
  { measures: ['sa', 'sb'], groupBy: ['week'] },
  { measures: ['n', 'sa', 'r'], groupBy: ['unitKind', 'month'] },
];

/** Statistics from the sums (the default) equal those read from the rows, for a leader and a clerk. */
async function expectStatisticsAlike(ledger: string) {
  for (const principal of [leader, clerk]) {
    for (const query of [...QUERIES, { ...QUERIES[1], unitIds: [String(units[1].id)] }]) {
      const q = { ledger, ...query };
      const fromSums = await service.statistics(principal, q, 'zh-CN');
      const fromRows = await service.statistics(principal, q, 'zh-CN', { source: 'rows' });
      expect(fromSums, JSON.stringify(q)).toEqual(fromRows);
    }
  }
}

describe('daily sums', () => {
  let run = 0;
  it('equal the live rows after random saves, updates, deletes, restores, imports and a retype', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 3, maxLength: 10 }), async (steps) => {
        run += 1;
        const ledger = `sums_probe_${run}`;
        const published = await t.gql(PUBLISH, { d: definition(ledger, false) }, { token: admin });
        expect(published.errors, JSON.stringify(published.errors)).toBeUndefined();
        const retyped = { done: false };
        for (const step of steps) await apply(ledger, step, retyped);
        await expectSumsEqualRows(ledger);
        await expectStatisticsAlike(ledger);
      }),
      { numRuns: 6 },
    );
  });

  it('are what statistics read: sums made wrong on purpose show in the answer, and a publish makes them right', async () => {
    const ledger = 'sums_probe_read';
    await t.gql(PUBLISH, { d: definition(ledger, false) }, { token: admin });
    await save(ledger, units[0].token, [{ op: 'INSERT', values: json({ d: DAYS[0], a: 3, b: 1.5 }) }]);
    const query = { ledger, measures: ['n', 'sa'], groupBy: [] };
    const before = await service.statistics(leader, query, 'zh-CN');
    expect(before.totals.map((m) => m.value)).toEqual([1, 3]);
    await t.db.query(`UPDATE ledger_${ledger}__daily SET n = n + 100`);
    const wrong = await service.statistics(leader, query, 'zh-CN');
    expect(wrong.totals.map((m) => m.value)).toEqual([101, 3]);
    // a countWhere is not answered from the sums: it reads the rows
    const rows = await service.statistics(leader, { ...query, measures: ['n', 'big'] }, 'zh-CN');
    expect(rows.totals.map((m) => m.value)).toEqual([1, 1]);
    // a retype of the summed field remakes them from the rows, in the publish
    await t.gql(PUBLISH, { d: definition(ledger, true) }, { token: admin });
    await expectSumsEqualRows(ledger);
  });
});
