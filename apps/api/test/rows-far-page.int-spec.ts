import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { modelOf, unitOrderIndexName, type LedgerDefinition } from '@taizhang/ledger-core';
import { BOUNDARY_FROM } from '../src/rows/far-rows';
import { pageStatements } from '../src/rows/rows.service';
import { inlineParameters } from '../src/ledger-tables/sql-literals';
import { startTestApi, type TestApi } from './api-harness';

/**
 * Issue 25, the grid's jump to a far row: a page at a position of BOUNDARY_FROM or more is read
 * from the key of its first row (found on the sort's index) and then by keyset, not by OFFSET.
 * It must give the same rows, in the same order, as OFFSET: on ties, on empty cells (NULLS LAST),
 * in both directions, past the end, under a filter and with deleted rows among them.
 */
const PUBLISH = `mutation ($d: JSON!) { publishLedger(definition: $d) { key version } }`;
const ROWS = `query ($ledger: String!, $unitId: ID, $filter: JSON, $orderBy: [OrderInput!], $first: Int, $offset: Int) {
  rows(ledger: $ledger, unitId: $unitId, filter: $filter, orderBy: $orderBy, first: $first, offset: $offset) {
    edges { cursor node { id } } pageInfo { hasNextPage } } }`;

const far: LedgerDefinition = {
  key: 'far_probe',
  title: '远行探针',
  fields: [
    { key: 'day', title: '日期', type: 'date' },
    { key: 'cases', title: '办件量', type: 'integer', index: true },
    { key: 'name', title: '名称', type: 'text' },
    { key: 'done', title: '办结', type: 'boolean' },
  ],
};
const ROW_COUNT = 1_700;

let t: TestApi;
let admin: string;
let clerk01: string;
let unit01: number;

beforeAll(async () => {
  t = await startTestApi();
  [admin, clerk01] = await Promise.all([t.signIn('admin'), t.signIn('clerk01')]);
  [{ id: unit01 }] = await t.db.query<{ id: number }>(`SELECT id FROM units WHERE code = 'xz01'`);
  const published = await t.gql(PUBLISH, { d: far }, { token: admin });
  expect(published.errors).toBeUndefined();
  // many ties (13 numbers, 37 names, 50 days) and empty cells in every column; a few rows deleted
  await t.db.query(
    `INSERT INTO ledger_far_probe (unit_id, def_version, day, cases, name, done, deleted_at)
     SELECT $1, 1,
            CASE WHEN n % 3 = 0 THEN NULL ELSE date '2026-01-01' + (n * 7 % 50) END,
            CASE WHEN n % 7 = 0 THEN NULL ELSE n * 5 % 13 END,
            CASE WHEN n % 5 = 0 THEN NULL ELSE 'n' || lpad((n * 11 % 37)::text, 2, '0') END,
            CASE WHEN n % 4 = 0 THEN NULL ELSE n % 2 = 0 END,
            CASE WHEN n % 97 = 0 THEN now() END
     FROM generate_series(1, $2) AS n`,
    [unit01, ROW_COUNT],
  );
  // another unit's rows, which no page of xz01 may show
  await t.db.query(
    `INSERT INTO ledger_far_probe (unit_id, def_version, day, cases, name)
     SELECT u.id, 1, date '2026-01-01', n % 13, 'n00' FROM units u, generate_series(1, 300) AS n WHERE u.code = 'xz02'`,
  );
  await t.db.query('VACUUM ANALYZE ledger_far_probe');
}, 120_000);
afterAll(() => t?.close());

/** The page as OFFSET reads it, as the table's owner: the ids the API must give. */
async function byOffset(order: { field: string; desc?: boolean } | null, offset: number, first: number, filter = '') {
  const dir = order?.desc ? 'DESC' : 'ASC';
  const orderBy = order ? `"${order.field}" ${dir} NULLS LAST, id ${dir}` : 'id ASC';
  const rows = await t.db.query<{ row_id: string }>(
    `SELECT id::text AS row_id FROM ledger_far_probe WHERE unit_id = $1 AND deleted_at IS NULL ${filter}
      ORDER BY ${orderBy} LIMIT ${first + 1} OFFSET ${offset}`,
    [unit01],
  );
  return { ids: rows.slice(0, first).map((r) => r.row_id), hasNextPage: rows.length > first };
}

