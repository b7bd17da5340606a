import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { everyUnitOrderIndexName, modelOf, unitOrderIndexName, type LedgerDefinition } from '@taizhang/ledger-core';
import { handTyped } from '@taizhang/testing';
import type { QueryRunner } from 'typeorm';
import { ReadPaths1765300000200 } from '../src/database/migrations/1765300000200-read-paths';
import { EveryUnitOrder1765600000000 } from '../src/database/migrations/1765600000000-every-unit-order';
import { pageStatements } from '../src/rows/rows.service';
import { inlineParameters } from '../src/ledger-tables/sql-literals';
import { startTestApi, type TestApi } from './api-harness';

/**
 * Issue 25, the read path: the indexes a ledger's own reads need (a unit's rows in its date
 * order, and in each field marked `index`), a page that reads only its rows, a total counted on
 * its own and only when asked, and the row-level security functions safe in parallel plans.
 * Plans are checked by their shape (which index, no sort), never by their time.
 */
const PUBLISH = `mutation ($d: JSON!) { publishLedger(definition: $d) { key version } }`;
const SAVE = `mutation ($ledger: String!, $unitId: ID, $changes: [RowChangeInput!]!) {
  saveRows(ledger: $ledger, unitId: $unitId, changes: $changes) { saved rejected } }`;
const ROWS = `query ($ledger: String!, $unitId: ID, $filter: JSON, $orderBy: [OrderInput!], $first: Int, $after: String) {
  rows(ledger: $ledger, unitId: $unitId, filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount edges { node { id unitId values } } pageInfo { endCursor hasNextPage } } }`;

const probe: LedgerDefinition = {
  key: 'read_probe',
  title: '读路径探针',
  fields: [
    { key: 'day', title: '日期', type: 'date', required: true },
    { key: 'cases', title: '办件量', type: 'integer', min: 0 },
    { key: 'status', title: '状态', type: 'text' },
  ],
};
const withStatusIndexed = (on: boolean): LedgerDefinition => ({
  ...probe,
  fields: probe.fields.map((f) => (f.key === 'status' && on ? { ...f, index: true } : f)),
});

let t: TestApi;
let admin: string;
let clerk01: string;
let clerk02: string;
let unit01: number;
let unit02: number;

const indexesOf = async (table: string) =>
  new Map(
    (
      await t.db.query<{ indexname: string; indexdef: string }>(
        `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1`,
        [table],
      )
    ).map((r) => [r.indexname, r.indexdef]),
  );

/** The JSON plan of `sql` as the product reads: the row role, under row-level security, in `units` (every unit: 'all'). */
async function planAsRowRole(sql: string, units: number[] | 'all'): Promise<string> {
  return t.db.withClient(async (client: pg.PoolClient) => {
    await client.query('BEGIN READ ONLY');
    try {
      await client.query(
        `SELECT set_config('role', 'taizhang_rows', true), set_config('taizhang.unit_ids', $1, true),
                set_config('taizhang.all_units', $2, true)`,
        units === 'all' ? ['', 'on'] : [units.join(','), 'off'],
      );
      const [{ 'QUERY PLAN': plan }] = (await client.query(`EXPLAIN (FORMAT JSON) ${sql}`)).rows;
      return JSON.stringify(plan);
    } finally {
      await client.query('ROLLBACK');
    }
  });
}

beforeAll(async () => {
  t = await startTestApi();
  [admin, clerk01, clerk02] = await Promise.all([t.signIn('admin'), t.signIn('clerk01'), t.signIn('clerk02')]);
  const units = await t.db.query<{ id: number }>(`SELECT id FROM units WHERE code IN ('xz01', 'xz02') ORDER BY code`);
  [unit01, unit02] = units.map((u) => u.id);
  const published = await t.gql(PUBLISH, { d: probe }, { token: admin });
  expect(published.errors).toBeUndefined();
}, 60_000);
afterAll(() => t?.close());

