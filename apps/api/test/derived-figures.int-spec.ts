import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-harness';

/**
 * Figures derived from another ledger (issue 24, docs/ledger-language.md "Figures from another
 * ledger"): a daily report whose counts are measures of a case ledger for the same unit and day.
 * A month of cases for 20 units, then their daily sheets: every figure equals the test's own
 * count (cases just before and after midnight in Asia/Shanghai included); the figures follow the
 * cases until the sheet is submitted and are frozen then; an override needs a reason; a case
 * entered after the submission shows in reconciliation with the difference and the row.
 */
const SAVE = `mutation ($ledger: String!, $unitId: ID, $changes: [RowChangeInput!]!) {
  saveRows(ledger: $ledger, unitId: $unitId, changes: $changes) {
    saved results { status errors { path message } warnings { path message } row { id version values overrides } } } }`;
const ROWS = `query ($unitId: ID) { rows(ledger: "fig_daily", unitId: $unitId, first: 1000) {
  edges { node { id version unitId values overrides } } } }`;
const SHEET = `query ($unitId: ID, $period: String!) { sheet(ledger: "fig_daily", unitId: $unitId, period: $period) {
  state rowCount derived figures { field title value live difference overridden reason sourceLedger } } }`;
const BOARD = `query ($period: String!) { submissionBoard(ledger: "fig_daily", period: $period) {
  counts { overridden differing } sheets { unit { id } figures { field value live difference overridden } } } }`;
const RECONCILE = `query ($from: String!, $to: String!, $unitId: ID) { reconciliation(ledger: "fig_daily", from: $from, to: $to, unitId: $unitId) {
  unit { id } period figure { field value live difference } changedRows { ledger id label } } }`;
const PUBLISH = 'mutation ($d: JSON!) { publishLedger(definition: $d) { key version } }';

const SOURCE = {
  key: 'fig_case',
  title: { zh: '测试办件', en: 'Test cases' },
  fillers: { unitKinds: ['township_centre', 'service_window'] },
  display: 'case_no',
  fields: [
    { key: 'case_no', title: { zh: '办件编号', en: 'Case no.' }, type: 'text', required: true },
    {
      key: 'status',
      title: { zh: '办理状态', en: 'Status' },
      type: 'choice',
      options: [{ value: '办结' }, { value: '办理中' }],
    },
    { key: 'completed_at', title: { zh: '办结时间', en: 'Completed at' }, type: 'datetime' },
    { key: 'visited_at', title: { zh: '回访时间', en: 'Visited at' }, type: 'datetime' },
    { key: 'result', title: { zh: '回访结果', en: 'Result' }, type: 'text' },
  ],
  measures: [
    { key: 'completed', title: { zh: '办结量', en: 'Completed' }, kind: 'countWhere', where: 'status = "办结"' },
    {
      key: 'visited',
      title: { zh: '回访量', en: 'Visited' },
      kind: 'countWhere',
      where: 'status = "办结" and not isblank(visited_at)',
    },
    { key: 'unhappy', title: { zh: '不满意量', en: 'Dissatisfied' }, kind: 'countWhere', where: 'result = "不满意"' },
  ],
};
const derive = (measure: string) => ({ ledger: 'fig_case', measure, date: 'completed_at' });
const HOLDER = {
  key: 'fig_daily',
  title: { zh: '测试日报', en: 'Test daily report' },
  fillers: { unitKinds: ['township_centre', 'service_window'] },
  period: 'daily',
  periodField: 'report_date',
  fields: [
    { key: 'report_date', title: { zh: '日期', en: 'Date' }, type: 'date', required: true, unique: true },
    {
      key: 'cases',
      title: { zh: '当日办件量', en: 'Cases today' },
      type: 'integer',
      min: 0,
      derive: derive('completed'),
    },
    {
      key: 'follow_ups',
      title: { zh: '当日回访量', en: 'Follow-ups today' },
      type: 'integer',
      derive: derive('visited'),
    },
    {
      key: 'rate',
      title: { zh: '当日回访率', en: 'Rate' },
      type: 'percent',
      formula: 'if(cases > 0, follow_ups / cases, null)',
    },
    { key: 'unhappy', title: { zh: '不满意量', en: 'Dissatisfied' }, type: 'integer', derive: derive('unhappy') },
    { key: 'qr', title: { zh: '二维码好评', en: 'QR reviews' }, type: 'integer', min: 0 },
  ],
  measures: [{ key: 'cases', title: { zh: '办件量', en: 'Cases' }, kind: 'sum', field: 'cases' }],
  rules: [
    {
      key: 'followups_le_cases',
      level: 'error',
      check: 'follow_ups <= cases',
      message: { zh: '当日回访量不能大于当日办件量', en: 'Follow-ups cannot exceed cases' },
      fields: ['follow_ups'],
    },
  ],
};

