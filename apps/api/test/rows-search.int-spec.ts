import { readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelOf, SEARCH_MANY_MATCHES, type LedgerDefinition } from '@taizhang/ledger-core';
import { inlineParameters } from '../src/ledger-tables/sql-literals';
import type { UnitScope } from '../src/ledger-tables/row-scope';
import { pageStatements } from '../src/rows/rows.service';
import { startTestApi, type TestApi } from './api-harness';

/**
 * The rows query's search (issue 22, docs/grid.md "Search"): Chinese substrings of a ledger's
 * text fields, `%`/`_`/`\` as themselves, combined with filter, sort, period and unit, paged and
 * counted, kept up to date by every save, and never past the caller's units.
 */
const SAVE = `mutation ($ledger: String!, $unitId: ID, $changes: [RowChangeInput!]!) {
  saveRows(ledger: $ledger, unitId: $unitId, changes: $changes) { saved rejected results { row { id version } } } }`;
const ROWS = `query ($unitId: ID, $search: String, $filter: JSON, $orderBy: [OrderInput!], $first: Int, $after: String) {
  rows(ledger: "window_case", unitId: $unitId, search: $search, filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount edges { node { id unitId values } } pageInfo { endCursor hasNextPage } } }`;

type Page = {
  rows: {
    totalCount: number;
    edges: { node: { id: string; unitId: string; values: Record<string, unknown> } }[];
    pageInfo: { endCursor: string | null; hasNextPage: boolean };
  };
};

let t: TestApi;
let admin: string;
let clerk01: string;
let clerk02: string;
const unit: Record<string, string> = {};

const aCase = (caseNo: string, applicant: string, extra: Record<string, unknown> = {}) => ({
  op: 'INSERT',
  values: {
    case_no: caseNo,
    accepted_at: '2026-12-01T09:00:00+08:00',
    service_item: '社保卡补办',
    applicant,
    status: '受理',
    ...extra,
  },
});

/** The rows of clerk01's unit, read as the owner: what a search must find, computed without it. */
const ownRows = () =>
  t.db.query<{
    id: string;
    case_no: string;
    applicant: string;
    service_item: string;
    phone: string | null;
    remark: string | null;
  }>(
    `SELECT id::text, case_no, applicant, service_item, phone, remark FROM ledger_window_case
      WHERE unit_id = $1 AND deleted_at IS NULL ORDER BY id`,
    [unit.xz01],
  );

async function search(variables: Record<string, unknown>, token = clerk01, language?: string) {
  return t.gql<Page>(ROWS, variables, { token, language });
}
async function found(variables: Record<string, unknown>, token = clerk01): Promise<Page['rows']> {
  const answer = await search(variables, token);
  expect(answer.errors).toBeUndefined();
  return answer.data!.rows;
}
const caseNos = (page: Page['rows']) => page.edges.map((e) => e.node.values.case_no).sort();

async function save(token: string, changes: unknown[]) {
  const answer = await t.gql<{ saveRows: { saved: number; results: { row: { id: string; version: number } }[] } }>(
    SAVE,
    { ledger: 'window_case', changes },
    { token },
  );
  expect(answer.errors).toBeUndefined();
  expect(answer.data!.saveRows.saved).toBe(changes.length);
  return answer.data!.saveRows.results.map((r) => r.row);
}

beforeAll(async () => {
  t = await startTestApi();
  [admin, clerk01, clerk02] = await Promise.all([t.signIn('admin'), t.signIn('clerk01'), t.signIn('clerk02')]);
  for (const r of await t.db.query<{ id: number; code: string }>(
    `SELECT id, code FROM units WHERE code IN ('xz01', 'xz02')`,
  ))
    unit[r.code] = String(r.id);
  await save(clerk01, [
    aCase('SS-001', '王建华'),
    aCase('SS-002', '李建国', { remark: '完成率100%' }),
    aCase('SS-003', '张建华', { service_item: '不动产登记', status: '办理中' }),
    aCase('SS-004', '赵六', { remark: '完成率1000，编号a_b' }),
    aCase('SS-005', '周建华', { remark: '路径 C:\\证照\\扫描件' }),
    aCase('SS-006', '孙七', { phone: '13803731234' }),
    aCase('ss-007', '吴建华'),
  ]);
  // another unit's rows that match every search below
  await save(clerk02, [
    aCase('XX-001', '钱建华', { remark: '完成率100%，a_b，C:\\证照' }),
    aCase('XX-002', '郑建华', { phone: '13803731234' }),
  ]);
});
afterAll(() => t?.close());