describe("the indexes of a ledger's access paths", () => {
  it("gives a new ledger table the (unit_id, <date> DESC, id) index of a unit's newest rows, over live rows", async () => {
    const indexes = await indexesOf('ledger_read_probe');
    const name = unitOrderIndexName('ledger_read_probe', 'day');
    expect(indexes.get(name)).toMatch(/\(unit_id, day DESC NULLS LAST, id DESC\) WHERE \(deleted_at IS NULL\)$/);
    // a field not marked `index` has none
    expect(indexes.has(unitOrderIndexName('ledger_read_probe', 'status'))).toBe(false);
  });

  it('gives the seeded ledgers theirs: the daily report by its period field', async () => {
    const indexes = await indexesOf('ledger_daily_followup');
    expect(indexes.get(unitOrderIndexName('ledger_daily_followup', 'report_date'))).toMatch(
      /\(unit_id, report_date DESC NULLS LAST, id DESC\) WHERE \(deleted_at IS NULL\)$/,
    );
  });

  it('adds the index of a field marked `index` by a table change, and drops it when the mark goes', async () => {
    const name = unitOrderIndexName('ledger_read_probe', 'status');
    const marked = await t.gql(PUBLISH, { d: withStatusIndexed(true) }, { token: admin });
    expect(marked.errors).toBeUndefined();
    expect((await indexesOf('ledger_read_probe')).get(name)).toMatch(/\(unit_id, status DESC NULLS LAST, id DESC\)/);
    const [change] = await t.db.query<{ actions: { kind: string }[] }>(
      `SELECT actions FROM ledger_migrations WHERE ledger_key = 'read_probe' ORDER BY to_version DESC LIMIT 1`,
    );
    expect(change.actions.map((a) => a.kind)).toEqual(['changeIndexes']);

    const unmarked = await t.gql(PUBLISH, { d: withStatusIndexed(false) }, { token: admin });
    expect(unmarked.errors).toBeUndefined();
    const indexes = await indexesOf('ledger_read_probe');
    expect(indexes.has(name)).toBe(false);
    expect(indexes.has(unitOrderIndexName('ledger_read_probe', 'day'))).toBe(true);
  });

  it('gives a table made before unit order existed its date index by the migration, and marks it in the stored state', async () => {
    const name = unitOrderIndexName('ledger_read_probe', 'day');
    // as such a table was: no index, a stored state that does not know the property
    await t.db.query(`DROP INDEX "${name}"`);
    await t.db.query(
      `UPDATE ledgers SET state = jsonb_set(state, '{columns}', (SELECT jsonb_agg(c #- '{constraints,unitOrdered}') FROM jsonb_array_elements(state->'columns') c))
        WHERE key = 'read_probe'`,
    );
    await new ReadPaths1765300000200().up({
      query: (sql: string, params?: unknown[]) => t.db.query(sql, params),
    } as QueryRunner);
    expect((await indexesOf('ledger_read_probe')).get(name)).toMatch(
      /\(unit_id, day DESC NULLS LAST, id DESC\) WHERE \(deleted_at IS NULL\)$/,
    );
    const [{ state }] = await t.db.query<{
      state: { columns: { column: string; constraints: { unitOrdered?: boolean } }[] };
    }>(`SELECT state FROM ledgers WHERE key = 'read_probe'`);
    expect(state.columns.map((c) => [c.column, Boolean(c.constraints.unitOrdered)])).toEqual([
      ['day', true],
      ['cases', false],
      ['status', false],
    ]);
    // and the next publish (only its title changed) makes no table change
    const again = await t.gql(PUBLISH, { d: { ...probe, title: '读路径探针（再）' } }, { token: admin });
    expect(again.errors).toBeUndefined();
    const [last] = await t.db.query<{ actions: unknown[] }>(
      `SELECT actions FROM ledger_migrations WHERE ledger_key = 'read_probe' ORDER BY to_version DESC LIMIT 1`,
    );
    expect(last.actions).toEqual([]);
  });

  it('reads a page of one unit in date order by an index scan that stops at its limit, and counts from the index alone', async () => {
    // enough rows that a sequential scan and a sort would be the planner's choice without the index
    const others = (await t.db.query<{ id: number }>(`SELECT id FROM units ORDER BY id LIMIT 8`)).map((u) => u.id);
    await t.db.query(
      `INSERT INTO ledger_read_probe (unit_id, def_version, day, cases, status)
       SELECT u, 1, date '2000-01-01' + i, i % 50, CASE WHEN i % 3 = 0 THEN '办结' ELSE '在办' END
         FROM unnest($1::int[]) AS u, generate_series(0, 4999) AS i`,
      [[...new Set([unit01, unit02, ...others])]],
    );
    await t.db.query('VACUUM ANALYZE ledger_read_probe');
    const model = modelOf(probe);
    const [page, count] = pageStatements(
      model,
      { units: [unit01] },
      { orderBy: [{ field: 'day', desc: true }] },
      500,
      0,
    );
    const index = unitOrderIndexName('ledger_read_probe', 'day');
    const pagePlan = await planAsRowRole(inlineParameters(page.sql, page.params ?? [])!, [unit01]);
    expect(pagePlan).toContain('"Node Type":"Limit"');
    expect(pagePlan).toContain(`"Index Name":"${index}"`);
    expect(pagePlan).not.toContain('"Node Type":"Sort"');
    expect(pagePlan).not.toContain('Seq Scan');
    const countPlan = await planAsRowRole(inlineParameters(count.sql, count.params ?? [])!, [unit01]);
    expect(countPlan).toContain('"Node Type":"Index Only Scan"');
    // the date's index or the narrower one of every table's live rows by id, both over live rows only
    expect(countPlan).toMatch(new RegExp(`"Index Name":"(${index}|ledger_read_probe_live_idx)"`));
  });

  /** The plan of a page of 500 of unit01 in `orderBy`, as the row role. */
  const pagePlanOf = async (model: ReturnType<typeof modelOf>, orderBy: { field: string; desc: boolean }[]) => {
    const [page] = pageStatements(model, { units: [unit01] }, { orderBy }, 500, 0);
    return { sql: page.sql, plan: await planAsRowRole(inlineParameters(page.sql, page.params ?? [])!, [unit01]) };
  };

  /**
   * The rows a plan's Sort nodes expect: an ascending page is read in two parts on the index
   * (filled cells backward, then the empty ones; rows/far-rows.ts) and only those ≤ 501 keys are
   * sorted into one page, never the unit's rows.
   */
  const sortedRows = (plan: string): number[] => {
    const rows: number[] = [];
    const walk = (node: Record<string, unknown>) => {
      if (node['Node Type'] === 'Sort') rows.push(Number(node['Plan Rows']));
      for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
    };
    for (const { Plan } of JSON.parse(plan) as { Plan: Record<string, unknown> }[]) walk(Plan);
    return rows;
  };

  it('serves the date order both ways from the one index: newest first its forward scan, oldest first its backward scan, no Sort of the unit', async () => {
    const index = unitOrderIndexName('ledger_read_probe', 'day');
    const newest = await pagePlanOf(modelOf(probe), [{ field: 'day', desc: true }]);
    expect(newest.sql).toContain('ORDER BY t."day" DESC NULLS LAST, t.id DESC');
    const oldest = await pagePlanOf(modelOf(probe), [{ field: 'day', desc: false }]);
    for (const { plan } of [newest, oldest]) {
      expect(plan).toContain('"Node Type":"Limit"');
      expect(plan).toContain(`"Index Name":"${index}"`);
      expect(sortedRows(plan).every((n) => n <= 502)).toBe(true);
    }
    expect(newest.plan).not.toContain('"Node Type":"Sort"');
    expect(newest.plan).not.toContain('Seq Scan');
    expect(newest.plan).toContain('"Scan Direction":"Forward"');
    expect(oldest.plan).toContain('"Scan Direction":"Backward"');
  });

  it("reads a page of every unit's rows (an admin's grid) by id and in date order on every unit's indexes, no Sort of the ledger", async () => {
    const model = modelOf(probe);
    const planOf = async (orderBy: { field: string; desc: boolean }[]) => {
      const [page] = pageStatements(model, { all: true }, { orderBy }, 500, 0);
      return planAsRowRole(inlineParameters(page.sql, page.params ?? [])!, 'all');
    };
    const dayIndex = everyUnitOrderIndexName('ledger_read_probe', 'day');
    const plans = {
      byId: await planOf([]),
      byIdDown: await planOf([{ field: 'id', desc: true }]),
      newest: await planOf([{ field: 'day', desc: true }]),
      oldest: await planOf([{ field: 'day', desc: false }]),
    };
    for (const plan of [plans.byId, plans.byIdDown]) {
      expect(plan).toContain('"Index Name":"ledger_read_probe_all_live_idx"');
      expect(plan).not.toContain('"Node Type":"Sort"');
    }
    for (const plan of [plans.newest, plans.oldest]) {
      expect(plan).toContain(`"Index Name":"${dayIndex}"`);
      expect(sortedRows(plan).every((n) => n <= 502)).toBe(true);
    }
    expect(plans.newest).not.toContain('"Node Type":"Sort"');
    for (const plan of [plans.byId, plans.byIdDown, plans.newest]) expect(plan).not.toContain('Seq Scan');
  });

  it("gives a table made before every unit's indexes existed both by the migration", async () => {
    const made = [everyUnitOrderIndexName('ledger_read_probe', 'day'), 'ledger_read_probe_all_live_idx'];
    for (const name of made) await t.db.query(`DROP INDEX "${name}"`);
    await new EveryUnitOrder1765600000000().up({
      query: (sql: string, params?: unknown[]) => t.db.query(sql, params),
    } as QueryRunner);
    const indexes = await indexesOf('ledger_read_probe');
    expect(indexes.get(made[0])).toMatch(/\(day DESC NULLS LAST, id DESC\) WHERE \(deleted_at IS NULL\)$/);
    expect(indexes.get(made[1])).toMatch(/\(id\) WHERE \(deleted_at IS NULL\)$/);
  });

  it('serves a field marked `index` both ways from its own index, with no Sort', async () => {
    const marked = await t.gql(PUBLISH, { d: withStatusIndexed(true) }, { token: admin });
    expect(marked.errors).toBeUndefined();
    try {
      await t.db.query('ANALYZE ledger_read_probe');
      const index = unitOrderIndexName('ledger_read_probe', 'status');
      const model = modelOf(withStatusIndexed(true));
      const down = await pagePlanOf(model, [{ field: 'status', desc: true }]);
      const up = await pagePlanOf(model, [{ field: 'status', desc: false }]);
      for (const { plan } of [down, up]) {
        expect(plan).toContain('"Node Type":"Limit"');
        expect(plan).toContain(`"Index Name":"${index}"`);
        expect(sortedRows(plan).every((n) => n <= 502)).toBe(true);
      }
      expect(down.plan).not.toContain('"Node Type":"Sort"');
      expect(down.plan).toContain('"Scan Direction":"Forward"');
      expect(up.plan).toContain('"Scan Direction":"Backward"');
    } finally {
      const unmarked = await t.gql(PUBLISH, { d: withStatusIndexed(false) }, { token: admin });
      expect(unmarked.errors).toBeUndefined();
    }
    // without the mark a status sort has no index of its own: a Sort (what the mark buys)
    const plain = await pagePlanOf(modelOf(probe), [{ field: 'status', desc: false }]);
    expect(plain.plan).toContain('"Node Type":"Sort"');
  });

  it('puts an empty cell last both ways', async () => {
    const ledger = 'read_probe';
    const saved = await t.gql(
      SAVE,
      {
        ledger,
        unitId: String(unit02),
        changes: [handTyped({ op: 'INSERT', values: { day: '1990-01-01', cases: 1 } })],
      },
      { token: admin },
    );
    expect(saved.errors).toBeUndefined();
    const [{ id: empty }] = await t.db.query<{ id: string }>(
      `SELECT id::text FROM ledger_read_probe WHERE unit_id = $1 AND day = '1990-01-01'`,
      [unit02],
    );
    const page = async (field: string, desc: boolean, after: number) => {
      const answer = await t.gql(
        ROWS,
        {
          ledger,
          unitId: String(unit02),
          first: 1,
          after: Buffer.from(`o:${after}`).toString('base64url'),
          orderBy: [{ field, desc }],
        },
        { token: admin },
      );
      expect(answer.errors).toBeUndefined();
      const [edge] = answer.data!.rows.edges as { node: { id: string; values: Record<string, unknown> } }[];
      return { total: answer.data!.rows.totalCount as number, node: edge.node };
    };
    // the only row without a status: last oldest first, last newest first
    const up = await page('status', false, 0);
    expect(up.node.id).not.toBe(empty);
    const lastUp = await page('status', false, up.total - 1);
    expect(lastUp.node).toMatchObject({ id: empty, values: { status: null } });
    expect((await page('status', true, up.total - 1)).node.id).toBe(empty);
    // and the oldest day, which no other row of the unit has
    expect((await page('day', false, 0)).node.id).toBe(empty);
    expect((await page('day', true, up.total - 1)).node.id).toBe(empty);
  });
});

