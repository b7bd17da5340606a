import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-harness';

/**
 * A new row saved once (row-receipts.ts, docs/api.md "Saving a new row once"), on a real
 * PostgreSQL: the same keyed insert sent again, alone, with later edits, at the same time, by
 * another unit, after someone else changed the row, and with keys that cannot be ones.
 */
const PUBLISH = 'mutation ($d: JSON!) { publishLedger(definition: $d) { key version } }';
const SAVE = `mutation ($unitId: ID, $changes: [RowChangeInput!]!, $allOrNothing: Boolean) {
  saveRows(ledger: "receipt_probe", unitId: $unitId, changes: $changes, allOrNothing: $allOrNothing) {
    saved rejected conflicts
    results { status row { id version unitId values } errors { path message } current { version values } } } }`;

const PROBE = {
  key: 'receipt_probe',
  title: '重复提交探针',
  fields: [
    { key: 'title', title: '事项', type: 'text', required: true },
    { key: 'amount', title: '数量', type: 'integer' },
  ],
};

interface Saved {
  saved: number;
  rejected: number;
  conflicts: number;
  results: {
    status: string;
    row: { id: string; version: number; unitId: string; values: Record<string, unknown> } | null;
    errors: { path: string; message: string }[] | null;
    current: { version: number; values: Record<string, unknown> } | null;
  }[];
}

let t: TestApi;
let admin: string;
let clerk: string;
let otherClerk: string;
beforeAll(async () => {
  t = await startTestApi();
  [admin, clerk, otherClerk] = await Promise.all([t.signIn('admin'), t.signIn('clerk01'), t.signIn('clerk02')]);
  expect((await t.gql(PUBLISH, { d: PROBE }, { token: admin })).errors).toBeUndefined();
});
afterAll(() => t?.close());

const save = async (token: string, changes: unknown[], extra: Record<string, unknown> = {}): Promise<Saved> => {
  const answer = await t.gql<{ saveRows: Saved }>(SAVE, { changes, ...extra }, { token });
  expect(answer.errors).toBeUndefined();
  return answer.data!.saveRows;
};
const rowsTitled = (title: string) =>
  t.db.query<{ id: string; unit_id: number; amount: number | null; version: number }>(
    `SELECT id, unit_id, amount::int AS amount, version FROM ledger_receipt_probe WHERE title = $1 AND deleted_at IS NULL ORDER BY id`,
    [title],
  );

