import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-harness';

/**
 * A column's distinct values with their counts (the grid's value-list filter), under the same
 * scope and filter as `rows`; and `in` with a null for empty cells.
 */
const SAVE = `mutation ($ledger: String!, $unitId: ID, $changes: [RowChangeInput!]!) {
  saveRows(ledger: $ledger, unitId: $unitId, changes: $changes) { saved rejected } }`;
const VALUES = `query ($ledger: String!, $field: String!, $unitId: ID, $filter: JSON, $first: Int) {
  fieldValues(ledger: $ledger, field: $field, unitId: $unitId, filter: $filter, first: $first) { values { value count } complete } }`;
const ROWS = `query ($ledger: String!, $unitId: ID, $filter: JSON) {
  rows(ledger: $ledger, unitId: $unitId, filter: $filter, first: 1000) { totalCount edges { node { values } } } }`;

type Values = { fieldValues: { values: { value: unknown; count: number }[]; complete: boolean } };
type Rows = { rows: { totalCount: number; edges: { node: { values: Record<string, unknown> } }[] } };

let t: TestApi;
let clerk: string;
beforeAll(async () => {
  t = await startTestApi();
  clerk = await t.signIn('clerk07');
  const cases = [
    ['FV-1', '窗口', '受理', '王芳'],
    ['FV-2', '网上', '受理', '李强'],
    ['FV-3', '网上', '办理中', '王芳'],
    ['FV-4', null, '办理中', ''],
  ].map(([no, channel, status, applicant]) => ({
    op: 'INSERT',
    values: {
      case_no: no,
      accepted_at: '2026-12-01T09:00:00+08:00',
      service_item: '社保卡补办',
      applicant: applicant || '赵六',
      status,
      channel,
      remark: no === 'FV-4' ? '' : `备注${no}`,
    },
  }));
  const saved = await t.gql<{ saveRows: { saved: number } }>(
    SAVE,
    { ledger: 'window_case', changes: cases },
    { token: clerk },
  );
  expect(saved.errors).toBeUndefined();
  expect(saved.data!.saveRows.saved).toBe(4);
});
afterAll(() => t?.close());

const valuesOf = async (variables: Record<string, unknown>, token = clerk) => {
  const answer = await t.gql<Values>(VALUES, { ledger: 'window_case', ...variables }, { token });
  expect(answer.errors).toBeUndefined();
  return answer.data!.fieldValues;
};

describe('fieldValues', () => {
  it("lists a column's values of the caller's unit with their counts, ascending, empty last", async () => {
    const channel = await valuesOf({ field: 'channel' });
    expect(channel).toEqual({
      complete: true,
      values: [
        { value: '窗口', count: 1 },
        { value: '网上', count: 2 },
        { value: null, count: 1 },
      ],
    });
    // an empty text counts as empty, like NULL
    const remark = await valuesOf({ field: 'remark' });
    expect(remark.values.at(-1)).toEqual({ value: null, count: 1 });
  });

  it("counts under the other columns' filter, and says when it listed fewer than there are", async () => {
    const applicants = await valuesOf({ field: 'applicant', filter: { status: '受理' } });
    expect(applicants.values).toEqual([
      { value: '李强', count: 1 },
      { value: '王芳', count: 1 },
    ]);
    const two = await valuesOf({ field: 'case_no', first: 2 });
    expect(two).toEqual({
      complete: false,
      values: [
        { value: 'FV-1', count: 1 },
        { value: 'FV-2', count: 1 },
      ],
    });
  });

  it('never lists another unit’s values, and names what is wrong', async () => {
    const other = await t.signIn('clerk08');
    expect((await valuesOf({ field: 'channel' }, other)).values).toEqual([]);
    const foreign = await t.gql(VALUES, { ledger: 'window_case', field: 'channel', unitId: '7' }, { token: other });
    expect(foreign.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const unknown = await t.gql(VALUES, { ledger: 'window_case', field: 'nope' }, { token: clerk });
    expect(unknown.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(unknown.errors?.[0].message + JSON.stringify(unknown.errors?.[0].extensions)).toContain('nope');
  });

  it('counts each option of a multiple choice, and filters rows holding any of them or none', async () => {
    const admin = await t.signIn('admin');
    const units = await t.gql<{ units: { id: string; kind: string }[] }>('{ units { id kind } }', {}, { token: admin });
    const section = units.data!.units.find((u) => u.kind === 'bureau_section')!.id;
    const tasks = [['行政审批股', '党政办'], ['党政办'], []].map((sections, i) => ({
      op: 'INSERT',
      values: { task_no: 900 + i, task: `任务${i}`, lead_sections: sections },
    }));
    const saved = await t.gql<{ saveRows: { saved: number } }>(
      SAVE,
      { ledger: 'task', unitId: section, changes: tasks },
      { token: admin },
    );
    expect(saved.data!.saveRows.saved).toBe(3);
    const answer = await t.gql<Values>(
      VALUES,
      { ledger: 'task', field: 'lead_sections', unitId: section, filter: { task_no: { gte: 900 } } },
      { token: admin },
    );
    expect(answer.data!.fieldValues.values).toEqual([
      { value: '党政办', count: 2 },
      { value: '行政审批股', count: 1 },
      { value: null, count: 1 },
    ]);
    const rows = await t.gql<Rows>(
      ROWS,
      {
        ledger: 'task',
        unitId: section,
        filter: { task_no: { gte: 900 }, lead_sections: { in: ['行政审批股', null] } },
      },
      { token: admin },
    );
    expect(rows.data!.rows.edges.map((e) => e.node.values.task_no).sort()).toEqual([900, 902]);
  });

  it('reads a null in an in-list as the empty cells', async () => {
    const answer = await t.gql<Rows>(
      ROWS,
      { ledger: 'window_case', filter: { channel: { in: ['窗口', null] } } },
      { token: clerk },
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.rows.edges.map((e) => e.node.values.case_no).sort()).toEqual(['FV-1', 'FV-4']);
    const onlyEmpty = await t.gql<Rows>(
      ROWS,
      { ledger: 'window_case', filter: { remark: { in: [null] } } },
      { token: clerk },
    );
    expect(onlyEmpty.data!.rows.edges.map((e) => e.node.values.case_no)).toEqual(['FV-4']);
  });
});
