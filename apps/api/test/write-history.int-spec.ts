import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-harness';

/**
 * One form of history for every way a row is written: a definition's seed rows, the grid's and
 * the API's saves, an import, an anonymous answer, a row the closed loop makes, and a restore.
 * Each entry says who (or nobody) and why, and an insert's or a restore's values are the row's
 * values as the API reads them back, whichever writer made it.
 */
const PUBLISH = 'mutation ($d: JSON!) { publishLedger(definition: $d) { key version } }';
const SAVE = `mutation ($ledger: String!, $changes: [RowChangeInput!]!) {
  saveRows(ledger: $ledger, changes: $changes) { results { status errors { path message } warnings { message } row { id version } } } }`;
const ROWS = `query ($ledger: String!, $unitId: ID) {
  rows(ledger: $ledger, unitId: $unitId, first: 100) { edges { node { id values } } } }`;
const HISTORY = `query ($ledger: String!, $id: ID!) { rowHistory(ledger: $ledger, id: $id) { op source changedBy oldValues newValues } }`;

const FOLLOW_UP = {
  key: 'hist_follow_up',
  title: '跟进记录',
  fields: [
    { key: 'source_row', title: '来源行', type: 'integer', required: true },
    { key: 'note', title: '说明', type: 'text' },
    { key: 'found_on', title: '发现日期', type: 'date' },
  ],
};
const PROBE = {
  key: 'hist_probe',
  title: '历史探针',
  public: true,
  fields: [
    { key: 'name', title: '名称', type: 'text', required: true },
    { key: 'amount', title: '数量', type: 'integer' },
    { key: 'doubled', title: '两倍', type: 'integer', formula: 'amount * 2' },
    { key: 'day', title: '日期', type: 'date' },
    { key: 'at', title: '时间', type: 'datetime' },
  ],
  followUps: [
    {
      key: 'large',
      when: 'amount > 100',
      ledger: 'hist_follow_up',
      values: { source_row: 'id', note: '"数量过大：" + name', found_on: 'today()' },
    },
  ],
  seedRows: [
    { unit: 'xz01', values: { name: '种子行', amount: 3, day: '2026-12-01', at: '2026-12-01T09:30:00+08:00' } },
  ],
};

let t: TestApi;
let admin: string;
let clerk01: string;
let unit01: string;
let clerkId: number;

interface Entry {
  op: string;
  source: string;
  changedBy: string | null;
  oldValues: Record<string, unknown> | null;
  newValues: Record<string, unknown> | null;
}

async function valuesOf(ledger: string, name: string, field = 'name') {
  const answer = await t.gql(ROWS, { ledger, unitId: unit01 }, { token: admin });
  expect(answer.errors).toBeUndefined();
  const rows = answer.data!.rows.edges.map((e: { node: { id: string; values: Record<string, unknown> } }) => e.node);
  const row = rows.find((r: { values: Record<string, unknown> }) => r.values[field] === name);
  expect(row, `${ledger}: ${name}`).toBeDefined();
  return row as { id: string; values: Record<string, unknown> };
}

async function historyOf(ledger: string, id: string): Promise<Entry[]> {
  const answer = await t.gql(HISTORY, { ledger, id }, { token: admin });
  expect(answer.errors).toBeUndefined();
  return answer.data!.rowHistory;
}

/** The stored entries themselves: every writer fills the same columns. */
async function storedOf(ledger: string, id: string) {
  return t.db.query<{ op: string; source: string; changed_by: number | null; version: number }>(
    `SELECT op, source, changed_by, version FROM row_history WHERE ledger_key = $1 AND row_id = $2 ORDER BY id`,
    [ledger, Number(id)],
  );
}

beforeAll(async () => {
  t = await startTestApi();
  admin = await t.signIn('admin');
  clerk01 = await t.signIn('clerk01');
  const [me] = await t.db.query<{ id: number; unit_id: number; code: string }>(
    `SELECT u.id, u.unit_id, un.code FROM users u JOIN units un ON un.id = u.unit_id WHERE u.username = 'clerk01'`,
  );
  expect(me.code).toBe('xz01');
  unit01 = String(me.unit_id);
  clerkId = me.id;
  for (const d of [FOLLOW_UP, PROBE]) expect((await t.gql(PUBLISH, { d }, { token: admin })).errors).toBeUndefined();
});
afterAll(() => t?.close());