type Row = {
  id: string;
  version: number;
  unitId: string;
  values: Record<string, unknown>;
  overrides: Record<string, { reason: string; derived: number }> | null;
};
type Result = { status: string; errors: { path: string; message: string }[] | null; row: Row | null };

let t: TestApi;
let admin: string;
let units: { id: string; code: string }[];

const save = async (ledger: string, unitId: string | null, changes: unknown[], token = admin, language?: string) => {
  const answer = await t.gql<{ saveRows: { saved: number; results: Result[] } }>(
    SAVE,
    { ledger, unitId, changes },
    { token, language },
  );
  expect(answer.errors).toBeUndefined();
  return answer.data!.saveRows;
};
const dailyRows = async (unitId: string) => {
  const answer = await t.gql<{ rows: { edges: { node: Row }[] } }>(ROWS, { unitId }, { token: admin });
  expect(answer.errors).toBeUndefined();
  return answer.data!.rows.edges.map((e) => e.node);
};
const rowOn = async (unitId: string, day: string) =>
  (await dailyRows(unitId)).find((r) => r.values.report_date === day)!;

/** Days of November 2026; a case's time in Shanghai on a day, as an instant. */
const DAYS = Array.from({ length: 30 }, (_, i) => `2026-11-${String(i + 1).padStart(2, '0')}`);
const at = (day: string, time: string) => `${day}T${time}+08:00`;

interface TestCase {
  unit: string;
  status: string;
  completed: string | null;
  visited: string | null;
  result: string | null;
}
const cases: TestCase[] = [];

/** The test's own count: a case counts on the Shanghai calendar day of its completion. */
function expected(unit: string, day: string) {
  const mine = cases.filter((c) => c.unit === unit && c.completed && shanghaiDay(c.completed) === day);
  const done = mine.filter((c) => c.status === '办结');
  return {
    cases: done.length,
    follow_ups: done.filter((c) => c.visited).length,
    unhappy: mine.filter((c) => c.result === '不满意').length,
  };
}
const shanghaiDay = (instant: string) => new Date(Date.parse(instant) + 8 * 3_600_000).toISOString().slice(0, 10);

beforeAll(async () => {
  t = await startTestApi();
  admin = await t.signIn('admin');
  for (const d of [SOURCE, HOLDER]) {
    const published = await t.gql(PUBLISH, { d }, { token: admin });
    expect(published.errors).toBeUndefined();
  }
  const all = (
    await t.gql<{ units: { id: string; code: string; kind: string }[] }>(
      '{ units { id code kind } }',
      {},
      { token: admin },
    )
  ).data!.units;
  units = all.filter((u) => u.kind === 'township_centre' || u.kind === 'service_window').slice(0, 20);
  expect(units).toHaveLength(20);
  // a month of cases for each of 20 units: some completed just before or just after midnight in
  // Shanghai, some still open, some not visited, a few dissatisfied
  let n = 0;
  for (const [u, unit] of units.entries()) {
    const mine: TestCase[] = [];
    for (const [d, day] of DAYS.entries()) {
      const count = (u + d) % 4;
      for (let i = 0; i < count; i += 1) {
        n += 1;
        const time = i === 0 ? '23:59:30' : i === 1 ? '00:00:30' : '10:15:00';
        const open = (u + d + i) % 7 === 0;
        mine.push({
          unit: unit.id,
          status: open ? '办理中' : '办结',
          completed: open ? null : at(day, time),
          visited: open || n % 5 === 0 ? null : at(day, '23:59:59'),
          result: n % 11 === 0 ? '不满意' : '满意',
        });
      }
    }
    cases.push(...mine);
    const saved = await save(
      'fig_case',
      unit.id,
      mine.map((c, i) => ({
        op: 'INSERT',
        values: {
          case_no: `${unit.code}-${i + 1}`,
          status: c.status,
          completed_at: c.completed,
          visited_at: c.visited,
          result: c.result,
        },
      })),
    );
    expect(saved.saved).toBe(mine.length);
    // then the month's daily sheets, the clerk typing only the date and the QR count
    const sheets = await save(
      'fig_daily',
      unit.id,
      DAYS.map((day) => ({ op: 'INSERT', values: { report_date: day, qr: 1 } })),
    );
    expect(sheets.results.filter((r) => r.status !== 'SAVED')).toEqual([]);
  }
}, 240_000);
afterAll(() => t?.close());

