import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../src/common/time/clock';
import { handTyped } from '@taizhang/testing';
import { startTestApi, type TestApi } from './api-harness';

const STATS = `query ($ledger: String!, $measures: [String!]!, $groupBy: [String!]!, $from: String, $to: String, $unitIds: [ID!]) {
  statistics(ledger: $ledger, measures: $measures, groupBy: $groupBy, from: $from, to: $to, unitIds: $unitIds) {
    ledgerKey rows { keys { dimension value label } values { measure title value target met } } totals { measure value target met } } }`;
const SAVE = `mutation ($ledger: String!, $changes: [RowChangeInput!]!) { saveRows(ledger: $ledger, changes: $changes) { saved rejected } }`;

interface Report {
  clerk: string;
  date: string;
  cases: number;
  followUps: number;
}
// three units, uneven days: the rate across them is Σ follow-ups ÷ Σ cases, not an average of rates
const REPORTS: Report[] = [
  { clerk: 'clerk01', date: '2023-03-01', cases: 10, followUps: 10 },
  { clerk: 'clerk01', date: '2023-03-02', cases: 2, followUps: 0 },
  { clerk: 'clerk02', date: '2023-03-01', cases: 100, followUps: 50 },
  { clerk: 'clerk03', date: '2023-03-02', cases: 4, followUps: 4 },
  { clerk: 'clerk03', date: '2023-04-01', cases: 6, followUps: 3 },
];

const clock = new FixedClock(new Date('2023-04-02T02:00:00Z'));
let t: TestApi;
let leader: string;
const units: Record<string, string> = {};
beforeAll(async () => {
  t = await startTestApi({}, {}, clock);
  leader = await t.signIn('leader');
  for (const code of ['xz01', 'xz02', 'xz03'])
    units[code] = String((await t.db.query<{ id: number }>(`SELECT id FROM units WHERE code = $1`, [code]))[0].id);
  for (const report of REPORTS) {
    const response = await t.gql(
      SAVE,
      {
        ledger: 'daily_followup',
        changes: [
          handTyped({
            op: 'INSERT',
            values: { report_date: report.date, cases: report.cases, follow_ups: report.followUps, dissatisfied: 0 },
          }),
        ],
      },
      { token: await t.signIn(report.clerk) },
    );
    expect(response.data!.saveRows.saved).toBe(1);
  }
});
afterAll(() => t?.close());

const byMeasure = (values: { measure: string; value: number | null }[]) =>
  Object.fromEntries(values.map((v) => [v.measure, v.value]));