const ORDERS: ({ field: string; desc?: boolean } | null)[] = [
  null,
  { field: 'cases' },
  { field: 'cases', desc: true },
  { field: 'name' },
  { field: 'name', desc: true },
  { field: 'day' },
  { field: 'day', desc: true },
  { field: 'done' },
  { field: 'done', desc: true },
];
const live = ROW_COUNT - Math.floor(ROW_COUNT / 97);

describe('a far page read from its boundary key', () => {
  it.each(ORDERS.map((order) => [order ? `${order.field} ${order.desc ? 'desc' : 'asc'}` : 'id', order] as const))(
    'gives the rows OFFSET gives, ordered by %s, on ties and empty cells',
    async (_, order) => {
      for (const offset of [
        0,
        3,
        170,
        BOUNDARY_FROM - 1,
        BOUNDARY_FROM,
        BOUNDARY_FROM + 1,
        1_234,
        1_400,
        1_450,
        live - 31,
        live - 1,
        live,
        live + 50,
      ]) {
        const answer = await t.gql(
          ROWS,
          { ledger: 'far_probe', orderBy: order ? [order] : null, first: 30, offset },
          { token: clerk01 },
        );
        expect(answer.errors).toBeUndefined();
        const page = answer.data!.rows;
        const want = await byOffset(order, offset, 30);
        expect({ offset, ids: page.edges.map((e: { node: { id: string } }) => e.node.id) }).toEqual({
          offset,
          ids: want.ids,
        });
        expect(page.pageInfo.hasNextPage).toBe(want.hasNextPage);
      }
    },
  );

  it('gives the rows OFFSET gives under a filter', async () => {
    const answer = await t.gql(
      ROWS,
      {
        ledger: 'far_probe',
        filter: { cases: { gte: 3 } },
        orderBy: [{ field: 'name', desc: true }],
        first: 40,
        offset: BOUNDARY_FROM + 7,
      },
      { token: clerk01 },
    );
    expect(answer.errors).toBeUndefined();
    const want = await byOffset({ field: 'name', desc: true }, BOUNDARY_FROM + 7, 40, 'AND cases >= 3');
    expect(want.ids.length).toBeGreaterThan(0);
    expect(answer.data!.rows.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(want.ids);
  });

  it.each(ORDERS.map((order) => [order ? `${order.field} ${order.desc ? 'desc' : 'asc'}` : 'id', order] as const))(
    'says where a row stands, ordered by %s, as OFFSET numbers it',
    async (_, order) => {
      const dir = order?.desc ? 'DESC' : 'ASC';
      const orderBy = order ? `"${order.field}" ${dir} NULLS LAST, id ${dir}` : 'id ASC';
      const numbered = await t.db.query<{ row_id: string; n: number }>(
        `SELECT id::text AS row_id, (row_number() OVER (ORDER BY ${orderBy}) - 1)::int AS n
           FROM ledger_far_probe WHERE unit_id = $1 AND deleted_at IS NULL`,
        [unit01],
      );
      // rows with each column empty and filled, the first and the last
      const picked = [0, 1, 2, 3, 5, 7, 15, 35, 700, 1_333, numbered.length - 2, numbered.length - 1];
      for (const i of picked) {
        const { row_id: id } = numbered[i];
        const want = numbered.find((r) => r.row_id === id)!.n;
        const answer = await t.gql(
          `query ($id: ID!, $orderBy: [OrderInput!]) { rowPosition(ledger: "far_probe", id: $id, orderBy: $orderBy) }`,
          { id, orderBy: order ? [order] : null },
          { token: clerk01 },
        );
        expect(answer.errors).toBeUndefined();
        expect({ id, position: answer.data!.rowPosition }).toEqual({ id, position: want });
      }
    },
  );

  it('says a deleted row, another unit’s row and a row filtered out stand nowhere', async () => {
    const [deleted] = await t.db.query<{ id: string }>(
      `SELECT id::text FROM ledger_far_probe WHERE unit_id = $1 AND deleted_at IS NOT NULL LIMIT 1`,
      [unit01],
    );
    const [other] = await t.db.query<{ id: string }>(
      `SELECT id::text FROM ledger_far_probe WHERE unit_id <> $1 LIMIT 1`,
      [unit01],
    );
    const [small] = await t.db.query<{ id: string }>(
      `SELECT id::text FROM ledger_far_probe WHERE unit_id = $1 AND deleted_at IS NULL AND cases < 3 LIMIT 1`,
      [unit01],
    );
    const POSITION = `query ($id: ID!, $filter: JSON) { rowPosition(ledger: "far_probe", id: $id, filter: $filter) }`;
    for (const [id, filter] of [
      [deleted.id, null],
      [other.id, null],
      [small.id, { cases: { gte: 3 } }],
    ] as const) {
      const answer = await t.gql(POSITION, { id, filter }, { token: clerk01 });
      expect(answer.errors).toBeUndefined();
      expect(answer.data!.rowPosition).toBeNull();
    }
  });

  /** The plan of the far page of this order, as the rows role of xz01 (EXPLAIN, JSON). */
  async function farPlan(orderBy: { field: string; desc?: boolean }[]) {
    const [page] = pageStatements(modelOf(far), { units: [unit01] }, { orderBy }, 200, BOUNDARY_FROM + 100);
    return t.db.withClient(async (client: pg.PoolClient) => {
      await client.query('BEGIN READ ONLY');
      try {
        await client.query(
          `SELECT set_config('role', 'taizhang_rows', true), set_config('taizhang.unit_ids', $1, true)`,
          [String(unit01)],
        );
        const sql = inlineParameters(page.sql, page.params ?? [])!;
        return JSON.stringify((await client.query(`EXPLAIN (FORMAT JSON) ${sql}`)).rows[0]['QUERY PLAN']);
      } finally {
        await client.query('ROLLBACK');
      }
    });
  }

  it('finds the boundary by an index-only scan of the sort’s index, and reads the page by keyset', async () => {
    const plan = await farPlan([{ field: 'cases', desc: true }]);
    // the boundary: an index-only scan; the page: the same index, the row comparison in its condition
    const index = unitOrderIndexName('ledger_far_probe', 'cases');
    expect(plan).toMatch(new RegExp(`"Node Type":"Index Only Scan",[^{}]*"Index Name":"${index}"`));
    expect(plan).toMatch(/"Index Cond":"\(\(unit_id = \d+\) AND \(ROW\(cases, id\) <= ROW\(/);
  });

  it('reads a near page of an ascending sort backward on the field’s index, without sorting the unit', async () => {
    const [page] = pageStatements(modelOf(far), { units: [unit01] }, { orderBy: [{ field: 'cases' }] }, 200, 0);
    const plan = await t.db.withClient(async (client: pg.PoolClient) => {
      const sql = inlineParameters(page.sql, page.params ?? [])!;
      return JSON.stringify((await client.query(`EXPLAIN (FORMAT JSON) ${sql}`)).rows[0]['QUERY PLAN']);
    });
    const index = unitOrderIndexName('ledger_far_probe', 'cases');
    expect(plan).toMatch(new RegExp(`"Scan Direction":"Backward","Index Name":"${index}"`));
  });

  it('finds the boundary of the grid’s own order (by id) on the live rows’ index, without visiting rows', async () => {
    const plan = await farPlan([]);
    expect(plan).toMatch(/"Node Type":"Index Only Scan",[^{}]*"Index Name":"ledger_far_probe_live_idx"/);
  });
});