describe('every writer writes history in one form', () => {
  it('a seed row: no author, source seed, its values as read', async () => {
    const row = await valuesOf(PROBE.key, '种子行');
    expect(row.values).toMatchObject({ amount: 3, doubled: 6, day: '2026-12-01' });
    expect(await historyOf(PROBE.key, row.id)).toEqual([
      { op: 'insert', source: 'seed', changedBy: null, oldValues: null, newValues: row.values },
    ]);
  });

  it('a save, an update, a delete and a restore: the clerk, sources save and restore', async () => {
    const saved = await t.gql(
      SAVE,
      { ledger: PROBE.key, changes: [{ op: 'INSERT', values: { name: '保存行', amount: 5, at: '2026-12-02 10:00' } }] },
      { token: clerk01 },
    );
    const { id } = saved.data!.saveRows.results[0].row;
    const inserted = await valuesOf(PROBE.key, '保存行');
    const update = await t.gql(
      SAVE,
      { ledger: PROBE.key, changes: [{ op: 'UPDATE', id, version: 1, values: { amount: 6 } }] },
      { token: clerk01 },
    );
    expect(update.data!.saveRows.results[0].status).toBe('SAVED');
    const updated = await valuesOf(PROBE.key, '保存行');
    await t.gql(SAVE, { ledger: PROBE.key, changes: [{ op: 'DELETE', id, version: 2 }] }, { token: clerk01 });
    const restored = await t.gql(
      `mutation ($id: ID!) { restoreRow(ledger: "hist_probe", id: $id) { id } }`,
      { id },
      {
        token: clerk01,
      },
    );
    expect(restored.errors).toBeUndefined();
    expect(await historyOf(PROBE.key, id)).toEqual([
      { op: 'insert', source: 'save', changedBy: 'clerk01', oldValues: null, newValues: inserted.values },
      {
        op: 'update',
        source: 'save',
        changedBy: 'clerk01',
        oldValues: { amount: 5, doubled: 10 },
        newValues: { amount: 6, doubled: 12 },
      },
      { op: 'delete', source: 'save', changedBy: 'clerk01', oldValues: updated.values, newValues: null },
      { op: 'restore', source: 'restore', changedBy: 'clerk01', oldValues: null, newValues: updated.values },
    ]);
    expect((await storedOf(PROBE.key, id)).map((e) => [e.changed_by, e.version])).toEqual([
      [clerkId, 1],
      [clerkId, 2],
      [clerkId, 3],
      [clerkId, 4],
    ]);
  });

  it('an import: the clerk, source import, its values as read', async () => {
    const form = new FormData();
    form.append('file', new Blob(['名称,数量,日期\r\n导入行,7,2026/12/3']), '导入.csv');
    const response = await fetch(`${t.url}/import/${PROBE.key}?mode=commit`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${clerk01}` },
    });
    expect(response.status).toBe(200);
    const row = await valuesOf(PROBE.key, '导入行');
    expect(row.values).toMatchObject({ amount: 7, doubled: 14, day: '2026-12-03' });
    expect(await historyOf(PROBE.key, row.id)).toEqual([
      { op: 'insert', source: 'import', changedBy: 'clerk01', oldValues: null, newValues: row.values },
    ]);
  });

  it('an anonymous answer and the row the closed loop makes from it: nobody, sources public and follow-up', async () => {
    const answer = await t.gql(
      `mutation ($values: JSON!) { submitPublicAnswer(ledger: "hist_probe", unitCode: "xz01", values: $values) }`,
      { values: { name: '公开行', amount: 500 } },
    );
    expect(answer.errors).toBeUndefined();
    const row = await valuesOf(PROBE.key, '公开行');
    expect(await historyOf(PROBE.key, row.id)).toEqual([
      { op: 'insert', source: 'public', changedBy: null, oldValues: null, newValues: row.values },
    ]);
    const made = await valuesOf(FOLLOW_UP.key, '数量过大：公开行', 'note');
    expect(made.values.source_row).toBe(Number(row.id));
    expect(await historyOf(FOLLOW_UP.key, made.id)).toEqual([
      { op: 'insert', source: 'follow-up', changedBy: null, oldValues: null, newValues: made.values },
    ]);
  });

  it('a follow-up of a clerk’s save is the clerk’s, with source follow-up', async () => {
    await t.gql(
      SAVE,
      { ledger: PROBE.key, changes: [{ op: 'INSERT', values: { name: '大数行', amount: 200 } }] },
      {
        token: clerk01,
      },
    );
    const made = await valuesOf(FOLLOW_UP.key, '数量过大：大数行', 'note');
    expect(await historyOf(FOLLOW_UP.key, made.id)).toEqual([
      { op: 'insert', source: 'follow-up', changedBy: 'clerk01', oldValues: null, newValues: made.values },
    ]);
  });
});