describe('statistics of the daily report', () => {
  it('sums by unit and takes the follow-up rate as Σ follow-ups ÷ Σ cases, with the 100% target', async () => {
    const response = await t.gql(
      STATS,
      {
        ledger: 'daily_followup',
        measures: ['cases', 'follow_ups', 'followup_rate'],
        groupBy: ['unit'],
        from: '2023-03-01',
        to: '2023-03-31',
      },
      { token: leader },
    );
    expect(response.errors).toBeUndefined();
    const march = REPORTS.filter((r) => r.date.startsWith('2023-03'));
    const expected = ['clerk01', 'clerk02', 'clerk03'].map((clerk) => {
      const own = march.filter((r) => r.clerk === clerk);
      const cases = own.reduce((s, r) => s + r.cases, 0);
      const followUps = own.reduce((s, r) => s + r.followUps, 0);
      return { cases, follow_ups: followUps, followup_rate: followUps / cases };
    });
    const rows = response.data!.statistics.rows;
    // every unit that fills the report is a group, in unit order: the 10 township centres, then the 10 windows
    expect(rows).toHaveLength(20);
    expect(rows.slice(0, 4).map((r: { keys: { label: string }[] }) => r.keys[0].label)).toEqual([
      '城关镇行政审批服务中心',
      '亢村镇行政审批服务中心',
      '照镜镇行政审批服务中心',
      '黄堤镇行政审批服务中心',
    ]);
    // a unit that never reported: no sums and no rate (not 0%), and the target not judged
    expect(rows[3].values).toEqual([
      { measure: 'cases', title: '办件量', value: null, target: null, met: null },
      { measure: 'follow_ups', title: '回访量', value: null, target: null, met: null },
      { measure: 'followup_rate', title: '回访率', value: null, target: 1, met: null },
    ]);
    rows.slice(0, 3).forEach((row: { values: { measure: string; value: number }[] }, i: number) => {
      const values = byMeasure(row.values);
      expect(values.cases).toBe(expected[i].cases);
      expect(values.follow_ups).toBe(expected[i].follow_ups);
      expect(values.followup_rate).toBeCloseTo(expected[i].followup_rate, 10);
    });
    const totalCases = march.reduce((s, r) => s + r.cases, 0);
    const totalFollowUps = march.reduce((s, r) => s + r.followUps, 0);
    const totals = response.data!.statistics.totals;
    expect(byMeasure(totals).followup_rate).toBeCloseTo(totalFollowUps / totalCases, 10);
    // not the average of the three units' rates
    expect(byMeasure(totals).followup_rate).not.toBeCloseTo(expected.reduce((s, e) => s + e.followup_rate, 0) / 3, 3);
    expect(totals.find((v: { measure: string }) => v.measure === 'followup_rate')).toMatchObject({
      target: 1,
      met: false,
    });
    expect(rows[2].values.find((v: { measure: string }) => v.measure === 'followup_rate')).toMatchObject({
      value: 1,
      met: true,
    });
  });

  it('groups by day and by month, and counts reports', async () => {
    const response = await t.gql(
      STATS,
      { ledger: 'daily_followup', measures: ['reports', 'cases'], groupBy: ['month'] },
      { token: leader },
    );
    const rows = response.data!.statistics.rows.map(
      (r: { keys: { value: string }[]; values: { measure: string; value: number }[] }) => [
        r.keys[0].value,
        byMeasure(r.values),
      ],
    );
    expect(rows).toEqual([
      ['2023-03', { reports: 4, cases: 116 }],
      ['2023-04', { reports: 1, cases: 6 }],
    ]);
    const days = await t.gql(
      STATS,
      { ledger: 'daily_followup', measures: ['cases'], groupBy: ['day', 'unit'], unitIds: [units.xz01] },
      { token: leader },
    );
    expect(days.data!.statistics.rows.map((r: { keys: { value: string }[] }) => r.keys.map((k) => k.value))).toEqual([
      ['2023-03-01', units.xz01],
      ['2023-03-02', units.xz01],
    ]);
  });

  it('gives the same groups column by column: keys with each label once, values in the order of rows', async () => {
    const variables = { ledger: 'daily_followup', measures: ['cases', 'followup_rate'], groupBy: ['unit', 'month'] };
    const byRow = (await t.gql(STATS, variables, { token: leader })).data!.statistics;
    const byColumn = await t.gql(
      `query ($ledger: String!, $measures: [String!]!, $groupBy: [String!]!) {
        statistics(ledger: $ledger, measures: $measures, groupBy: $groupBy) {
          keyColumns { dimension values labels { dimension value label } }
          valueColumns { measure title target values } totals { measure value } } }`,
      variables,
      { token: leader },
    );
    expect(byColumn.errors).toBeUndefined();
    const { keyColumns, valueColumns, totals } = byColumn.data!.statistics;
    expect(keyColumns[0]).toEqual({
      dimension: 'unit',
      values: [units.xz01, units.xz02, units.xz03, units.xz03],
      labels: [
        { dimension: 'unit', value: units.xz01, label: '城关镇行政审批服务中心' },
        { dimension: 'unit', value: units.xz02, label: '亢村镇行政审批服务中心' },
        { dimension: 'unit', value: units.xz03, label: '照镜镇行政审批服务中心' },
      ],
    });
    expect(keyColumns[1].values).toEqual(['2023-03', '2023-03', '2023-03', '2023-04']);
    type Row = {
      keys: { dimension: string; value: string; label: string }[];
      values: { measure: string; value: number }[];
    };
    const rows: Row[] = byRow.rows;
    keyColumns.forEach((column: { values: string[] }, k: number) =>
      expect(column.values).toEqual(rows.map((r) => r.keys[k].value)),
    );
    expect(valueColumns.map((c: { measure: string; target: number | null }) => [c.measure, c.target])).toEqual([
      ['cases', null],
      ['followup_rate', 1],
    ]);
    valueColumns.forEach((column: { values: number[] }, m: number) =>
      expect(column.values).toEqual(rows.map((r) => r.values[m].value)),
    );
    expect(totals).toEqual(
      byRow.totals.map(({ measure, value }: { measure: string; value: number }) => ({ measure, value })),
    );
  });

  it('gives a clerk only their own unit, whatever units they name', async () => {
    const clerk = await t.signIn('clerk02');
    const response = await t.gql(
      STATS,
      { ledger: 'daily_followup', measures: ['cases'], groupBy: ['unit'], unitIds: [units.xz01, units.xz02] },
      { token: clerk },
    );
    expect(response.data!.statistics.rows.map((r: { keys: { value: string }[] }) => r.keys[0].value)).toEqual([
      units.xz02,
    ]);
    expect(byMeasure(response.data!.statistics.totals).cases).toBe(100);
  });

  it('refuses unknown measures and dimensions with a clear error', async () => {
    const response = await t.gql(
      STATS,
      { ledger: 'daily_followup', measures: ['nope'], groupBy: ['colour'], from: '2023-02-30' },
      { token: leader },
    );
    expect(response.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      errors: [
        { path: 'groupBy.0', message: '未知的分组「colour」' },
        { path: 'measures.0', message: '未知的统计项「nope」' },
        { path: 'from', message: '「2023-02-30」不是有效日期（YYYY-MM-DD）' },
      ],
    });
  });
});

