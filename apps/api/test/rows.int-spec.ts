import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handTyped } from '@taizhang/testing';
import { startTestApi, type TestApi } from './api-harness';

const SAVE = `mutation ($ledger: String!, $unitId: ID, $period: String, $changes: [RowChangeInput!]!, $all: Boolean) {
  saveRows(ledger: $ledger, unitId: $unitId, period: $period, changes: $changes, allOrNothing: $all) {
    saved rejected conflicts
    results { index status row { id version period values } errors { path message } current { version values } }
  }
}`;
const ROWS = `query ($ledger: String!, $unitId: ID, $period: String, $filter: JSON, $orderBy: [OrderInput!], $first: Int, $after: String) {
  rows(ledger: $ledger, unitId: $unitId, period: $period, filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount edges { cursor node { id unitId period version values } } pageInfo { endCursor hasNextPage }
  }
}`;
const report = (date: string, cases: number, followUps: number, dissatisfied = 0) =>
  handTyped({ op: 'INSERT', values: { report_date: date, cases, follow_ups: followUps, dissatisfied } });

let t: TestApi;
let clerk01: string;
let clerk02: string;
let admin: string;
let unit01: string;
beforeAll(async () => {
  t = await startTestApi();
  [clerk01, clerk02, admin] = await Promise.all([t.signIn('clerk01'), t.signIn('clerk02'), t.signIn('admin')]);
  unit01 = String((await t.db.query<{ id: number }>(`SELECT id FROM units WHERE code = 'xz01'`))[0].id);
});
afterAll(() => t?.close());

describe('saving a batch', () => {
  it('keeps the good rows and names the field and reason of each bad one, in Chinese', async () => {
    const response = await t.gql(
      SAVE,
      {
        ledger: 'daily_followup',
        changes: [
          report('2023-03-01', 10, 8, 1),
          report('2023-03-02', 5, 7),
          handTyped({ op: 'INSERT', values: { report_date: '2023-03-03', cases: 'many' } }),
          report('2023-03-04', 4, 4),
        ],
      },
      { token: clerk01 },
    );
    expect(response.errors).toBeUndefined();
    const result = response.data!.saveRows;
    expect(result).toMatchObject({ saved: 2, rejected: 2, conflicts: 0 });
    expect(result.results.map((r: { status: string }) => r.status)).toEqual(['SAVED', 'REJECTED', 'REJECTED', 'SAVED']);
    expect(result.results[0].row).toMatchObject({
      version: 1,
      period: '2023-03-01',
      values: { cases: 10, follow_ups: 8, follow_up_rate: 0.8, dissatisfied: 1, qr_good_reviews: 0 },
    });
    expect(result.results[1].errors).toEqual([{ path: 'follow_ups', message: '当日回访量不能大于当日办件量' }]);
    expect(result.results[2].errors).toEqual(expect.arrayContaining([{ path: 'cases', message: '应为整数' }]));
    const stored = await t.db.query(
      `SELECT report_date::text AS d, cases::int AS cases, follow_up_rate::float AS rate FROM ledger_daily_followup ORDER BY report_date`,
    );
    expect(stored).toEqual([
      { d: '2023-03-01', cases: 10, rate: 0.8 },
      { d: '2023-03-04', cases: 4, rate: 1 },
    ]);
  });

  it('answers in English when asked', async () => {
    const response = await t.gql(
      SAVE,
      { ledger: 'daily_followup', changes: [report('2023-03-05', 1, 2)] },
      { token: clerk01, language: 'en' },
    );
    expect(response.data!.saveRows.results[0].errors[0].message).toMatch(/^[\x20-\x7e]+$/);
  });

  it('saves nothing of a batch with an error when all-or-nothing is asked', async () => {
    const response = await t.gql(
      SAVE,
      { ledger: 'daily_followup', all: true, changes: [report('2023-03-06', 3, 3), report('2023-03-07', 1, 2)] },
      { token: clerk01 },
    );
    expect(response.data!.saveRows).toMatchObject({ saved: 0, rejected: 2 });
    expect(await t.db.query(`SELECT 1 FROM ledger_daily_followup WHERE report_date = '2023-03-06'`)).toEqual([]);
  });

  it('refuses a date already reported by the unit, and a date twice in one batch', async () => {
    const response = await t.gql(
      SAVE,
      {
        ledger: 'daily_followup',
        changes: [report('2023-03-01', 1, 1), report('2023-03-08', 1, 1), report('2023-03-08', 2, 2)],
      },
      { token: clerk01 },
    );
    const results = response.data!.saveRows.results;
    expect(results.map((r: { status: string }) => r.status)).toEqual(['REJECTED', 'SAVED', 'REJECTED']);
    expect(results[0].errors[0]).toEqual({ path: 'report_date', message: '本单位已有相同的「日期」' });
    expect(results[2].errors[0].message).toBe('「日期」与本批第 2 行重复');
    // another unit may report the same day
    const other = await t.gql(
      SAVE,
      { ledger: 'daily_followup', changes: [report('2023-03-01', 6, 6)] },
      { token: clerk02 },
    );
    expect(other.data!.saveRows.saved).toBe(1);
  });
});