describe('a daily sheet fills its counts from the case ledger', () => {
  it('gives every unit and day exactly the test’s own count, midnight in Shanghai included', async () => {
    let compared = 0;
    for (const unit of units) {
      const rows = await dailyRows(unit.id);
      expect(rows).toHaveLength(DAYS.length);
      for (const row of rows) {
        const want = expected(unit.id, row.values.report_date as string);
        expect({
          day: row.values.report_date,
          cases: row.values.cases,
          follow_ups: row.values.follow_ups,
          unhappy: row.values.unhappy,
        }).toEqual({
          day: row.values.report_date,
          ...want,
        });
        // the formula over derived figures is computed with them
        if (want.cases === 0) expect(row.values.rate).toBeNull();
        else expect(row.values.rate).toBeCloseTo(want.follow_ups / want.cases, 10);
        compared += 1;
      }
    }
    expect(compared).toBe(600);
    // the midnight cases did land on both sides: some unit has a case at 23:59:30 and one at 00:00:30
    expect(cases.some((c) => c.completed?.endsWith('23:59:30+08:00'))).toBe(true);
    expect(cases.some((c) => c.completed?.endsWith('00:00:30+08:00'))).toBe(true);
  });

  it('follows the cases while the sheet is open: a case moved to another day moves both days', async () => {
    const unit = units[5];
    const [a, b] = ['2026-11-10', '2026-11-11'];
    const before = [await rowOn(unit.id, a), await rowOn(unit.id, b)];
    const saved = await save('fig_case', unit.id, [
      {
        op: 'INSERT',
        values: { case_no: 'moved-1', status: '办结', completed_at: at(a, '12:00:00'), visited_at: at(a, '13:00:00') },
      },
    ]);
    const id = saved.results[0].row!.id;
    expect((await rowOn(unit.id, a)).values.cases).toBe((before[0].values.cases as number) + 1);
    expect((await rowOn(unit.id, a)).values.follow_ups).toBe((before[0].values.follow_ups as number) + 1);
    await save('fig_case', unit.id, [{ op: 'UPDATE', id, version: 1, values: { completed_at: at(b, '00:00:01') } }]);
    expect((await rowOn(unit.id, a)).values.cases).toBe(before[0].values.cases);
    expect((await rowOn(unit.id, b)).values.cases).toBe((before[1].values.cases as number) + 1);
    // a delete takes it away again; the rate follows
    await save('fig_case', unit.id, [{ op: 'DELETE', id, version: 2 }]);
    const after = await rowOn(unit.id, b);
    expect(after.values.cases).toBe(before[1].values.cases);
    expect(after.values.rate).toBe(before[1].values.rate);
    // another unit's sheet never moved
    expect((await rowOn(units[6].id, b)).values).toEqual((await rowOn(units[6].id, b)).values);
  });
});

