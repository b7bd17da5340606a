import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-harness';

/**
 * A row's history and the audit log say what a reference pointed at (issue 19): beside the ids
 * of oldValues/newValues, what those rows say — `oldDisplay`/`newDisplay` in rowHistory,
 * `detail.display` in the audit log, in Row.display's shape.
 */
const SAVE = `mutation ($ledger: String!, $changes: [RowChangeInput!]!) {
  saveRows(ledger: $ledger, changes: $changes) { saved results { errors { path message } row { id version values } } } }`;
const HISTORY = `query ($ledger: String!, $id: ID!) {
  rowHistory(ledger: $ledger, id: $id) { op oldValues newValues oldDisplay newDisplay } }`;
const LOG = `query ($ledger: String) { auditLog(ledger: $ledger, first: 20) { action rowId detail } }`;

type Row = { id: string; version: number; values: Record<string, unknown> };

let t: TestApi;
let clerk: string;
const caseIds = new Map<string, number>();
let rectificationRow: Row;

const save = async (ledger: string, changes: unknown[]) => {
  const answer = await t.gql<{ saveRows: { results: { errors: unknown; row: Row | null }[] } }>(
    SAVE,
    { ledger, changes },
    { token: clerk },
  );
  expect(answer.errors).toBeUndefined();
  expect(answer.data!.saveRows.results.map((r) => r.errors)).toEqual(changes.map(() => null));
  return answer.data!.saveRows.results.map((r) => r.row!);
};
const windowCase = (caseNo: string) => ({
  op: 'INSERT',
  values: {
    case_no: caseNo,
    accepted_at: '2026-11-20T09:00:00+08:00',
    service_item: '营业执照变更',
    applicant: '周八',
    status: '办结',
    completed_at: '2026-11-20T10:00:00+08:00',
  },
});

beforeAll(async () => {
  t = await startTestApi();
  clerk = await t.signIn('clerk03');
  for (const c of await save('window_case', [windowCase('RH-2026-0001'), windowCase('RH-2026-0002')]))
    caseIds.set(String(c.values.case_no), Number(c.id));
  const [made] = await save('rectification', [
    {
      op: 'INSERT',
      values: {
        case_ref: 'RH-2026-0001',
        found_on: '2026-11-21',
        source: '回访',
        description: '态度问题',
        owner: '王五',
        deadline: '2026-11-26',
        status: '待整改',
      },
    },
  ]);
  const update = async (row: Row, values: Record<string, unknown>) =>
    (await save('rectification', [{ op: 'UPDATE', id: row.id, version: row.version, values }]))[0];
  const moved = await update(made, { case_ref: 'RH-2026-0002' });
  const described = await update(moved, { description: '态度问题，已约谈' });
  rectificationRow = await update(described, { case_ref: null });
});
afterAll(() => t?.close());

describe('what a reference said, in history and audit', () => {
  it('rowHistory gives each side the case numbers beside the ids', async () => {
    const answer = await t.gql(HISTORY, { ledger: 'rectification', id: rectificationRow.id }, { token: clerk });
    expect(answer.errors).toBeUndefined();
    const entries = answer.data!.rowHistory as {
      op: string;
      oldValues: Record<string, unknown> | null;
      newValues: Record<string, unknown> | null;
      oldDisplay: unknown;
      newDisplay: unknown;
    }[];
    expect(entries.map((e) => [e.op, e.oldDisplay, e.newDisplay])).toEqual([
      ['insert', null, { case_ref: 'RH-2026-0001' }],
      ['update', { case_ref: 'RH-2026-0001' }, { case_ref: 'RH-2026-0002' }],
      // a change that did not touch the reference says nothing about it
      ['update', null, null],
      ['update', { case_ref: 'RH-2026-0002' }, { case_ref: null }],
    ]);
    // the ids stay as they were: the display is added beside them
    expect(entries[1].oldValues).toEqual({ case_ref: caseIds.get('RH-2026-0001') });
    expect(entries[1].newValues).toEqual({ case_ref: caseIds.get('RH-2026-0002') });
  });

  it('the audit log adds display to a row change that holds references', async () => {
    const answer = await t.gql(LOG, { ledger: 'rectification' }, { token: await t.signIn('admin') });
    expect(answer.errors).toBeUndefined();
    const mine = (answer.data!.auditLog as { action: string; rowId: string; detail: Record<string, unknown> }[])
      .filter((e) => e.rowId === rectificationRow.id)
      .reverse();
    expect(mine.map((e) => e.detail.display ?? null)).toEqual([
      { old: null, new: { case_ref: 'RH-2026-0001' } },
      { old: { case_ref: 'RH-2026-0001' }, new: { case_ref: 'RH-2026-0002' } },
      null,
      { old: { case_ref: 'RH-2026-0002' }, new: { case_ref: null } },
    ]);
    expect(mine[1].detail).toMatchObject({ old: { case_ref: caseIds.get('RH-2026-0001') } });
  });
});