describe('reading', () => {
  it('pages, filters and sorts the unit’s rows with typed values', async () => {
    const page1 = await t.gql(
      ROWS,
      { ledger: 'daily_followup', filter: { cases: { gte: 2 } }, orderBy: [{ field: 'cases', desc: true }], first: 2 },
      { token: clerk01 },
    );
    expect(page1.errors).toBeUndefined();
    const rows = page1.data!.rows;
    expect(rows.totalCount).toBe(2);
    expect(rows.edges.map((e: { node: { values: { cases: number } } }) => e.node.values.cases)).toEqual([10, 4]);
    expect(rows.edges[0].node).toMatchObject({
      unitId: unit01,
      values: { report_date: '2023-03-01', follow_up_rate: 0.8 },
    });
    expect(rows.pageInfo.hasNextPage).toBe(false);

    const first = await t.gql(
      ROWS,
      { ledger: 'daily_followup', orderBy: [{ field: 'report_date' }], first: 1 },
      { token: clerk01 },
    );
    expect(first.data!.rows.pageInfo.hasNextPage).toBe(true);
    const second = await t.gql(
      ROWS,
      {
        ledger: 'daily_followup',
        orderBy: [{ field: 'report_date' }],
        first: 1,
        after: first.data!.rows.pageInfo.endCursor,
      },
      { token: clerk01 },
    );
    expect(second.data!.rows.edges[0].node.values.report_date).toBe('2023-03-04');
  });

  it('reads a window at any position of the order with offset, and refuses a bad one by name', async () => {
    const OFFSET_ROWS = ROWS.replace('$after: String)', '$after: String, $offset: Int)').replace(
      'after: $after)',
      'after: $after, offset: $offset)',
    );
    const byDate = { ledger: 'daily_followup', orderBy: [{ field: 'report_date' }] };
    const all = await t.gql(OFFSET_ROWS, { ...byDate, first: 100 }, { token: clerk01 });
    const dates = all.data!.rows.edges.map(
      (e: { node: { values: { report_date: string } } }) => e.node.values.report_date,
    );
    expect(dates.length).toBeGreaterThanOrEqual(2);
    const window = await t.gql(OFFSET_ROWS, { ...byDate, first: 1, offset: 1 }, { token: clerk01 });
    expect(window.errors).toBeUndefined();
    const page = window.data!.rows;
    expect(page.edges.map((e: { node: { values: { report_date: string } } }) => e.node.values.report_date)).toEqual([
      dates[1],
    ]);
    expect(page.totalCount).toBe(dates.length);
    expect(page.pageInfo.hasNextPage).toBe(dates.length > 2);
    // the cursors go on from the window: the row after it
    if (dates.length > 2) {
      const next = await t.gql(
        OFFSET_ROWS,
        { ...byDate, first: 1, after: page.pageInfo.endCursor },
        { token: clerk01 },
      );
      expect(next.data!.rows.edges[0].node.values.report_date).toBe(dates[2]);
    }
    // past the end: an empty page that still counts the rows
    const past = await t.gql(OFFSET_ROWS, { ...byDate, first: 5, offset: 1000 }, { token: clerk01 });
    expect(past.data!.rows).toMatchObject({ totalCount: dates.length, edges: [], pageInfo: { hasNextPage: false } });
    const bad = await t.gql(OFFSET_ROWS, { ...byDate, offset: -1 }, { token: clerk01 });
    expect(bad.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      errors: [{ path: 'offset', message: '起始位置须为 0 至 999999999 的整数' }],
    });
  });

  it.each([
    [{ nosuch: 1 }, 'filter.nosuch', '未知字段「nosuch」'],
    [
      { cases: { between: [1, 2] } },
      'filter.cases.between',
      '未知的筛选运算「between」（可用：eq、ne、gt、gte、lt、lte、in、contains、empty）',
    ],
    [{ cases: 'x"; drop table units; --' }, 'filter.cases.eq', '应为整数'],
    [{ report_date: { gt: '2023-02-30' } }, 'filter.report_date.gt', '「2023-02-30」不是有效日期（YYYY-MM-DD）'],
  ])('refuses the filter %j with a clear BAD_USER_INPUT', async (filter, path, message) => {
    const response = await t.gql(ROWS, { ledger: 'daily_followup', filter }, { token: clerk01 });
    expect(response.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', errors: [{ path, message }] });
  });

  it.each(['nope', 'toString', '__proto__', 'constructor'])(
    'refuses sorting by %s, which is no field',
    async (field) => {
      const response = await t.gql(ROWS, { ledger: 'daily_followup', orderBy: [{ field }] }, { token: clerk01 });
      expect(response.errors![0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        errors: [{ path: 'orderBy.0.field' }],
      });
    },
  );

  it.each(['toString', 'constructor', 'hasOwnProperty'])(
    'refuses the filter key %s, which is no field',
    async (key) => {
      const response = await t.gql(ROWS, { ledger: 'daily_followup', filter: { [key]: 1 } }, { token: clerk01 });
      expect(response.errors![0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        errors: [{ path: `filter.${key}` }],
      });
    },
  );
});

