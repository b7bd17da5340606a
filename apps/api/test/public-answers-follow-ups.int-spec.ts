import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-harness';

/**
 * What an anonymous answer may turn into: a dissatisfied public survey answer makes a
 * rectification that waits for the unit to confirm it (待确认, 来源：公开问卷) and counts as open
 * only once a clerk sets it to 待整改; no more than ten of them per unit an hour, the answers
 * beyond kept. A clerk's own dissatisfied answer still opens a rectification at once.
 */
let t: TestApi;
let leader: string;
let admin: string;
const units: Record<string, string> = {};
const SUBMIT = `mutation ($ledger: String!, $unit: String!, $values: JSON!) { submitPublicAnswer(ledger: $ledger, unitCode: $unit, values: $values) }`;
const SAVE = `mutation ($ledger: String!, $changes: [RowChangeInput!]!) { saveRows(ledger: $ledger, changes: $changes) { saved results { status row { id version } errors { path message } warnings { message } } } }`;
const ROWS = `{ rows(ledger: "rectification") { totalCount edges { node { id version values } } } }`;
const OPEN = `query ($unitIds: [ID!]) { statistics(ledger: "rectification", measures: ["total", "open"], groupBy: ["unit"], unitIds: $unitIds) {
  totals { measure value } } }`;
const BOARD = `{ submissionBoard(ledger: "daily_followup", period: "2023-03-01") { sheets { unit { code } tracked { ledgerKey open } } } }`;

beforeAll(async () => {
  t = await startTestApi();
  leader = await t.signIn('leader');
  admin = await t.signIn('admin');
  for (const code of ['xz03', 'xz04', 'xz06', 'xz08'])
    units[code] = String((await t.db.query<{ id: number }>(`SELECT id FROM units WHERE code = $1`, [code]))[0].id);
});
afterAll(() => t?.close());

/** The unit's rectifications as the leader's statistics count them: all of them, and the open ones. */
async function counted(code: string): Promise<{ total: number; open: number }> {
  const response = await t.gql(OPEN, { unitIds: [units[code]] }, { token: leader });
  expect(response.errors).toBeUndefined();
  const totals = response.data!.statistics.totals as { measure: string; value: number }[];
  return {
    total: totals.find((v) => v.measure === 'total')!.value,
    open: totals.find((v) => v.measure === 'open')!.value,
  };
}

/** The unit's open rectifications on the submission board. */
async function onBoard(code: string): Promise<number> {
  const response = await t.gql(BOARD, {}, { token: admin });
  expect(response.errors).toBeUndefined();
  const sheet = response.data!.submissionBoard.sheets.find((s: { unit: { code: string } }) => s.unit.code === code);
  return sheet.tracked.find((x: { ledgerKey: string }) => x.ledgerKey === 'rectification').open;
}