describe('an override', () => {
  it('needs a reason, keeps the clerk’s figure and the reason, and is cleared by an empty value', async () => {
    const unit = units[7];
    const day = '2026-11-12';
    const row = await rowOn(unit.id, day);
    const derived = row.values.cases as number;
    const refused = await save('fig_daily', unit.id, [
      { op: 'UPDATE', id: row.id, version: row.version, values: { cases: derived + 2 } },
    ]);
    expect(refused.results[0].status).toBe('REJECTED');
    expect(refused.results[0].errors![0]).toMatchObject({ path: 'cases' });
    expect(refused.results[0].errors![0].message).toContain('需填写调整原因');
    const english = await save(
      'fig_daily',
      unit.id,
      [{ op: 'UPDATE', id: row.id, version: row.version, values: { cases: derived + 2 } }],
      admin,
      'en',
    );
    expect(english.results[0].errors![0].message).toContain('needs a reason');
    // sending back what it shows is no change
    const same = await save('fig_daily', unit.id, [
      { op: 'UPDATE', id: row.id, version: row.version, values: { cases: derived, qr: 3 } },
    ]);
    expect(same.results[0].status).toBe('SAVED');

    const reason = '系统停电期间线下受理 2 件';
    const overridden = await save('fig_daily', unit.id, [
      {
        op: 'UPDATE',
        id: row.id,
        version: row.version + 1,
        values: { cases: derived + 2 },
        reasons: { cases: reason },
      },
    ]);
    expect(overridden.results[0].status).toBe('SAVED');
    expect(overridden.results[0].row!.values.cases).toBe(derived + 2);
    expect(overridden.results[0].row!.overrides).toMatchObject({ cases: { reason, derived } });
    // a new case of that day moves the other figures, not the overridden one
    await save('fig_case', unit.id, [
      {
        op: 'INSERT',
        values: {
          case_no: 'late-1',
          status: '办结',
          completed_at: at(day, '15:00:00'),
          visited_at: at(day, '16:00:00'),
        },
      },
    ]);
    const now = await rowOn(unit.id, day);
    expect(now.values.cases).toBe(derived + 2);
    expect(now.values.follow_ups).toBe((row.values.follow_ups as number) + 1);
    expect(now.overrides).toMatchObject({ cases: { reason } });
    const board = await t.gql(BOARD, { period: day }, { token: admin });
    expect(board.errors).toBeUndefined();
    expect(board.data!.submissionBoard.counts.overridden).toBe(1);
    const sheet = board.data!.submissionBoard.sheets.find((s: { unit: { id: string } }) => s.unit.id === unit.id);
    expect(sheet.figures.find((f: { field: string }) => f.field === 'cases')).toMatchObject({
      overridden: true,
      value: derived + 2,
      live: derived + 1,
    });
    // statistics count the figure as set, and say where it was set by hand and why
    const stats = await t.gql(
      `query ($d: String!, $u: [ID!]) { statistics(ledger: "fig_daily", measures: ["cases"], groupBy: ["unit"], from: $d, to: $d, unitIds: $u) {
        rows { values { value } } overrides { unitId period field reason measures value derived } } }`,
      { d: day, u: [unit.id] },
      { token: admin },
    );
    expect(stats.errors).toBeUndefined();
    expect(stats.data!.statistics.rows[0].values[0].value).toBe(derived + 2);
    expect(stats.data!.statistics.overrides).toEqual([
      { unitId: unit.id, period: day, field: 'cases', reason, measures: ['cases'], value: derived + 2, derived },
    ]);

    // cleared: the figure is derived again
    const cleared = await save('fig_daily', unit.id, [
      { op: 'UPDATE', id: now.id, version: now.version, values: { cases: null } },
    ]);
    expect(cleared.results[0].status).toBe('SAVED');
    expect(cleared.results[0].row!.values.cases).toBe(derived + 1);
    expect(cleared.results[0].row!.overrides).toBeNull();
  });
});

