import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkName, tableNameOf } from '@taizhang/ledger-core';
import { startTestApi, type TestApi } from './api-harness';

/**
 * One bad row never costs the others: a missing or foreign reference, a unique clash, a locked
 * period and a rule only the database holds are each refused on their own row, with the field and
 * the reason in Chinese, and every valid row of the batch is saved.
 */
const PUBLISH = 'mutation ($d: JSON!) { publishLedger(definition: $d) { key version } }';
const SAVE = `mutation ($ledger: String!, $changes: [RowChangeInput!]!) {
  saveRows(ledger: $ledger, changes: $changes) { saved rejected results { index status errors { path message } row { id } } } }`;
const SUBMIT = `mutation ($ledger: String!, $period: String!) { submitSheet(ledger: $ledger, period: $period) { state rowCount } }`;

const TARGET = {
  key: 'ref_target_probe',
  title: '被引用台账',
  fields: [{ key: 'name', title: '名称', type: 'text', required: true }],
};
const SOURCE = {
  key: 'ref_source_probe',
  title: '引用台账',
  period: 'daily',
  periodField: 'day',
  fields: [
    { key: 'day', title: '日期', type: 'date', required: true },
    { key: 'code', title: '编号', type: 'text', required: true, unique: true },
    { key: 'target', title: '关联事项', type: 'reference', ledger: 'ref_target_probe' },
    { key: 'amount', title: '数量', type: 'integer' },
  ],
};

let t: TestApi;
let clerk01: string;
let clerk02: string;
let ownTarget: string;
let foreignTarget: string;
let deletedTarget: string;

async function save(token: string, ledger: string, changes: unknown[]) {
  const answer = await t.gql(SAVE, { ledger, changes }, { token });
  expect(answer.errors).toBeUndefined();
  return answer.data!.saveRows as {
    saved: number;
    rejected: number;
    results: {
      index: number;
      status: string;
      errors: { path: string; message: string }[] | null;
      row: { id: string } | null;
    }[];
  };
}

beforeAll(async () => {
  t = await startTestApi();
  const admin = await t.signIn('admin');
  [clerk01, clerk02] = await Promise.all([t.signIn('clerk01'), t.signIn('clerk02')]);
  for (const d of [TARGET, SOURCE]) expect((await t.gql(PUBLISH, { d }, { token: admin })).errors).toBeUndefined();
  const own = await save(clerk01, TARGET.key, [
    { op: 'INSERT', values: { name: '本单位事项' } },
    { op: 'INSERT', values: { name: '已删除事项' } },
  ]);
  [ownTarget, deletedTarget] = own.results.map((r) => r.row!.id);
  await save(clerk01, TARGET.key, [{ op: 'DELETE', id: deletedTarget, version: 1 }]);
  foreignTarget = (await save(clerk02, TARGET.key, [{ op: 'INSERT', values: { name: '他单位事项' } }])).results[0].row!
    .id;
  // a sheet submitted: its period is locked
  await save(clerk01, SOURCE.key, [{ op: 'INSERT', values: { day: '2026-11-30', code: 'L-1' } }]);
  const submitted = await t.gql(SUBMIT, { ledger: SOURCE.key, period: '2026-11-30' }, { token: clerk01 });
  expect(submitted.data!.submitSheet.rowCount).toBe(1);
});
afterAll(() => t?.close());

