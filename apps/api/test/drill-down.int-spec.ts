import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../src/common/time/clock';
import { handTyped } from '@taizhang/testing';
import { startTestApi, type TestApi } from './api-harness';

// The rows behind a statistic (a dashboard's drill-down): rows(measure, measurePart, from, to)
// lists exactly the rows the statistic counts, with the same conditions.
const STATS = `query ($ledger: String!, $measures: [String!]!, $from: String, $to: String, $unitIds: [ID!]) {
  statistics(ledger: $ledger, measures: $measures, groupBy: ["unit"], from: $from, to: $to, unitIds: $unitIds) {
    rows { keys { value } values { measure value } } totals { measure value } } }`;
const ROWS = `query ($ledger: String!, $unitId: ID, $from: String, $to: String, $measure: String, $part: MeasurePart, $field: String!) {
  rows(ledger: $ledger, unitId: $unitId, from: $from, to: $to, measure: $measure, measurePart: $part, first: 1000) {
    totalCount edges { node { unitId values } } }
  fieldValues(ledger: $ledger, field: $field, unitId: $unitId, from: $from, to: $to, measure: $measure, measurePart: $part) {
    values { value count } } }`;
const SAVE = `mutation ($ledger: String!, $changes: [RowChangeInput!]!) { saveRows(ledger: $ledger, changes: $changes) { saved rejected results { errors { message } } } }`;

type Case = { day: string; status: string; visited?: boolean; result?: string };
// clerk01's unit: in range 5 completed, 4 visited (3 satisfied); one out of range; one not completed
const CASES: Record<string, Case[]> = {
  clerk01: [
    { day: '2023-03-01', status: '办结', visited: true, result: '非常满意' },
    { day: '2023-03-02', status: '办结', visited: true, result: '比较满意' },
    { day: '2023-03-03', status: '办结', visited: true, result: '不太满意' },
    { day: '2023-03-04', status: '办结', visited: true, result: '非常满意' },
    { day: '2023-03-05', status: '办结' },
    { day: '2023-03-06', status: '受理' },
    { day: '2023-04-10', status: '办结', visited: true, result: '一般' },
  ],
  clerk02: [
    { day: '2023-03-01', status: '办结', visited: true, result: '一般' },
    { day: '2023-03-02', status: '办结' },
  ],
};

const clock = new FixedClock(new Date('2023-04-20T02:00:00Z'));
let t: TestApi;
let leader: string;
let clerk02: string;
const units: Record<string, string> = {};
beforeAll(async () => {
  t = await startTestApi({}, {}, clock);
  leader = await t.signIn('leader');
  clerk02 = await t.signIn('clerk02');
  for (const code of ['xz01', 'xz02'])
    units[code] = String((await t.db.query<{ id: number }>(`SELECT id FROM units WHERE code = $1`, [code]))[0].id);
  for (const [clerk, cases] of Object.entries(CASES)) {
    const changes = cases.map((c, i) =>
      handTyped({
        op: 'INSERT',
        values: {
          case_no: `DD-${clerk}-${i}`,
          accepted_at: `${c.day}T09:00:00+08:00`,
          service_item: '社保',
          applicant: '甲',
          status: c.status,
          ...(c.status === '办结' ? { completed_at: `${c.day}T10:00:00+08:00` } : {}),
          ...(c.visited ? { visited_at: `${c.day}T11:00:00+08:00`, visit_result: c.result } : {}),
        },
      }),
    );
    const response = await t.gql(SAVE, { ledger: 'window_case', changes }, { token: await t.signIn(clerk) });
    expect(response.errors).toBeUndefined();
    expect(response.data!.saveRows.saved).toBe(cases.length);
  }
  const daily = [
    { date: '2023-03-01', cases: 10, followUps: 10 },
    { date: '2023-03-02', cases: 4, followUps: 1 },
    { date: '2023-03-03', cases: 0, followUps: 0 },
  ];
  const response = await t.gql(
    SAVE,
    {
      ledger: 'daily_followup',
      changes: daily.map((d) =>
        handTyped({
          op: 'INSERT',
          values: { report_date: d.date, cases: d.cases, follow_ups: d.followUps, dissatisfied: 0 },
        }),
      ),
    },
    { token: await t.signIn('clerk01') },
  );
  expect(response.data!.saveRows.saved).toBe(3);
});
afterAll(() => t?.close());

const RANGE = { from: '2023-03-01', to: '2023-03-31' };

async function statistic(ledger: string, measures: string[], unit: string) {
  const response = await t.gql(STATS, { ledger, measures, ...RANGE, unitIds: [unit] }, { token: leader });
  expect(response.errors).toBeUndefined();
  const row = response.data!.statistics.rows.find((r: { keys: { value: string }[] }) => r.keys[0].value === unit);
  return Object.fromEntries(
    row.values.map((v: { measure: string; value: number | null }) => [v.measure, v.value]),
  ) as Record<string, number | null>;
}