describe('two people editing one sheet', () => {
  it('refuses a stale write as a conflict with the other person’s values, and loses neither', async () => {
    const created = await t.gql(
      SAVE,
      { ledger: 'daily_followup', changes: [report('2023-03-10', 10, 5)] },
      { token: clerk01 },
    );
    const { id, version } = created.data!.saveRows.results[0].row;
    const secondSession = await t.signIn('clerk01');
    const mine = await t.gql(
      SAVE,
      { ledger: 'daily_followup', changes: [handTyped({ op: 'UPDATE', id, version, values: { follow_ups: 7 } })] },
      { token: clerk01 },
    );
    expect(mine.data!.saveRows.results[0]).toMatchObject({
      status: 'SAVED',
      row: { version: 2, values: { follow_ups: 7, cases: 10, follow_up_rate: 0.7 } },
    });
    const theirs = await t.gql(
      SAVE,
      { ledger: 'daily_followup', changes: [handTyped({ op: 'UPDATE', id, version, values: { follow_ups: 9 } })] },
      { token: secondSession },
    );
    expect(theirs.data!.saveRows.results[0]).toMatchObject({
      status: 'CONFLICT',
      current: { version: 2, values: { follow_ups: 7 } },
    });
    expect(theirs.data!.saveRows.conflicts).toBe(1);
    // taking the current version, the second edit goes through
    const retried = await t.gql(
      SAVE,
      { ledger: 'daily_followup', changes: [handTyped({ op: 'UPDATE', id, version: 2, values: { follow_ups: 9 } })] },
      { token: secondSession },
    );
    expect(retried.data!.saveRows.results[0].row).toMatchObject({ version: 3, values: { follow_ups: 9 } });
  });
});

