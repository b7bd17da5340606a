import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-harness';

/**
 * The three types added as one file each (money, idcard, rating), used through the whole API as a
 * clerk and a leader would: published in a definition, saved, refused with reasons, read, masked,
 * exported, summed, averaged and distributed.
 */
const PUBLISH = 'mutation ($d: JSON!) { publishLedger(definition: $d) { key version fields { key type } } }';
const SAVE = `mutation ($ledger: String!, $changes: [RowChangeInput!]!) {
  saveRows(ledger: $ledger, changes: $changes) { saved rejected results { status errors { path message } row { values } } } }`;
const ROWS = `query ($ledger: String!) { rows(ledger: $ledger, first: 100, orderBy: [{ field: "id" }]) { edges { node { values } } } }`;
const STATS = `query ($ledger: String!, $measures: [String!]!, $groupBy: [String!]!) {
  statistics(ledger: $ledger, measures: $measures, groupBy: $groupBy) {
    rows { keys { value label } values { measure value } } totals { measure value } } }`;

const LEDGER = {
  key: 'subsidy_probe',
  title: '补贴发放台账',
  fields: [
    { key: 'applicant', title: '申请人', type: 'text', required: true },
    { key: 'id_no', title: '身份证号', type: 'idcard', required: true },
    { key: 'amount', title: '补贴金额', type: 'money', min: 0 },
    { key: 'stars', title: '满意度', type: 'rating' },
  ],
  measures: [
    { key: 'total', title: '发放总额', kind: 'sum', field: 'amount' },
    { key: 'rated', title: '评价数', kind: 'countWhere', where: 'not isblank(stars)' },
    { key: 'stars_sum', title: '星级合计', kind: 'sum', field: 'stars' },
    { key: 'mean_stars', title: '平均星级', kind: 'ratio', numerator: 'stars_sum', denominator: 'rated' },
    { key: 'stars_spread', title: '星级分布', kind: 'distribution', field: 'stars' },
  ],
};
const insert = (values: Record<string, unknown>) => ({ op: 'INSERT', values });

let t: TestApi;
let admin: string;
let clerk: string;
let leader: string;
beforeAll(async () => {
  t = await startTestApi();
  [admin, clerk, leader] = await Promise.all([t.signIn('admin'), t.signIn('clerk01'), t.signIn('leader')]);
  const published = await t.gql(PUBLISH, { d: LEDGER }, { token: admin });
  expect(published.errors).toBeUndefined();
});
afterAll(() => t?.close());

describe('money, idcard and rating through the API', () => {
  it('saves good rows exactly and refuses bad ones naming the field and the reason, in Chinese', async () => {
    const answer = await t.gql(
      SAVE,
      {
        ledger: LEDGER.key,
        changes: [
          insert({ applicant: '张三', id_no: '11010519491231002x', amount: '1234.5', stars: 5 }),
          insert({ applicant: '李四', id_no: '410726198001011233', amount: 0.1, stars: 3 }),
          insert({ applicant: '王五', id_no: '110105194912310021', amount: 12 }),
          insert({ applicant: '赵六', id_no: '11010519491231002X', amount: 0.2, stars: 9 }),
          insert({ applicant: '钱七', id_no: '11010519491231002X', amount: '3.999' }),
        ],
      },
      { token: clerk },
    );
    expect(answer.errors).toBeUndefined();
    const result = answer.data!.saveRows;
    expect(result.results.map((r: { status: string }) => r.status)).toEqual([
      'SAVED',
      'SAVED',
      'REJECTED',
      'REJECTED',
      'REJECTED',
    ]);
    expect(result.results[0].row.values).toMatchObject({ id_no: '11010519491231002X', amount: '1234.50', stars: 5 });
    expect(result.results[1].row.values).toMatchObject({ amount: '0.10' });
    expect(result.results[2].errors).toEqual([{ path: 'id_no', message: '身份证号校验位不正确，请核对号码' }]);
    expect(result.results[3].errors).toEqual([{ path: 'stars', message: '星级应为 1 至 5' }]);
    expect(result.results[4].errors).toEqual([{ path: 'amount', message: '金额最多到分（2 位小数）' }]);
  });

  it('shows the identity number in full to the clerk and masked to the leader', async () => {
    const read = async (token: string) =>
      (await t.gql(ROWS, { ledger: LEDGER.key }, { token })).data!.rows.edges.map(
        (e: { node: { values: Record<string, unknown> } }) => e.node.values.id_no,
      );
    expect(await read(clerk)).toEqual(['11010519491231002X', '410726198001011233']);
    expect(await read(leader)).toEqual(['1101**********002X', '4107**********1233']);
  });

  it('exports money as yuan and the identity number masked, whoever downloads', async () => {
    const response = await fetch(`${t.url}/export/${LEDGER.key}.csv`, {
      headers: { authorization: `Bearer ${clerk}` },
    });
    expect(response.status).toBe(200);
    const csv = await response.text();
    expect(csv).toContain('1101**********002X');
    expect(csv).not.toContain('11010519491231002X');
    expect(csv).toContain('"¥1,234.50"');
    expect(csv).toContain('★★★★★');
  });

  it('sums money exactly, averages and distributes the stars', async () => {
    const answer = await t.gql(
      STATS,
      { ledger: LEDGER.key, measures: ['total', 'mean_stars', 'stars_spread'], groupBy: [] },
      { token: leader },
    );
    expect(answer.errors).toBeUndefined();
    const totals = Object.fromEntries(
      answer.data!.statistics.totals.map((m: { measure: string; value: number }) => [m.measure, m.value]),
    );
    expect(totals.total).toBe(1234.6);
    expect(totals.mean_stars).toBe(4);
    expect([1, 2, 3, 4, 5].map((n) => totals[`stars_spread:${n}`])).toEqual([0, 0, 1, 0, 1]);
  });
});