describe('submission freezes the figures; reconciliation shows what came after', () => {
  it('keeps the submitted figure, shows the live one, and lists the late case with the difference', async () => {
    const clerk = await t.signIn('clerk01');
    const me = (await t.gql<{ me: { unit: { id: string } } }>('{ me { unit { id } } }', {}, { token: clerk })).data!.me;
    const unitId = me.unit.id;
    const day = '2026-11-20';
    const row = await rowOn(unitId, day);
    const submitted = await t.gql(
      'mutation { submitSheet(ledger: "fig_daily", period: "2026-11-20") { state } }',
      {},
      { token: clerk },
    );
    expect(submitted.errors).toBeUndefined();
    const late = await save('fig_case', unitId, [
      { op: 'INSERT', values: { case_no: 'after-submit', status: '办结', completed_at: at(day, '16:30:00') } },
    ]);
    const lateId = late.results[0].row!.id;
    // the row keeps the submitted figure
    expect((await rowOn(unitId, day)).values.cases).toBe(row.values.cases);
    const sheet = await t.gql(SHEET, { unitId, period: day }, { token: admin });
    expect(sheet.errors).toBeUndefined();
    expect(sheet.data!.sheet.derived.cases).toBe((row.values.cases as number) + 1);
    expect(sheet.data!.sheet.rowCount).toBe(1);
    expect(sheet.data!.sheet.figures.find((f: { field: string }) => f.field === 'cases')).toMatchObject({
      value: row.values.cases,
      live: (row.values.cases as number) + 1,
      difference: 1,
      sourceLedger: 'fig_case',
    });
    const reconciled = await t.gql(RECONCILE, { from: '2026-11-01', to: '2026-11-30' }, { token: admin });
    expect(reconciled.errors).toBeUndefined();
    const mine = reconciled.data!.reconciliation.filter((d: { unit: { id: string } }) => d.unit.id === unitId);
    expect(mine).toEqual([
      {
        unit: { id: unitId },
        period: day,
        figure: { field: 'cases', value: row.values.cases, live: (row.values.cases as number) + 1, difference: 1 },
        changedRows: [{ ledger: 'fig_case', id: lateId, label: 'after-submit' }],
      },
    ]);
    // the follow-ups did not change (the late case was not visited): not a difference
    const board = await t.gql(BOARD, { period: day }, { token: admin });
    expect(board.data!.submissionBoard.counts.differing).toBe(1);
    // a clerk sees their own unit only
    const own = await t.gql(RECONCILE, { from: '2026-11-01', to: '2026-11-30' }, { token: clerk });
    expect(own.data!.reconciliation.every((d: { unit: { id: string } }) => d.unit.id === unitId)).toBe(true);
    // a range that is none is refused, naming it
    const bad = await t.gql(RECONCILE, { from: '2026-11-30', to: '2026-11-01' }, { token: admin });
    expect(bad.errors![0].extensions!.reason).toBe('INVALID_DATE_RANGE');

    // the admin corrects the submitted figure to what the source says now, with a reason: the
    // sheet stays submitted, the figure holds the correction as an override, no longer a difference
    const corrected = await t.gql(
      `mutation ($u: ID!, $r: ID!, $v: JSON) { correctRow(ledger: "fig_daily", unitId: $u, rowId: $r, field: "cases", value: $v, reason: "补录 16:30 办结的办件") { state } }`,
      { u: unitId, r: row.id, v: (row.values.cases as number) + 1 },
      { token: admin },
    );
    expect(corrected.errors).toBeUndefined();
    expect(corrected.data!.correctRow.state).toBe('APPLIED');
    const after = await rowOn(unitId, day);
    expect(after.values.cases).toBe((row.values.cases as number) + 1);
    expect(after.overrides).toMatchObject({ cases: { reason: '补录 16:30 办结的办件' } });
    const rechecked = await t.gql(SHEET, { unitId, period: day }, { token: admin });
    expect(rechecked.data!.sheet.state).toBe('SUBMITTED');
    expect(rechecked.data!.sheet.figures.find((f: { field: string }) => f.field === 'cases')).toMatchObject({
      value: (row.values.cases as number) + 1,
      difference: null,
      overridden: true,
    });

    // returned: the sheet follows the cases again, from what they say now
    const returned = await t.gql(
      'mutation ($u: ID!) { returnSheet(ledger: "fig_daily", unitId: $u, period: "2026-11-20", reason: "请核对办件量") { state } }',
      { u: unitId },
      { token: admin },
    );
    expect(returned.errors).toBeUndefined();
    expect((await rowOn(unitId, day)).values.cases).toBe((row.values.cases as number) + 1);
  });
});

describe('a file brings a derived column', () => {
  it('takes an empty or unchanged figure, and refuses a different one naming the row, the field and why', async () => {
    const unit = units[9];
    const day = '2026-11-25';
    const now = await rowOn(unit.id, day);
    const derived = now.values.cases as number;
    const csv = `日期,当日办件量,二维码好评\r\n2026-12-01,,2\r\n${day},${derived},5\r\n2026-12-02,${derived + 7},1\r\n`;
    const form = new FormData();
    form.append('file', new Blob([Buffer.from(csv)]), 'daily.csv');
    const response = await fetch(
      `${t.url}/import/fig_daily?${new URLSearchParams({ mode: 'commit', keepValid: 'true', unitId: unit.id })}`,
      { method: 'POST', body: form, headers: { authorization: `Bearer ${admin}` } },
    );
    const body = (await response.json()) as {
      rows: { status: string; errors?: { field: string; message: string }[] | null }[];
    };
    expect(response.status).toBe(200);
    expect(body.rows.map((r) => r.status)).toEqual(['SAVED', 'REJECTED', 'REJECTED']);
    // the date of an existing row is a duplicate; the third row's figure differs from the cases
    expect(body.rows[1].errors![0].field).toBe('report_date');
    expect(body.rows[2].errors).toEqual([
      {
        field: 'cases',
        message: expect.stringContaining(`由其他台账自动得出（0），改为 ${derived + 7} 需填写调整原因`),
      },
    ]);
  });
});