describe('history and restore', () => {
  it('records every change with who and what, and brings a deleted row back', async () => {
    const created = await t.gql(
      SAVE,
      { ledger: 'daily_followup', changes: [report('2023-03-11', 3, 1)] },
      { token: clerk01 },
    );
    const { id } = created.data!.saveRows.results[0].row;
    await t.gql(
      SAVE,
      { ledger: 'daily_followup', changes: [handTyped({ op: 'UPDATE', id, version: 1, values: { follow_ups: 2 } })] },
      { token: clerk01 },
    );
    const deleted = await t.gql(
      SAVE,
      { ledger: 'daily_followup', changes: [{ op: 'DELETE', id, version: 2 }] },
      { token: clerk01 },
    );
    expect(deleted.data!.saveRows.results[0].status).toBe('SAVED');
    expect(
      (await t.gql(ROWS, { ledger: 'daily_followup', filter: { report_date: '2023-03-11' } }, { token: clerk01 })).data!
        .rows.totalCount,
    ).toBe(0);

    const history = await t.gql(
      `{ rowHistory(ledger: "daily_followup", id: "${id}") { op version changedBy oldValues newValues } }`,
      {},
      { token: clerk01 },
    );
    expect(history.data!.rowHistory.map((h: { op: string }) => h.op)).toEqual(['insert', 'update', 'delete']);
    expect(history.data!.rowHistory[0]).toMatchObject({
      version: 1,
      changedBy: 'clerk01',
      newValues: { cases: 3, follow_ups: 1 },
    });
    // rates are kept to 15 significant digits
    expect(history.data!.rowHistory[1]).toMatchObject({
      version: 2,
      oldValues: { follow_ups: 1, follow_up_rate: Number((1 / 3).toPrecision(15)) },
      newValues: { follow_ups: 2, follow_up_rate: Number((2 / 3).toPrecision(15)) },
    });

    const restored = await t.gql(
      `mutation { restoreRow(ledger: "daily_followup", id: "${id}") { version values } }`,
      {},
      { token: clerk01 },
    );
    expect(restored.data!.restoreRow).toMatchObject({ version: 4, values: { follow_ups: 2 } });
    expect(
      (await t.gql(ROWS, { ledger: 'daily_followup', filter: { report_date: '2023-03-11' } }, { token: clerk01 })).data!
        .rows.totalCount,
    ).toBe(1);
  });
});