async function drill(
  ledger: string,
  measure: string | null,
  part: string | null,
  unit: string | null,
  token = leader,
  field = 'status',
) {
  return t.gql(ROWS, { ledger, unitId: unit, ...RANGE, measure, part, field }, { token });
}

describe('rows behind a statistic', () => {
  it('counted, met and missed rows of a ratio agree with its numerator and denominator for a unit and range', async () => {
    const unit = units.xz01;
    const stats = await statistic('window_case', ['visited', 'satisfied', 'satisfaction_rate', 'completed'], unit);
    expect(stats).toMatchObject({ visited: 4, satisfied: 3, completed: 5 });
    const counted = await drill('window_case', 'satisfaction_rate', 'COUNTED', unit);
    expect(counted.errors).toBeUndefined();
    expect(counted.data!.rows.totalCount).toBe(stats.visited);
    const met = await drill('window_case', 'satisfaction_rate', 'MET', unit);
    expect(met.data!.rows.totalCount).toBe(stats.satisfied);
    const missed = await drill('window_case', 'satisfaction_rate', 'MISSED', unit);
    expect(missed.data!.rows.totalCount).toBe(stats.visited! - stats.satisfied!);
    expect(
      missed.data!.rows.edges.map((e: { node: { values: { visit_result: string } } }) => e.node.values.visit_result),
    ).toEqual(['不太满意']);
    expect(met.data!.rows.totalCount / counted.data!.rows.totalCount).toBeCloseTo(stats.satisfaction_rate!, 10);
    // every row is the unit's, within the range
    for (const edge of counted.data!.rows.edges) expect(edge.node.unitId).toBe(unit);
    // the grid's value lists count the same rows
    const valueCounts = counted.data!.fieldValues.values.reduce((s: number, v: { count: number }) => s + v.count, 0);
    expect(valueCounts).toBe(stats.visited);
    // a count measure's rows are its number; the range alone gives the ledger's rows in it
    const completed = await drill('window_case', 'completed', null, unit);
    expect(completed.data!.rows.totalCount).toBe(stats.completed);
    const inRange = await drill('window_case', null, null, unit);
    expect(inRange.data!.rows.totalCount).toBe(6);
  });

  it('county-wide (no unit) the counted rows are the statistic’s denominator over every unit', async () => {
    const response = await t.gql(
      STATS,
      { ledger: 'window_case', measures: ['followup_rate', 'completed'], ...RANGE },
      { token: leader },
    );
    const completed = response.data!.statistics.totals.find((m: { measure: string }) => m.measure === 'completed');
    const counted = await drill('window_case', 'followup_rate', 'COUNTED', null);
    expect(counted.data!.rows.totalCount).toBe(completed.value);
    expect(completed.value).toBe(7);
    const missed = await drill('window_case', 'followup_rate', 'MISSED', null);
    expect(missed.data!.rows.totalCount).toBe(2);
  });

  it('a ratio of sums (Σ 回访数 ÷ Σ 办件量): the rows with cases, those that fall short', async () => {
    const unit = units.xz01;
    const counted = await drill('daily_followup', 'followup_rate', 'COUNTED', unit, leader, 'cases');
    expect(counted.errors).toBeUndefined();
    expect(counted.data!.rows.totalCount).toBe(2);
    const missed = await drill('daily_followup', 'followup_rate', 'MISSED', unit, leader, 'cases');
    expect(missed.data!.rows.edges.map((e: { node: { values: { cases: number } } }) => e.node.values.cases)).toEqual([
      4,
    ]);
    const stats = await statistic('daily_followup', ['cases'], unit);
    const sum = counted.data!.rows.edges.reduce(
      (s: number, e: { node: { values: { cases: number } } }) => s + e.node.values.cases,
      0,
    );
    expect(sum).toBe(stats.cases);
  });

  it('refuses an unknown measure, a part without a measure, a part a measure has not and a bad date, by name', async () => {
    const unknown = await drill('window_case', 'no_such_rate', null, units.xz01);
    expect(unknown.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(unknown.errors?.[0].message).toContain('no_such_rate');
    const partOnly = await drill('window_case', null, 'MET', units.xz01);
    expect(partOnly.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const countMet = await drill('window_case', 'completed', 'MISSED', units.xz01);
    expect(countMet.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(countMet.errors?.[0].message).toContain('办结');
    const badDate = await t.gql(
      ROWS,
      { ledger: 'window_case', from: '2023-02-30', field: 'status' },
      { token: leader },
    );
    expect(badDate.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(badDate.errors?.[0].message).toContain('2023-02-30');
  });

  it('a clerk cannot use it to see another unit: naming one is refused, and without a unit only their own rows count', async () => {
    const other = await drill('window_case', 'satisfaction_rate', 'COUNTED', units.xz01, clerk02);
    expect(other.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(other.data?.rows ?? null).toBeNull();
    const own = await drill('window_case', 'satisfaction_rate', 'COUNTED', null, clerk02);
    expect(own.errors).toBeUndefined();
    expect(own.data!.rows.totalCount).toBe(1);
    for (const edge of own.data!.rows.edges) expect(edge.node.unitId).toBe(units.xz02);
  });
});