describe('follow-ups of anonymous answers', () => {
  it('makes a rectification that waits for the unit, marked as from the public survey, open only once confirmed', async () => {
    const answered = await t.gql(SUBMIT, {
      ledger: 'survey',
      unit: 'xz03',
      values: { q1: 'E', q7: ['A', 'H'], q11: '窗口人员态度冷淡' },
    });
    expect(answered.errors).toBeUndefined();
    expect(answered.data!.submitPublicAnswer).toBe(true);

    const clerk = await t.signIn('clerk03');
    const listed = await t.gql(ROWS, {}, { token: clerk });
    expect(listed.data!.rows.totalCount).toBe(1);
    const made = listed.data!.rows.edges[0].node;
    expect(made.values).toMatchObject({
      status: '待确认',
      source: '公开问卷',
      reasons: ['A', 'H'],
      description: '窗口人员态度冷淡',
    });
    // the history says the closed loop made it, with nobody signed in
    const history = await t.gql(
      `query ($id: ID!) { rowHistory(ledger: "rectification", id: $id) { source changedBy } }`,
      { id: made.id },
      { token: clerk },
    );
    expect(history.data!.rowHistory).toEqual([{ source: 'follow-up', changedBy: null }]);

    // listed, but not open: neither the statistics nor the board count it
    expect(await counted('xz03')).toEqual({ total: 1, open: 0 });
    expect(await onBoard('xz03')).toBe(0);

    // the clerk confirms it: a normal edit in the grid, and from then on it is open
    const confirmed = await t.gql(
      SAVE,
      {
        ledger: 'rectification',
        changes: [{ op: 'UPDATE', id: made.id, version: made.version, values: { status: '待整改' } }],
      },
      { token: clerk },
    );
    expect(confirmed.data!.saveRows.saved, JSON.stringify(confirmed.data!.saveRows.results)).toBe(1);
    expect(await counted('xz03')).toEqual({ total: 1, open: 1 });
    expect(await onBoard('xz03')).toBe(1);
  });

  it('still opens a rectification at once for a dissatisfied answer a clerk enters', async () => {
    const clerk = await t.signIn('clerk04');
    const saved = await t.gql(
      SAVE,
      { ledger: 'survey', changes: [{ op: 'INSERT', values: { q1: 'D', q7: ['B'], q11: '等候太久' } }] },
      { token: clerk },
    );
    expect(saved.data!.saveRows.results[0]).toMatchObject({
      status: 'SAVED',
      warnings: [{ message: '问卷不满意：已自动生成整改记录' }],
    });
    const listed = await t.gql(ROWS, {}, { token: clerk });
    expect(listed.data!.rows.edges.map((e: { node: { values: unknown } }) => e.node.values)).toEqual([
      expect.objectContaining({ status: '待整改', source: '问卷', description: '等候太久' }),
    ]);
    expect(await counted('xz04')).toEqual({ total: 1, open: 1 });
    expect(await onBoard('xz04')).toBe(1);
  });

  it('makes at most ten an hour per unit, from answers sent at once, and keeps every answer', async () => {
    const answers = await Promise.all(
      Array.from({ length: 11 }, (_, i) =>
        t.gql(SUBMIT, { ledger: 'survey', unit: 'xz06', values: { q1: 'E', q11: `第 ${i + 1} 份不满意` } }),
      ),
    );
    expect(answers.map((a) => a.errors?.[0].message ?? a.data!.submitPublicAnswer)).toEqual(Array(11).fill(true));
    const [{ n }] = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ledger_survey s JOIN units u ON u.id = s.unit_id WHERE u.code = 'xz06'`,
    );
    expect(n).toBe(11);
    const clerk = await t.signIn('clerk06');
    const listed = await t.gql(ROWS, {}, { token: clerk });
    expect(listed.data!.rows.totalCount).toBe(10);
    for (const edge of listed.data!.rows.edges as { node: { values: Record<string, unknown> } }[])
      expect(edge.node.values).toMatchObject({ status: '待确认', source: '公开问卷' });

    // a clerk's own answers are not limited: theirs open a rectification whatever the hour has seen
    const saved = await t.gql(
      SAVE,
      { ledger: 'survey', changes: [{ op: 'INSERT', values: { q1: 'E', q11: '现场登记' } }] },
      { token: clerk },
    );
    expect(saved.data!.saveRows.saved).toBe(1);
    expect((await t.gql(ROWS, {}, { token: clerk })).data!.rows.totalCount).toBe(11);
  });
  it('takes its limit and values from the definition, and refuses values for fields the ledger lacks', async () => {
    const survey = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../schemas/survey.json'), 'utf8'));
    const withPublic = (fromPublic: unknown) => ({
      ...survey,
      followUps: [{ ...survey.followUps[0], fromPublic }],
    });
    const PUBLISH = 'mutation ($d: JSON!) { publishLedger(definition: $d) { version } }';
    for (const [language, text] of [
      ['zh-CN', '台账「rectification」没有字段「stauts」'],
      ['en', 'The ledger "rectification" has no field "stauts"'],
    ] as const) {
      const refused = await t.gql(
        PUBLISH,
        { d: withPublic({ values: { stauts: '"待确认"' } }) },
        { token: admin, language },
      );
      expect(refused.errors?.[0].extensions?.errors).toEqual([
        { path: '/followUps/0/fromPublic/values/stauts', message: text },
      ]);
    }

    const published = await t.gql(
      PUBLISH,
      { d: withPublic({ values: { status: '"待确认"', source: '"公开问卷"' }, perHour: 2 }) },
      { token: admin },
    );
    expect(published.errors).toBeUndefined();
    for (let i = 0; i < 3; i += 1) {
      const answered = await t.gql(SUBMIT, { ledger: 'survey', unit: 'xz08', values: { q1: 'D' } });
      expect(answered.data?.submitPublicAnswer).toBe(true);
    }
    const listed = await t.gql(ROWS, {}, { token: await t.signIn('clerk08') });
    expect(listed.data!.rows.totalCount).toBe(2);
  });
});
