import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-harness';

/** The public survey: anonymous answers into a unit's public ledger, checked, limited, write-only. */
let t: TestApi;
let leader: string;
const SUBMIT = `mutation ($ledger: String!, $unit: String!, $values: JSON!) { submitPublicAnswer(ledger: $ledger, unitCode: $unit, values: $values) }`;

beforeAll(async () => {
  t = await startTestApi();
  leader = await t.signIn('leader');
});
afterAll(() => t?.close());

describe('the public survey', () => {
  it('gives anyone the form of a unit’s survey, with the unit’s name', async () => {
    const response = await t.gql<{
      publicSurvey: { ledgerKey: string; unitName: string; definition: { fields: { key: string }[] } };
    }>('{ publicSurvey(unitCode: "xz03") { ledgerKey unitCode unitName definition } }');
    expect(response.errors).toBeUndefined();
    expect(response.data!.publicSurvey).toMatchObject({ ledgerKey: 'survey', unitName: '照镜镇行政审批服务中心' });
    expect(response.data!.publicSurvey.definition.fields.map((f) => f.key)).toContain('q12');
  });

  it('saves an anonymous answer into that unit’s survey, where its statistics count it', async () => {
    const response = await t.gql(SUBMIT, {
      ledger: 'survey',
      unit: 'xz03',
      values: { q1: 'A', q7: ['B', 'C'], q11: '窗口很热情' },
    });
    expect(response.errors).toBeUndefined();
    expect(response.data!.submitPublicAnswer).toBe(true);
    const rows = await t.db.query<{ unit_id: number; q1: string; created_by: number }>(
      `SELECT s.unit_id, s.q1, s.created_by FROM ledger_survey s JOIN units u ON u.id = s.unit_id WHERE u.code = 'xz03'`,
    );
    expect(rows).toEqual([{ unit_id: expect.any(Number), q1: 'A', created_by: null }]);
    const results = await t.gql<{ surveyResults: { responses: number } }>(
      `query ($u: [ID!]) { surveyResults(ledger: "survey", unitIds: $u) { responses } }`,
      { u: [String(rows[0].unit_id)] },
      { token: leader },
    );
    expect(results.data!.surveyResults.responses).toBe(1);
  });

  it('keeps an answer sent again under its clientKey once, and another answer under another key', async () => {
    const KEYED = `mutation ($values: JSON!, $key: String) {
      submitPublicAnswer(ledger: "survey", unitCode: "xz05", values: $values, clientKey: $key) }`;
    const values = { q1: 'B', q11: '重复提交测试' };
    for (const key of ['answer-1', 'answer-1', 'answer-2']) {
      const response = await t.gql(KEYED, { values, key });
      expect(response.errors).toBeUndefined();
      expect(response.data!.submitPublicAnswer).toBe(true);
    }
    const rows = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ledger_survey s JOIN units u ON u.id = s.unit_id WHERE u.code = 'xz05' AND s.q11 = '重复提交测试'`,
    );
    expect(rows[0].n).toBe(2);
  });

  it('refuses a wrong answer naming the question, in Chinese, and saves nothing', async () => {
    const response = await t.gql(SUBMIT, { ledger: 'survey', unit: 'xz04', values: { q1: 'Z', q7: ['A'], nope: 1 } });
    expect(response.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_PUBLIC_ANSWER' });
    const paths = (response.errors?.[0].extensions?.errors ?? []).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['q1', 'nope']));
    expect(response.errors?.[0].extensions?.errors?.find((e) => e.path === 'q1')?.message).toMatch(/[\u4e00-\u9fff]/);
    const [{ n }] = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ledger_survey s JOIN units u ON u.id = s.unit_id WHERE u.code = 'xz04'`,
    );
    expect(n).toBe(0);
  });

  it('takes only public ledgers and real, active units that take them', async () => {
    for (const [ledger, unit] of [
      ['window_case', 'xz01'], // not public
      ['survey', 'nope'], // no such unit
      ['survey', 'gs01'], // a bureau section does not take the survey
    ]) {
      const response = await t.gql(SUBMIT, { ledger, unit, values: { q1: 'A' } });
      expect(response.errors?.[0].extensions?.code, `${ledger}/${unit}`).toBe('NOT_FOUND');
    }
  });

  it('limits a flood from one address', async () => {
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < 30; i += 1) {
      const response = await t.gql(SUBMIT, { ledger: 'survey', unit: 'xz05', values: { q1: 'B' } });
      codes.push(response.errors?.[0].extensions?.code ?? 'OK');
    }
    expect(codes.filter((c) => c === 'RATE_LIMITED').length).toBeGreaterThan(0);
    const limited = await t.gql(SUBMIT, { ledger: 'survey', unit: 'xz05', values: { q1: 'B' } });
    expect(limited.errors?.[0].message).toMatch(/提交过于频繁，请 \d+ 秒后再试/);
  });
});