describe('ranking', () => {
  it('ranks units on a measure and gives the change against the days just before', async () => {
    const response = await t.gql(
      `{ ranking(ledger: "daily_followup", measure: "followup_rate", from: "2023-03-02", to: "2023-04-01") {
          title target previousFrom previousTo units { rank unit { code } value previous change met } } }`,
      {},
      { token: leader },
    );
    expect(response.errors).toBeUndefined();
    const ranking = response.data!.ranking;
    expect(ranking).toMatchObject({ title: '回访率', target: 1, previousFrom: '2023-01-30', previousTo: '2023-03-01' });
    // computed by hand from REPORTS: 03-02..04-01 and the 31 days before
    const rate = (clerk: string, from: string, to: string) => {
      const own = REPORTS.filter((r) => r.clerk === clerk && r.date >= from && r.date <= to);
      return own.length === 0 ? null : own.reduce((s, r) => s + r.followUps, 0) / own.reduce((s, r) => s + r.cases, 0);
    };
    const xz03 = rate('clerk03', '2023-03-02', '2023-04-01')!;
    // then every other unit that fills the report, unranked: it has no rate in either span
    expect(ranking.units).toHaveLength(20);
    for (const unit of ranking.units.slice(3)) expect(unit).toMatchObject({ rank: null, value: null, previous: null });
    expect(ranking.units.slice(0, 3)).toEqual([
      { rank: 1, unit: { code: 'xz03' }, value: expect.closeTo(xz03, 10), previous: null, change: null, met: false },
      { rank: 2, unit: { code: 'xz01' }, value: 0, previous: 1, change: -1, met: false },
      {
        rank: null,
        unit: { code: 'xz02' },
        value: null,
        previous: rate('clerk02', '2023-01-30', '2023-03-01'),
        change: null,
        met: null,
      },
    ]);
  });
});