describe('rows with a search', () => {
  it('finds the rows whose text fields contain a Chinese substring, and counts them', async () => {
    const expected = (await ownRows()).filter((r) => r.applicant.includes('建华')).map((r) => r.case_no);
    expect(expected.length).toBe(4);
    const page = await found({ search: '建华' });
    expect(page.totalCount).toBe(expected.length);
    expect(caseNos(page)).toEqual([...expected].sort());
    // a service item, one character, and letters in either case
    expect(caseNos(await found({ search: '不动产' }))).toEqual(['SS-003']);
    expect((await found({ search: '华' })).totalCount).toBe(4);
    expect((await found({ search: 'ss-00' })).totalCount).toBe(7);
    expect(caseNos(await found({ search: 'SS-007' }))).toEqual(['ss-007']);
    // a phone number is text; numbers and dates are not searched
    expect(caseNos(await found({ search: '0373123' }))).toEqual(['SS-006']);
    expect((await found({ search: '2026-12-01' })).totalCount).toBe(0);
  });

  it('takes %, _ and \\ as themselves', async () => {
    expect(caseNos(await found({ search: '100%' }))).toEqual(['SS-002']);
    expect(caseNos(await found({ search: 'a_b' }))).toEqual(['SS-004']);
    expect((await found({ search: '_' })).totalCount).toBe(1);
    expect((await found({ search: '%' })).totalCount).toBe(1);
    expect(caseNos(await found({ search: 'C:\\证照' }))).toEqual(['SS-005']);
    expect(caseNos(await found({ search: '\\' }))).toEqual(['SS-005']);
  });

  it("never gives a clerk another unit's rows, even when they match; an admin sees every unit's", async () => {
    for (const text of ['建华', '100%', 'a_b', '13803731234', 'XX-00']) {
      const page = await found({ search: text });
      expect(page.edges.every((e) => e.node.unitId === unit.xz01)).toBe(true);
      expect(page.edges.some((e) => String(e.node.values.case_no).startsWith('XX'))).toBe(false);
    }
    expect((await found({ search: 'XX-00' })).totalCount).toBe(0);
    // naming another unit is refused, as rows refuses it
    const other = await search({ search: '建华', unitId: unit.xz02 });
    expect(other.errors![0].extensions!.code).toBe('FORBIDDEN');
    const all = await found({ search: '建华' }, admin);
    expect(all.totalCount).toBe(6);
    expect(new Set(all.edges.map((e) => e.node.unitId))).toEqual(new Set([unit.xz01, unit.xz02]));
    const one = await found({ search: '建华', unitId: unit.xz02 }, admin);
    expect(caseNos(one)).toEqual(['XX-001', 'XX-002']);
  });

  it('combines with the filter and the sort, and pages as rows does', async () => {
    const filtered = await found({ search: '建华', filter: { status: '办理中' } });
    expect(caseNos(filtered)).toEqual(['SS-003']);
    const sorted = await found({ search: '建华', orderBy: [{ field: 'case_no', desc: true }], first: 2 });
    expect(sorted.totalCount).toBe(4);
    expect(sorted.edges.map((e) => e.node.values.case_no)).toEqual(['ss-007', 'SS-005']);
    expect(sorted.pageInfo.hasNextPage).toBe(true);
    const next = await found({
      search: '建华',
      orderBy: [{ field: 'case_no', desc: true }],
      first: 2,
      after: sorted.pageInfo.endCursor,
    });
    expect(next.edges.map((e) => e.node.values.case_no)).toEqual(['SS-003', 'SS-001']);
    expect(next.pageInfo.hasNextPage).toBe(false);
    // blank is no search
    expect((await found({ search: '   ' })).totalCount).toBe((await ownRows()).length);
  });

  it('pages a word in every row in id order both ways, from the search table, with the same rows and count as reading them', async () => {
    // '建' is in one applicant of four; 'S' (case-insensitive) is in every case number of the unit:
    // both take the page of keys from the search table (nothing but the search narrows them),
    // through the GIN index while the search table has no statistics, and once it has them (a word
    // expected in many rows) by walking the rows in id order
    const shareOf = (text: string) =>
      t.db.withClient(async (client: pg.PoolClient) => {
        await client.query(
          `BEGIN READ ONLY; SELECT set_config('taizhang.all_units', 'on', true), set_config('taizhang.unit_ids', '', true)`,
        );
        try {
          const [{ fn }] = (
            await client.query(
              `SELECT proname AS fn FROM pg_proc WHERE proname LIKE 'tze\\_%' AND prosrc LIKE '%ledger_window_case__search%'`,
            )
          ).rows as { fn: string }[];
          return Number((await client.query(`SELECT "${fn}"($1) AS share`, [text])).rows[0].share);
        } finally {
          await client.query('ROLLBACK');
        }
      });
    const cases = [
      ['s', clerk01, unit.xz01],
      ['建', clerk01, unit.xz01],
      ['s', admin, null],
      ['-00', admin, unit.xz02],
    ] as const;
    for (const analyzed of [false, true]) {
      if (analyzed) {
        await t.db.query('ANALYZE ledger_window_case__search');
        expect(await shareOf('s')).toBeGreaterThan(SEARCH_MANY_MATCHES);
      }
      for (const [text, token, unitId] of cases) {
        const where = unitId === null ? '' : `unit_id = ${Number(unitId)} AND `;
        const expected = (
          await t.db.query<{ id: string }>(
            `SELECT id::text FROM ledger_window_case WHERE ${where}deleted_at IS NULL
              AND lower(concat_ws(chr(31), case_no, service_item, applicant, phone, handler, remark)) LIKE '%' || $1 || '%'
            ORDER BY id`,
            [text],
          )
        ).map((r) => r.id);
        expect(expected.length).toBeGreaterThan(1);
        for (const desc of [false, true]) {
          const ids: string[] = [];
          let after: string | null = null;
          for (let pages = 0; pages < 20; pages += 1) {
            const page: Page['rows'] = await found(
              { search: text, unitId, first: 2, after, orderBy: desc ? [{ field: 'id', desc: true }] : null },
              token,
            );
            expect(page.totalCount).toBe(expected.length);
            ids.push(...page.edges.map((e) => e.node.id));
            if (!page.pageInfo.hasNextPage) break;
            after = page.pageInfo.endCursor;
          }
          expect(ids).toEqual(desc ? [...expected].reverse() : expected);
        }
      }
    }
  });

  it('looks a longer word up by those of its grams that are not in most rows, and still finds every match', async () => {
    await t.db.query('ANALYZE ledger_window_case__search');
    const selective = async (text: string) =>
      (
        await t.db.query<{ grams: string[] }>(
          `SELECT taizhang_search_selective_grams(taizhang_search_needle_grams($1), 'ledger_window_case__search_grams') AS grams`,
          [text],
        )
      )[0].grams;
    // ss- and s-0 are in 7 of the 9 rows, -00 in all of them, 003 in one
    expect(await selective('ss-003')).toEqual(['003']);
    // all of them common: the rarest is kept; a word of up to three characters is its own gram
    expect(await selective('ss-00')).toEqual(['s-0']);
    expect(await selective('-00')).toEqual(['-00']);
    expect(caseNos(await found({ search: 'SS-003' }))).toEqual(['SS-003']);
    expect((await found({ search: 'ss-00' })).totalCount).toBe(7);
    expect((await found({ search: 'XX-00' }, admin)).totalCount).toBe(2);
  });

  it('picks the rows of a common word by their texts as those of a rare word by their keys: the same pages and counts', async () => {
    const model = modelOf(
      JSON.parse(
        readFileSync(path.resolve(__dirname, '../../../schemas/window_case.json'), 'utf8'),
      ) as LedgerDefinition,
    );
    /** The page's ids and the count, as the row role in `scope`. */
    const read = (scope: UnitScope, statements: ReturnType<typeof pageStatements>) =>
      t.db.withClient(async (client: pg.PoolClient) => {
        await client.query('BEGIN READ ONLY');
        try {
          await client.query(
            `SELECT set_config('role', 'taizhang_rows', true), set_config('taizhang.all_units', $1, true),
                    set_config('taizhang.unit_ids', $2, true)`,
            ['all' in scope ? 'on' : 'off', 'all' in scope ? '' : scope.units.join(',')],
          );
          const [page, count] = await Promise.all(
            statements.map((s) => client.query(inlineParameters(s.sql, s.params ?? [])!)),
          );
          return { ids: page.rows.map((r) => String(r.id)), total: Number(count.rows[0].n), sql: statements[0].sql };
        } finally {
          await client.query('ROLLBACK');
        }
      });
    let compared = 0;
    const scope = { units: [Number(unit.xz01)] };
    const everyUnit: UnitScope = { all: true };
    const queries: [UnitScope, Parameters<typeof pageStatements>[2]][] = [
      [scope, { search: '建华', filter: { status: '办理中' } }],
      [scope, { search: 's', filter: { status: { ne: '办理中' } }, orderBy: [{ field: 'accepted_at', desc: false }] }],
      [scope, { search: '100%', orderBy: [{ field: 'accepted_at', desc: true }] }],
      [scope, { search: 'a_b', filter: { status: '受理' } }],
      [scope, { search: 'C:\\证照', filter: { status: { ne: '退回' } }, orderBy: [{ field: 'id', desc: true }] }],
      [
        scope,
        { search: 'SS-00', filter: { applicant: { contains: '建' } }, orderBy: [{ field: 'accepted_at', desc: true }] },
      ],
      [scope, { search: '建', orderBy: [{ field: 'accepted_at', desc: true }] }],
      [scope, { search: '社保', filter: { status: '受理' }, orderBy: [{ field: 'accepted_at', desc: false }] }],
      // every unit's rows: walked on (id) and (<date> …, id); counted by their keys
      [everyUnit, { search: '建华', filter: { status: '受理' } }],
      [everyUnit, { search: '建', orderBy: [{ field: 'accepted_at', desc: true }] }],
      [
        everyUnit,
        { search: '社保', filter: { status: { ne: '退回' } }, orderBy: [{ field: 'accepted_at', desc: false }] },
      ],
      [everyUnit, { search: 's', filter: { status: { ne: '办理中' } }, orderBy: [{ field: 'id', desc: true }] }],
    ];
    for (const [queryScope, query] of queries) {
      const byKeys = await read(queryScope, pageStatements(model, queryScope, query, 3, 0, 0));
      const byText = await read(queryScope, pageStatements(model, queryScope, query, 3, 0, SEARCH_MANY_MATCHES * 2));
      expect(byKeys.sql).toMatch(/"tzq_[0-9a-f]{8}"/);
      expect(byText.sql).not.toMatch(/"tzq_[0-9a-f]{8}"/);
      expect(byText.sql).toContain('LIKE');
      expect({ query, ids: byText.ids, total: byText.total }).toEqual({ query, ids: byKeys.ids, total: byKeys.total });
      if (byKeys.ids.length > 0) compared += 1;
    }
    // no index gives a few units' rows of many, or one unit's by a text column, in order: those keep the keys
    const kept: [UnitScope, Parameters<typeof pageStatements>[2]][] = [
      [{ units: [Number(unit.xz01), Number(unit.xz02)] }, { search: '建华', filter: { status: '受理' } }],
      [scope, { search: '建华', orderBy: [{ field: 'case_no', desc: false }] }],
      [everyUnit, { search: '建华', orderBy: [{ field: 'case_no', desc: false }] }],
    ];
    for (const [keptScope, query] of kept) {
      const [page] = pageStatements(model, keptScope, query, 3, 0, SEARCH_MANY_MATCHES * 2);
      expect(page.sql).toMatch(/"tzq_[0-9a-f]{8}"/);
    }
    expect(compared).toBeGreaterThanOrEqual(9);
  });

  it('follows every save: a changed text, a deleted row, a restored one', async () => {
    const [row] = (await found({ search: '孙七' })).edges;
    await t.gql(
      SAVE,
      {
        ledger: 'window_case',
        changes: [{ op: 'UPDATE', id: row.node.id, version: 1, values: { applicant: '孙建华' } }],
      },
      { token: clerk01 },
    );
    expect((await found({ search: '孙七' })).totalCount).toBe(0);
    expect((await found({ search: '孙建华' })).totalCount).toBe(1);
    // a change of a field that is not searched keeps the row found
    await t.gql(
      SAVE,
      {
        ledger: 'window_case',
        changes: [{ op: 'UPDATE', id: row.node.id, version: 2, values: { promised_days: 3 } }],
      },
      { token: clerk01 },
    );
    expect((await found({ search: '孙建华' })).totalCount).toBe(1);
    await t.gql(
      SAVE,
      { ledger: 'window_case', changes: [{ op: 'DELETE', id: row.node.id, version: 3 }] },
      { token: clerk01 },
    );
    expect((await found({ search: '孙建华' })).totalCount).toBe(0);
    const restored = await t.gql(
      `mutation ($id: ID!) { restoreRow(ledger: "window_case", id: $id) { id } }`,
      { id: row.node.id },
      { token: clerk01 },
    );
    expect(restored.errors).toBeUndefined();
    expect((await found({ search: '孙建华' })).totalCount).toBe(1);
  });

  it('refuses a search too long, in Chinese and in English', async () => {
    const long = '建'.repeat(101);
    const zh = await search({ search: long });
    expect(zh.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      errors: [{ path: 'search', message: '搜索内容最多 100 个字' }],
    });
    const en = await search({ search: long }, clerk01, 'en');
    expect(en.errors![0].message).toBe('A search is at most 100 characters');
    expect((await found({ search: '建'.repeat(100) })).totalCount).toBe(0);
  });
});