describe('unit isolation', () => {
  let rowId: string;
  beforeAll(async () => {
    const created = await t.gql(
      SAVE,
      { ledger: 'daily_followup', changes: [report('2023-03-20', 8, 8)] },
      { token: clerk01 },
    );
    rowId = created.data!.saveRows.results[0].row.id;
  });

  it("never shows a clerk another unit's rows", async () => {
    expect(
      (await t.gql(ROWS, { ledger: 'daily_followup', unitId: unit01 }, { token: clerk02 })).errors![0].extensions!.code,
    ).toBe('FORBIDDEN');
    const own = await t.gql(ROWS, { ledger: 'daily_followup', first: 1000 }, { token: clerk02 });
    expect(own.data!.rows.edges.every((e: { node: { unitId: string } }) => e.node.unitId !== unit01)).toBe(true);
    expect(
      (await t.gql(`{ rowHistory(ledger: "daily_followup", id: "${rowId}") { op } }`, {}, { token: clerk02 }))
        .errors![0].extensions!.code,
    ).toBe('NOT_FOUND');
  });

  it("never lets a clerk write another unit's rows, by id, by unit or by restore", async () => {
    const update = await t.gql(
      SAVE,
      {
        ledger: 'daily_followup',
        changes: [
          handTyped({ op: 'UPDATE', id: rowId, version: 1, values: { cases: 99 } }),
          { op: 'DELETE', id: rowId, version: 1 },
        ],
      },
      { token: clerk02 },
    );
    expect(update.data!.saveRows.results.map((r: { status: string }) => r.status)).toEqual(['REJECTED', 'REJECTED']);
    expect(
      (
        await t.gql(
          SAVE,
          { ledger: 'daily_followup', unitId: unit01, changes: [report('2023-03-21', 1, 1)] },
          { token: clerk02 },
        )
      ).errors![0].extensions!.code,
    ).toBe('FORBIDDEN');
    expect(
      (await t.gql(`mutation { restoreRow(ledger: "daily_followup", id: "${rowId}") { id } }`, {}, { token: clerk02 }))
        .errors![0].extensions!.code,
    ).toBe('NOT_FOUND');
    expect(
      await t.db.query(`SELECT cases::int AS cases, deleted_at FROM ledger_daily_followup WHERE id = $1`, [rowId]),
    ).toEqual([{ cases: 8, deleted_at: null }]);
  });

  it('holds in the database too: the row role sees only the units set for the transaction', async () => {
    const [other] = await t.db.query<{ id: number }>(`SELECT id FROM units WHERE code = 'xz02'`);
    const countAs = (units: string) =>
      t.db.withClient(async (client) => {
        await client.query('BEGIN');
        try {
          await client.query('SET LOCAL ROLE taizhang_rows');
          await client.query(`SELECT set_config('taizhang.unit_ids', $1, true)`, [units]);
          // no WHERE on the unit: row-level security alone decides
          const { rows } = await client.query(
            `SELECT count(*)::int AS n, count(DISTINCT unit_id)::int AS units FROM ledger_daily_followup`,
          );
          return rows[0];
        } finally {
          await client.query('ROLLBACK');
        }
      });
    expect(await countAs(String(other.id))).toEqual({ n: 1, units: 1 });
    expect(await countAs('')).toEqual({ n: 0, units: 0 });
    const [{ n }] = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ledger_daily_followup WHERE unit_id = $1 AND deleted_at IS NULL`,
      [unit01],
    );
    expect((await countAs(unit01)).n).toBeGreaterThanOrEqual(n);
  });

  it('lets a leader read every unit but write none, and makes an admin name the unit', async () => {
    const leader = await t.signIn('leader');
    expect(
      (await t.gql(ROWS, { ledger: 'daily_followup', first: 1000 }, { token: leader })).data!.rows.totalCount,
    ).toBeGreaterThan(3);
    expect(
      (
        await t.gql(
          SAVE,
          { ledger: 'daily_followup', unitId: unit01, changes: [report('2023-03-22', 1, 1)] },
          { token: leader },
        )
      ).errors![0].extensions!.code,
    ).toBe('FORBIDDEN');
    expect(
      (await t.gql(SAVE, { ledger: 'daily_followup', changes: [report('2023-03-22', 1, 1)] }, { token: admin }))
        .errors![0].extensions!.reason,
    ).toBe('UNIT_REQUIRED');
    expect(
      (
        await t.gql(
          SAVE,
          { ledger: 'daily_followup', unitId: unit01, changes: [report('2023-03-22', 1, 1)] },
          { token: admin },
        )
      ).data!.saveRows.saved,
    ).toBe(1);
  });
});

describe('closing the loop', () => {
  const windowCase = (values: Record<string, unknown>) => ({
    op: 'INSERT',
    values: {
      case_no: 'HJ-2023-0001',
      accepted_at: '2023-03-01T09:00:00+08:00',
      service_item: '营业执照变更',
      applicant: '李四',
      phone: '13800001111',
      status: '办结',
      completed_at: '2023-03-01T10:00:00+08:00',
      handler: '王五',
      ...values,
    },
  });

  it('turns a dissatisfied follow-up visit into a rectification of the same unit, once', async () => {
    const clerk = await t.signIn('clerk15'); // 县政务服务中心综合受理窗口
    const saved = await t.gql(
      `mutation ($changes: [RowChangeInput!]!) { saveRows(ledger: "window_case", changes: $changes) { results { status row { id version } errors { message } warnings { message } } } }`,
      {
        changes: [
          windowCase({ visited_at: '2023-03-01T11:00:00+08:00', visit_method: '电话', visit_result: '不太满意' }),
        ],
      },
      { token: clerk },
    );
    const result = saved.data!.saveRows.results[0];
    expect(result.status).toBe('SAVED');
    expect(result.warnings).toEqual([{ message: '回访不满意：已自动生成整改记录' }]);
    const rectifications = await t.gql(
      `{ rows(ledger: "rectification") { totalCount edges { node { values } } } }`,
      {},
      { token: clerk },
    );
    expect(rectifications.data!.rows.totalCount).toBe(1);
    expect(rectifications.data!.rows.edges[0].node.values).toMatchObject({
      case_ref: Number(result.row.id),
      source: '回访',
      applicant: '李四',
      service_item: '营业执照变更',
      owner: '王五',
      status: '待整改',
      description: '回访结果：不太满意（办件 HJ-2023-0001）',
    });

    // saving the case again while still dissatisfied makes no second rectification
    await t.gql(
      `mutation ($changes: [RowChangeInput!]!) { saveRows(ledger: "window_case", changes: $changes) { saved } }`,
      { changes: [{ op: 'UPDATE', id: result.row.id, version: result.row.version, values: { remark: '已电话致歉' } }] },
      { token: clerk },
    );
    expect(
      (await t.gql(`{ rows(ledger: "rectification") { totalCount } }`, {}, { token: clerk })).data!.rows.totalCount,
    ).toBe(1);
  });

  it('turns a dissatisfied survey answer into a rectification with its reasons', async () => {
    const clerk = await t.signIn('clerk05');
    const saved = await t.gql(
      `mutation ($changes: [RowChangeInput!]!) { saveRows(ledger: "survey", changes: $changes) { results { status warnings { message } } } }`,
      {
        changes: [
          { op: 'INSERT', values: { q1: 'E', q7: ['A', 'H'], q11: '窗口人员态度冷淡' } },
          { op: 'INSERT', values: { q1: 'A' } },
        ],
      },
      { token: clerk },
    );
    expect(saved.data!.saveRows.results.map((r: { status: string }) => r.status)).toEqual(['SAVED', 'SAVED']);
    expect(saved.data!.saveRows.results[1].warnings).toBeNull();
    const rows = await t.gql(`{ rows(ledger: "rectification") { edges { node { values } } } }`, {}, { token: clerk });
    expect(rows.data!.rows.edges.map((e: { node: { values: unknown } }) => e.node.values)).toEqual([
      expect.objectContaining({
        source: '问卷',
        reasons: ['A', 'H'],
        description: '窗口人员态度冷淡',
        status: '待整改',
        case_ref: null,
      }),
    ]);
  });
});

describe('a batch larger than the chunks it is checked and written in', () => {
  // 9,500 days from 1990 on: all in the past, since a period still to come cannot be filled
  const day = (i: number) => new Date(Date.UTC(1990, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
  const batch = (from: number, size: number) => Array.from({ length: size }, (_, i) => report(day(from + i), 9, 3));

  it('keeps every good row of every chunk, refuses the bad ones wherever they are, and records each insert', async () => {
    const changes = batch(0, 4_500);
    changes[2_500] = report(day(2_500), 1, 2); // more follow-ups than cases
    changes[4_200] = report(day(100), 9, 3); // the date of row 101, two chunks earlier
    const response = await t.gql(SAVE, { ledger: 'daily_followup', changes }, { token: clerk01 });
    expect(response.errors).toBeUndefined();
    const { saved, rejected, results } = response.data!.saveRows;
    expect({ saved, rejected }).toEqual({ saved: 4_498, rejected: 2 });
    expect(results[2_500].errors[0].path).toBe('follow_ups');
    expect(results[4_200].errors[0].message).toBe('「日期」与本批第 101 行重复');
    const ids = results
      .filter((r: { status: string }) => r.status === 'SAVED')
      .map((r: { row: { id: string } }) => r.row.id);
    const [stored] = await t.db.query<{ rows: number; history: number }>(
      `SELECT (SELECT count(*)::int FROM ledger_daily_followup WHERE id = ANY($1)) AS rows,
              (SELECT count(*)::int FROM row_history WHERE ledger_key = 'daily_followup' AND op = 'insert' AND row_id = ANY($1)) AS history`,
      [ids],
    );
    expect(stored).toEqual({ rows: 4_498, history: 4_498 });
    // each row's history holds its own values (ids and values paired in every chunk)
    for (const i of [0, 1_999, 2_000, 4_499]) {
      const [entry] = await t.db.query<{ new_values: Record<string, unknown> }>(
        `SELECT new_values FROM row_history WHERE ledger_key = 'daily_followup' AND op = 'insert' AND row_id = $1`,
        [results[i].row.id],
      );
      expect(entry.new_values).toEqual(results[i].row.values);
      expect(entry.new_values.report_date).toBe(day(i));
    }
  });

  it('writes no chunk when all or nothing is asked and the last chunk has a bad row', async () => {
    const changes = batch(5_000, 4_500);
    changes[4_400] = report(day(9_400), 1, 2);
    const response = await t.gql(SAVE, { ledger: 'daily_followup', changes, all: true }, { token: clerk01 });
    expect(response.data!.saveRows).toMatchObject({ saved: 0, rejected: 4_500 });
    const [{ n }] = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ledger_daily_followup WHERE report_date BETWEEN $1 AND $2`,
      [day(5_000), day(9_499)],
    );
    expect(n).toBe(0);
  });
});