describe('totalCount', () => {
  const ledger = 'daily_followup';
  const report = (day: string, cases: number) =>
    handTyped({ op: 'INSERT', values: { report_date: day, cases, follow_ups: 0, dissatisfied: 0 } });
  const days = (n: number, from: number) =>
    Array.from({ length: n }, (_, i) => new Date(Date.UTC(2021, 0, from + i)).toISOString().slice(0, 10));

  beforeAll(async () => {
    // unit01: 30 reports with 0..29 cases; unit02: 12 reports with 100 cases
    const mine = await t.gql(SAVE, { ledger, changes: days(30, 1).map((d, i) => report(d, i)) }, { token: clerk01 });
    expect(mine.data?.saveRows).toEqual({ saved: 30, rejected: 0 });
    const theirs = await t.gql(SAVE, { ledger, changes: days(12, 1).map((d) => report(d, 100)) }, { token: clerk02 });
    expect(theirs.data?.saveRows).toEqual({ saved: 12, rejected: 0 });
    // one of unit01's reports deleted: not counted
    const [gone] = await t.db.query<{ id: string }>(
      `UPDATE ledger_daily_followup SET deleted_at = now() WHERE unit_id = $1 AND cases = 29 RETURNING id::text`,
      [unit01],
    );
    expect(gone).toBeDefined();
  });

  it("counts a clerk's own unit's live rows, whatever the page size and position", async () => {
    const first = await t.gql(
      ROWS,
      { ledger, first: 10, orderBy: [{ field: 'report_date', desc: true }] },
      { token: clerk01 },
    );
    expect(first.errors).toBeUndefined();
    expect(first.data!.rows.totalCount).toBe(29);
    expect(first.data!.rows.edges).toHaveLength(10);
    expect(new Set(first.data!.rows.edges.map((e: { node: { unitId: string } }) => e.node.unitId))).toEqual(
      new Set([String(unit01)]),
    );
    // newest first: the 28th day (29 cases was deleted)
    expect(first.data!.rows.edges[0].node.values).toMatchObject({ report_date: '2021-01-29', cases: 28 });
    const past = await t.gql(
      ROWS,
      { ledger, first: 10, after: Buffer.from('o:100').toString('base64url') },
      { token: clerk01 },
    );
    expect(past.data!.rows).toMatchObject({ totalCount: 29, edges: [], pageInfo: { hasNextPage: false } });
  });

  it('counts the rows a filter keeps', async () => {
    const filtered = await t.gql(ROWS, { ledger, first: 5, filter: { cases: { gte: 20 } } }, { token: clerk01 });
    expect(filtered.errors).toBeUndefined();
    // 20..28 (29 deleted): nine
    expect(filtered.data!.rows.totalCount).toBe(9);
    expect(filtered.data!.rows.pageInfo.hasNextPage).toBe(true);
    const none = await t.gql(ROWS, { ledger, filter: { cases: { gte: 1000 } } }, { token: clerk01 });
    expect(none.data!.rows).toMatchObject({ totalCount: 0, edges: [] });
  });

  it("counts the unit asked for, and every unit's rows for an admin who names none", async () => {
    const theirs = await t.gql(ROWS, { ledger, unitId: String(unit02), first: 1 }, { token: admin });
    expect(theirs.data!.rows.totalCount).toBe(12);
    const all = await t.gql(ROWS, { ledger, first: 1 }, { token: admin });
    const [{ n }] = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ledger_daily_followup WHERE deleted_at IS NULL`,
    );
    expect(all.data!.rows.totalCount).toBe(n);
    expect(n).toBeGreaterThanOrEqual(41);
    // a count alone (first: 0): no rows, and whether any lie past the position
    const counted = await t.gql(ROWS, { ledger, first: 0 }, { token: admin });
    expect(counted.data!.rows).toMatchObject({ totalCount: n, edges: [], pageInfo: { hasNextPage: true } });
    const past = await t.gql(
      ROWS,
      { ledger, first: 0, after: Buffer.from(`o:${n}`).toString('base64url') },
      { token: admin },
    );
    expect(past.data!.rows).toMatchObject({ totalCount: n, edges: [], pageInfo: { hasNextPage: false } });
    // a clerk naming another unit is refused, not counted
    const refused = await t.gql(ROWS, { ledger, unitId: String(unit02) }, { token: clerk01 });
    expect(refused.data?.rows ?? null).toBeNull();
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('answers a page without its total when the query does not ask for it, through fragments too', async () => {
    const bare = await t.gql(
      `query { rows(ledger: "daily_followup", first: 3) { edges { node { id } } pageInfo { hasNextPage } } }`,
      {},
      { token: clerk01 },
    );
    expect(bare.errors).toBeUndefined();
    expect(bare.data!.rows.edges).toHaveLength(3);
    const fragment = await t.gql(
      `query { rows(ledger: "daily_followup", first: 3) { ...page } } fragment page on RowConnection { ... on RowConnection { totalCount } }`,
      {},
      { token: clerk01 },
    );
    expect(fragment.errors).toBeUndefined();
    expect(fragment.data!.rows.totalCount).toBe(29);
  });
});

describe('row-level security in parallel plans', () => {
  it('marks the policy functions PARALLEL SAFE', async () => {
    const functions = await t.db.query<{ proname: string; proparallel: string; provolatile: string }>(
      `SELECT proname, proparallel, provolatile FROM pg_proc
        WHERE proname IN ('taizhang_all_units', 'taizhang_visible_units') ORDER BY proname`,
    );
    expect(functions).toEqual([
      { proname: 'taizhang_all_units', proparallel: 's', provolatile: 's' },
      { proname: 'taizhang_visible_units', proparallel: 's', provolatile: 's' },
    ]);
  });

  it("still shows a clerk's unit only when the count runs in parallel workers", async () => {
    const counted = await t.db.withClient(async (client: pg.PoolClient) => {
      await client.query('BEGIN READ ONLY');
      try {
        // make any table worth workers, and force a parallel plan
        await client.query(
          `SET LOCAL parallel_setup_cost = 0; SET LOCAL parallel_tuple_cost = 0; SET LOCAL min_parallel_table_scan_size = 0;
           SET LOCAL max_parallel_workers_per_gather = 2; SET LOCAL enable_indexscan = off; SET LOCAL enable_indexonlyscan = off;
           SET LOCAL enable_bitmapscan = off`,
        );
        await client.query(
          `SELECT set_config('role', 'taizhang_rows', true), set_config('taizhang.unit_ids', $1, true)`,
          [String(unit01)],
        );
        const sql = `SELECT count(*)::int AS n FROM ledger_read_probe`;
        const plan = JSON.stringify((await client.query(`EXPLAIN (FORMAT JSON) ${sql}`)).rows[0]['QUERY PLAN']);
        const [{ n }] = (await client.query(sql)).rows as { n: number }[];
        return { plan, n };
      } finally {
        await client.query('ROLLBACK');
      }
    });
    expect(counted.plan).toContain('"Node Type":"Gather"');
    expect(counted.plan).toMatch(/"Node Type":"Seq Scan","Parent Relationship":"Outer","Parallel Aware":true/);
    const [{ n }] = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ledger_read_probe WHERE unit_id = $1`,
      [unit01],
    );
    expect(n).toBe(5000);
    expect(counted.n).toBe(n);
  });
});