describe('count-where measures and distributions', () => {
  beforeAll(async () => {
    const clerk = await t.signIn('clerk15');
    const base = {
      accepted_at: '2023-03-01T09:00:00+08:00',
      service_item: '事项',
      applicant: '某人',
      status: '办结',
      completed_at: '2023-03-01T10:00:00+08:00',
    };
    const cases = [
      { case_no: 'A1', visited_at: '2023-03-01T11:00:00+08:00', visit_result: '非常满意' },
      { case_no: 'A2', visited_at: '2023-03-01T13:00:00+08:00', visit_result: '比较满意' },
      { case_no: 'A3', visited_at: '2023-03-01T11:30:00+08:00', visit_result: '不太满意' },
      { case_no: 'A4' },
    ];
    const saved = await t.gql(
      SAVE,
      { ledger: 'window_case', changes: cases.map((c) => ({ op: 'INSERT', values: { ...base, ...c } })) },
      { token: clerk },
    );
    expect(saved.data!.saveRows.saved).toBe(4);
    const survey = await t.gql(
      SAVE,
      {
        ledger: 'survey',
        changes: [
          { op: 'INSERT', values: { q1: 'A', q7: ['A', 'B'] } },
          { op: 'INSERT', values: { q1: 'A', q7: ['B'] } },
          { op: 'INSERT', values: { q1: 'E', q7: ['B', 'M'] } },
        ],
      },
      { token: clerk },
    );
    expect(survey.data!.saveRows.saved).toBe(3);
  });

  it('counts with the definition’s formulas in SQL, as the rows say', async () => {
    const response = await t.gql(
      STATS,
      {
        ledger: 'window_case',
        measures: ['cases', 'completed', 'visited', 'visited_2h', 'satisfaction_rate'],
        groupBy: [],
      },
      { token: leader },
    );
    // 4 cases, all completed, 3 visited, 2 within two hours (A1, A3), 2 of 3 visited satisfied
    expect(byMeasure(response.data!.statistics.totals)).toEqual({
      cases: 4,
      completed: 4,
      visited: 3,
      visited_2h: 2,
      satisfaction_rate: 2 / 3,
    });
  });

  it('distributes single and multiple choice answers over their options', async () => {
    const response = await t.gql(
      STATS,
      { ledger: 'survey', measures: ['q1_dist', 'q7_dist'], groupBy: [] },
      { token: leader },
    );
    const totals = byMeasure(response.data!.statistics.totals);
    expect(totals).toMatchObject({
      'q1_dist:A': 2,
      'q1_dist:E': 1,
      'q1_dist:B': 0,
      'q7_dist:A': 1,
      'q7_dist:B': 3,
      'q7_dist:M': 1,
      'q7_dist:C': 0,
    });
    const title = response.data!.statistics.totals.find((v: { measure: string }) => v.measure === 'q1_dist:A');
    expect(title).toBeDefined();
  });

  it('gives the survey’s results per question, as counts and shares of those who answered', async () => {
    const response = await t.gql(
      `{ surveyResults(ledger: "survey") { responses questions { field answered options { value label count share } } } }`,
      {},
      { token: leader },
    );
    expect(response.errors).toBeUndefined();
    const results = response.data!.surveyResults;
    expect(results.responses).toBe(3);
    const q1 = results.questions.find((q: { field: string }) => q.field === 'q1');
    expect(q1.answered).toBe(3);
    expect(q1.options.find((o: { value: string }) => o.value === 'A')).toEqual({
      value: 'A',
      label: '非常满意',
      count: 2,
      share: 2 / 3,
    });
    const q7 = results.questions.find((q: { field: string }) => q.field === 'q7');
    expect(q7.options.find((o: { value: string }) => o.value === 'B')).toMatchObject({ count: 3, share: 1 });
    const q2 = results.questions.find((q: { field: string }) => q.field === 'q2');
    expect(q2).toMatchObject({ answered: 0 });
    expect(q2.options[0]).toMatchObject({ count: 0, share: null });
    expect(results.questions.map((q: { field: string }) => q.field)).not.toContain('q11');
  });

  it('counts open rectifications, and overdue ones as of the day it is asked', async () => {
    // the dissatisfied case A3 and the E answer opened two rectifications, due five days after 2023-04-02
    const ask = () =>
      t.gql(
        STATS,
        { ledger: 'rectification', measures: ['open', 'overdue_open'], groupBy: ['unit'] },
        { token: leader },
      );
    const before = await ask();
    expect(
      before.data!.statistics.rows.map(
        (r: { keys: { label: string }[]; values: { measure: string; value: number }[] }) => [
          r.keys[0].label,
          byMeasure(r.values),
        ],
      ),
    ).toContainEqual(['县政务服务中心综合受理窗口', { open: 2, overdue_open: 0 }]);
    // the other units that fill the ledger count 0, not nothing
    const others = before.data!.statistics.rows.filter(
      (r: { keys: { label: string }[] }) => r.keys[0].label !== '县政务服务中心综合受理窗口',
    );
    expect(others.length).toBeGreaterThan(0);
    for (const row of others) expect(byMeasure(row.values)).toEqual({ open: 0, overdue_open: 0 });
    clock.set('2023-04-10T02:00:00Z');
    try {
      expect(byMeasure((await ask()).data!.statistics.totals)).toEqual({ open: 2, overdue_open: 2 });
    } finally {
      clock.set('2023-04-02T02:00:00Z');
    }
  });
});