describe('updates and unique values', () => {
  it('refuses an update to a date another row has, keeps a row its own date, and records only what was saved', async () => {
    const created = await t.gql(
      SAVE,
      { ledger: 'daily_followup', changes: [report('2019-01-01', 5, 5), report('2019-01-02', 6, 6)] },
      { token: clerk01 },
    );
    expect(created.data!.saveRows.results.map((r: { errors: unknown }) => r.errors)).toEqual([null, null]);
    const [first, second] = created.data!.saveRows.results.map((r: { row: { id: string } }) => r.row.id);
    const update = (values: Record<string, unknown>, version = 1) =>
      t.gql(
        SAVE,
        { ledger: 'daily_followup', changes: [handTyped({ op: 'UPDATE', id: second, version, values })] },
        { token: clerk01 },
      );
    const taken = (await update({ report_date: '2019-01-01' })).data!.saveRows.results[0];
    expect(taken).toMatchObject({
      status: 'REJECTED',
      errors: [{ path: 'report_date', message: '本单位已有相同的「日期」' }],
    });
    const kept = (await update({ cases: 8 })).data!.saveRows.results[0];
    expect(kept).toMatchObject({
      status: 'SAVED',
      row: { version: 2, values: { report_date: '2019-01-02', cases: 8 } },
    });
    const stale = (await update({ cases: 9 })).data!.saveRows.results[0];
    expect(stale).toMatchObject({ status: 'CONFLICT', current: { version: 2, values: { cases: 8 } } });

    const history = await t.gql(
      `{ rowHistory(ledger: "daily_followup", id: "${second}") { op version oldValues newValues } }`,
      {},
      { token: clerk01 },
    );
    expect(history.data!.rowHistory).toEqual([
      expect.objectContaining({ op: 'insert', version: 1 }),
      {
        op: 'update',
        version: 2,
        oldValues: { cases: 6, follow_up_rate: 1 },
        newValues: { cases: 8, follow_up_rate: 0.75 },
      },
    ]);
    expect(first).not.toBe(second);
  });
});