describe('an insert with a clientKey', () => {
  it('sent twice makes one row, and the second answer is that row', async () => {
    const insert = { op: 'INSERT', clientKey: 'k-twice', values: { title: '窗口受理登记', amount: 3 } };
    const first = await save(clerk, [insert]);
    const again = await save(clerk, [insert]);
    expect(first.saved).toBe(1);
    expect(again.saved).toBe(1);
    expect(again.results[0].row!.id).toBe(first.results[0].row!.id);
    expect(again.results[0].row!.version).toBe(first.results[0].row!.version);
    expect(await rowsTitled('窗口受理登记')).toHaveLength(1);
    const history = await t.db.query<{ op: string }>(
      `SELECT op FROM row_history WHERE ledger_key = 'receipt_probe' AND row_id = $1 ORDER BY id`,
      [first.results[0].row!.id],
    );
    // the repeat changed nothing, so it wrote nothing
    expect(history.map((h) => h.op)).toEqual(['insert']);
  });

  it('sent again with the edits made while its answer was lost saves them on the one row', async () => {
    const first = await save(clerk, [
      { op: 'INSERT', clientKey: 'k-edited', values: { title: '整改登记', amount: 1 } },
    ]);
    const again = await save(clerk, [
      { op: 'INSERT', clientKey: 'k-edited', values: { title: '整改登记', amount: 7 } },
      { op: 'INSERT', clientKey: 'k-new', values: { title: '整改登记', amount: 8 } },
    ]);
    expect(again.results.map((r) => r.status)).toEqual(['SAVED', 'SAVED']);
    expect(again.results[0].row!.id).toBe(first.results[0].row!.id);
    expect(again.results[0].row!.values.amount).toBe(7);
    expect(again.results[0].row!.version).toBe(first.results[0].row!.version + 1);
    const rows = await rowsTitled('整改登记');
    expect(rows.map((r) => r.amount)).toEqual([7, 8]);
  });

  it('sent at the same time in several requests makes one row', async () => {
    const insert = { op: 'INSERT', clientKey: 'k-racing', values: { title: '同时重发', amount: 2 } };
    const answers = await Promise.all(Array.from({ length: 6 }, () => save(clerk, [insert])));
    const ids = new Set(answers.map((a) => a.results[0].row?.id));
    expect(answers.every((a) => a.saved === 1)).toBe(true);
    expect(ids.size).toBe(1);
    expect(await rowsTitled('同时重发')).toHaveLength(1);
  });

  it('comes back as a conflict when someone else changed the row in between', async () => {
    const first = await save(clerk, [
      { op: 'INSERT', clientKey: 'k-changed', values: { title: '他人已改', amount: 1 } },
    ]);
    const row = first.results[0].row!;
    const edited = await save(admin, [{ op: 'UPDATE', id: row.id, version: row.version, values: { amount: 5 } }], {
      unitId: row.unitId,
    });
    expect(edited.saved).toBe(1);
    const again = await save(clerk, [
      { op: 'INSERT', clientKey: 'k-changed', values: { title: '他人已改', amount: 9 } },
    ]);
    expect(again.conflicts).toBe(1);
    expect(again.results[0].current!.values.amount).toBe(5);
    expect((await rowsTitled('他人已改')).map((r) => r.amount)).toEqual([5]);
  });

  it("is a unit's own: another unit's same key makes that unit's row", async () => {
    const insert = { op: 'INSERT', clientKey: 'k-shared', values: { title: '两个单位同键', amount: 1 } };
    const mine = await save(clerk, [insert]);
    const theirs = await save(otherClerk, [insert]);
    expect(theirs.saved).toBe(1);
    expect(theirs.results[0].row!.id).not.toBe(mine.results[0].row!.id);
    expect(theirs.results[0].row!.unitId).not.toBe(mine.results[0].row!.unitId);
    // and the first unit's clerk still gets their own row back
    expect((await save(clerk, [insert])).results[0].row!.id).toBe(mine.results[0].row!.id);
    expect(await rowsTitled('两个单位同键')).toHaveLength(2);
  });

  it('is refused by itself when the key is given twice in a batch or is too long; the other rows are saved', async () => {
    const answer = await save(clerk, [
      { op: 'INSERT', clientKey: 'k-dup', values: { title: '键重复', amount: 1 } },
      { op: 'INSERT', clientKey: 'k-dup', values: { title: '键重复', amount: 2 } },
      { op: 'INSERT', clientKey: 'x'.repeat(101), values: { title: '键重复', amount: 3 } },
      { op: 'INSERT', values: { title: '键重复', amount: 4 } },
    ]);
    expect(answer.results.map((r) => r.status)).toEqual(['SAVED', 'REJECTED', 'REJECTED', 'SAVED']);
    expect(answer.results[1].errors![0]).toMatchObject({ path: 'clientKey' });
    expect(answer.results[1].errors![0].message).toContain('同一批中已有一行使用 clientKey「k-dup」');
    expect(answer.results[2].errors![0].message).toContain('clientKey 应为 1 到 100 个字符');
    expect((await rowsTitled('键重复')).map((r) => r.amount)).toEqual([1, 4]);
  });

  it('leaves no receipt when its row was refused, so the corrected row is saved when sent again', async () => {
    const refused = await save(clerk, [{ op: 'INSERT', clientKey: 'k-fixed', values: { amount: 1 } }]);
    expect(refused.rejected).toBe(1);
    const fixed = await save(clerk, [
      { op: 'INSERT', clientKey: 'k-fixed', values: { title: '改正后保存', amount: 1 } },
    ]);
    expect(fixed.saved).toBe(1);
    expect(await rowsTitled('改正后保存')).toHaveLength(1);
  });

  it('all or nothing: a refused key keeps none of the batch', async () => {
    const answer = await save(
      clerk,
      [
        { op: 'INSERT', clientKey: 'k-all-1', values: { title: '全部或不保存', amount: 1 } },
        { op: 'INSERT', clientKey: '', values: { title: '全部或不保存', amount: 2 } },
      ],
      { allOrNothing: true },
    );
    expect(answer.saved).toBe(0);
    expect(await rowsTitled('全部或不保存')).toHaveLength(0);
  });
});
