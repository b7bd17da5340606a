import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-harness';

/** The recycle bin (回收站): a unit's deleted rows, who deleted them and when, and back with restoreRow. */
const SAVE = `mutation ($changes: [RowChangeInput!]!) {
  saveRows(ledger: "window_case", changes: $changes) { results { status errors { message } row { id version } } } }`;
const BIN = `query ($unitId: ID) { deletedRows(ledger: "window_case", unitId: $unitId) { row { id unitId values } deletedAt deletedBy } }`;
const RESTORE = `mutation ($id: ID!) { restoreRow(ledger: "window_case", id: $id) { id version } }`;

type Bin = {
  deletedRows: {
    row: { id: string; unitId: string; values: Record<string, unknown> };
    deletedAt: string;
    deletedBy: string | null;
  }[];
};

let t: TestApi;
beforeAll(async () => {
  t = await startTestApi();
});
afterAll(() => t?.close());

const CASE = (no: string) => ({
  case_no: no,
  accepted_at: '2023-03-01T09:00:00+08:00',
  service_item: '社保',
  applicant: '张三',
  status: '受理',
});

async function saveAndDelete(token: string, no: string): Promise<string> {
  const saved = await t.gql<{ saveRows: { results: { row: { id: string; version: number } }[] } }>(
    SAVE,
    { changes: [{ op: 'INSERT', values: CASE(no) }] },
    { token },
  );
  const { id, version } = saved.data!.saveRows.results[0].row;
  const deleted = await t.gql<{ saveRows: { results: { status: string }[] } }>(
    SAVE,
    { changes: [{ op: 'DELETE', id, version }] },
    { token },
  );
  expect(deleted.data!.saveRows.results[0].status).toBe('SAVED');
  return id;
}

describe('the recycle bin', () => {
  it("lists a unit's deleted rows, latest first, with who deleted them, and empties as they are restored", async () => {
    const clerk = await t.signIn('clerk05');
    const first = await saveAndDelete(clerk, 'BIN-1');
    const second = await saveAndDelete(clerk, 'BIN-2');

    const bin = await t.gql<Bin>(BIN, {}, { token: clerk });
    expect(bin.errors).toBeUndefined();
    expect(bin.data!.deletedRows.map((d) => [d.row.id, d.row.values.case_no, d.deletedBy])).toEqual([
      [second, 'BIN-2', 'clerk05'],
      [first, 'BIN-1', 'clerk05'],
    ]);
    expect(Date.parse(bin.data!.deletedRows[0].deletedAt)).toBeGreaterThan(Date.now() - 60_000);

    const restored = await t.gql(RESTORE, { id: first }, { token: clerk });
    expect(restored.errors).toBeUndefined();
    const after = await t.gql<Bin>(BIN, {}, { token: clerk });
    expect(after.data!.deletedRows.map((d) => d.row.id)).toEqual([second]);
  });

  it("shows a clerk only their own unit's bin", async () => {
    const other = await t.signIn('clerk06');
    const theirs = await saveAndDelete(other, 'BIN-OTHER');
    const clerk = await t.signIn('clerk05');
    const mine = await t.gql<Bin>(BIN, {}, { token: clerk });
    expect(mine.data!.deletedRows.map((d) => d.row.id)).not.toContain(theirs);
    const named = await t.gql<Bin>(BIN, { unitId: '6' }, { token: clerk });
    expect(named.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const admin = await t.signIn('admin');
    const all = await t.gql<Bin>(BIN, { unitId: '6' }, { token: admin });
    expect(all.data!.deletedRows.map((d) => d.row.id)).toContain(theirs);
  });
});