describe('a batch with bad rows', () => {
  it('refuses exactly the missing, foreign and deleted references, the clash and the locked period; saves the rest', async () => {
    const changes = Array.from({ length: 100 }, (_, i) => ({
      op: 'INSERT',
      values: { day: '2026-12-01', code: `C-${i}`, target: ownTarget, amount: i },
    }));
    changes[10].values.target = '999999';
    changes[20].values.target = foreignTarget;
    changes[30].values.code = 'C-29';
    changes[40].values.day = '2026-11-30';
    changes[50].values.target = deletedTarget;
    const result = await save(clerk01, SOURCE.key, changes);
    const refused = result.results.filter((r) => r.status === 'REJECTED');
    expect(refused.map((r) => r.index)).toEqual([10, 20, 30, 40, 50]);
    expect(result).toMatchObject({ saved: 95, rejected: 5 });
    expect(refused[0].errors).toEqual([
      { path: 'target', message: '「关联事项」引用的第 999999 行不存在、已删除或不属于本单位' },
    ]);
    expect(refused[1].errors![0].path).toBe('target');
    expect(refused[2].errors).toEqual([{ path: 'code', message: '「编号」与本批第 30 行重复' }]);
    expect(refused[3].errors![0].message).toContain('已提交并锁定');
    expect(refused[4].errors![0].path).toBe('target');
    const stored = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${tableNameOf(SOURCE.key)} WHERE period = '2026-12-01' AND deleted_at IS NULL`,
    );
    expect(stored[0].n).toBe(95);
  });

  it('a rule only the database holds refuses its row alone, naming the field, never INTERNAL', async () => {
    // as if an older definition's rule were still in force for new rows
    const table = tableNameOf(SOURCE.key);
    await t.db.query(
      `ALTER TABLE ${table} ADD CONSTRAINT ${checkName(table, 'amount', 9)} CHECK (amount IS NULL OR amount < 1000)`,
    );
    try {
      const result = await save(clerk01, SOURCE.key, [
        { op: 'INSERT', values: { day: '2026-12-02', code: 'D-1', amount: 5 } },
        { op: 'INSERT', values: { day: '2026-12-02', code: 'D-2', amount: 5000 } },
        { op: 'INSERT', values: { day: '2026-12-02', code: 'D-3', amount: 7 } },
      ]);
      expect(result.results.map((r) => r.status)).toEqual(['SAVED', 'REJECTED', 'SAVED']);
      expect(result.results[1].errors).toEqual([{ path: 'amount', message: '「数量」的值不符合台账的规定' }]);
    } finally {
      await t.db.query(`ALTER TABLE ${table} DROP CONSTRAINT ${checkName(table, 'amount', 9)}`);
    }
  });
});

describe('a submitted sheet', () => {
  it('counts the rows it was submitted with, whatever happens to the table afterwards', async () => {
    // as if a row were removed by hand after the submission
    await t.db.query(`UPDATE ${tableNameOf(SOURCE.key)} SET deleted_at = now() WHERE period = '2026-11-30'`);
    try {
      const sheet = await t.gql(
        `query ($ledger: String!, $period: String!) { sheet(ledger: $ledger, period: $period) { state rowCount } }`,
        { ledger: SOURCE.key, period: '2026-11-30' },
        { token: clerk01 },
      );
      expect(sheet.errors).toBeUndefined();
      expect(sheet.data!.sheet).toEqual({ state: 'SUBMITTED', rowCount: 1 });
    } finally {
      await t.db.query(`UPDATE ${tableNameOf(SOURCE.key)} SET deleted_at = NULL WHERE period = '2026-11-30'`);
    }
  });
});

describe('the same bad rows through an import', () => {
  it('keeps the 96 valid rows of a file and names the field and the reason of the four others', async () => {
    const lines = ['日期,编号,关联事项,数量'];
    for (let i = 0; i < 100; i += 1) {
      let [day, code, target] = ['2026-12-03', `I-${i}`, ownTarget];
      if (i === 10) target = '999999';
      if (i === 20) target = foreignTarget;
      if (i === 30) code = 'I-29';
      if (i === 40) day = '2026-11-30';
      lines.push(`${day},${code},${target},${i}`);
    }
    const form = new FormData();
    form.append('file', new Blob([lines.join('\r\n')]), '引用.csv');
    const response = await fetch(`${t.url}/import/${SOURCE.key}?mode=commit&keepValid=true`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${clerk01}` },
    });
    const body = (await response.json()) as {
      saved: number;
      rejected: number;
      rows: { rowNumber: number; status: string; errors: { field: string; message: string }[] }[];
    };
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect({ saved: body.saved, rejected: body.rejected }).toEqual({ saved: 96, rejected: 4 });
    const refused = body.rows.filter((r) => r.status === 'REJECTED');
    // the file's row numbers: the header is row 1
    expect(refused.map((r) => r.rowNumber)).toEqual([12, 22, 32, 42]);
    expect(refused[0].errors).toEqual([
      { field: 'target', message: '「关联事项」引用的第 999999 行不存在、已删除或不属于本单位' },
    ]);
    expect(refused[1].errors[0].field).toBe('target');
    expect(refused[2].errors).toEqual([{ field: 'code', message: '「编号」与本批第 30 行重复' }]);
    expect(refused[3].errors[0].message).toContain('已提交并锁定');
    const stored = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${tableNameOf(SOURCE.key)} WHERE period = '2026-12-03' AND deleted_at IS NULL`,
    );
    expect(stored[0].n).toBe(96);
  });
});
