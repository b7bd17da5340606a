import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handTyped } from '@taizhang/testing';
import { startTestApi, type TestApi } from './api-harness';

/**
 * A batch across units (issue 25): an admin's or an import's saveRows carries rows of several
 * units, each change naming its unit (RowChangeInput.unitId), in one request and one transaction.
 * A clerk may name only their own unit: a change naming another is refused by itself, with its
 * field and reason, and the clerk's own rows are kept; all or nothing undoes every unit's rows.
 */
const SAVE = `mutation ($ledger: String!, $unitId: ID, $changes: [RowChangeInput!]!, $all: Boolean) {
  saveRows(ledger: $ledger, unitId: $unitId, changes: $changes, allOrNothing: $all) {
    saved rejected conflicts
    results { index status row { id unitId version values } errors { path message } }
  }
}`;
const report = (unitId: string | null, date: string, cases: number, followUps: number) =>
  handTyped({
    op: 'INSERT',
    ...(unitId === null ? {} : { unitId }),
    values: { report_date: date, cases, follow_ups: followUps, dissatisfied: 0 },
  });

let t: TestApi;
let admin: string;
let clerk01: string;
const unit: Record<string, string> = {};

/** The daily report's rows as stored, by unit code and date (an independent read, as the owner). */
const stored = async (date: string) =>
  t.db.query<{ code: string; cases: number }>(
    `SELECT u.code, r.cases::int AS cases FROM ledger_daily_followup r JOIN units u ON u.id = r.unit_id
      WHERE r.report_date = $1 AND r.deleted_at IS NULL ORDER BY u.code`,
    [date],
  );

beforeAll(async () => {
  t = await startTestApi();
  [admin, clerk01] = await Promise.all([t.signIn('admin'), t.signIn('clerk01')]);
  for (const r of await t.db.query<{ id: number; code: string }>(
    `SELECT id, code FROM units WHERE code IN ('xz01', 'xz02', 'xz03', 'ck01', 'gs01')`,
  ))
    unit[r.code] = String(r.id);
});
afterAll(() => t?.close());

describe('a batch across units', () => {
  it("saves an admin's rows of three units in one request, each in its unit, with its history", async () => {
    const response = await t.gql(
      SAVE,
      {
        ledger: 'daily_followup',
        changes: [
          report(unit.xz01, '2023-04-01', 10, 8),
          report(unit.xz02, '2023-04-01', 20, 15),
          report(unit.ck01, '2023-04-01', 30, 30),
          report(unit.xz02, '2023-04-02', 5, 5),
        ],
      },
      { token: admin },
    );
    expect(response.errors).toBeUndefined();
    const result = response.data!.saveRows;
    expect(result).toMatchObject({ saved: 4, rejected: 0, conflicts: 0 });
    expect(result.results.map((r: { index: number; row: { unitId: string } }) => [r.index, r.row.unitId])).toEqual([
      [0, unit.xz01],
      [1, unit.xz02],
      [2, unit.ck01],
      [3, unit.xz02],
    ]);
    expect(await stored('2023-04-01')).toEqual([
      { code: 'ck01', cases: 30 },
      { code: 'xz01', cases: 10 },
      { code: 'xz02', cases: 20 },
    ]);
    const history = await t.db.query<{ unit_id: number; n: number }>(
      `SELECT unit_id, count(*)::int AS n FROM row_history WHERE ledger_key = 'daily_followup' AND op = 'insert'
          AND row_id = ANY($1::bigint[]) GROUP BY unit_id ORDER BY unit_id`,
      [result.results.map((r: { row: { id: string } }) => r.row.id)],
    );
    expect(Object.fromEntries(history.map((h) => [String(h.unit_id), h.n]))).toEqual({
      [unit.xz01]: 1,
      [unit.xz02]: 2,
      [unit.ck01]: 1,
    });
  });

  it("checks each unit's rows as that unit's: a date taken in one unit is free in another", async () => {
    const response = await t.gql(
      SAVE,
      {
        ledger: 'daily_followup',
        changes: [report(unit.xz01, '2023-04-01', 1, 1), report(unit.xz03, '2023-04-01', 7, 7)],
      },
      { token: admin },
    );
    const result = response.data!.saveRows;
    expect(result.results.map((r: { status: string }) => r.status)).toEqual(['REJECTED', 'SAVED']);
    expect(result.results[0].errors[0].path).toBe('report_date');
    expect(await stored('2023-04-01')).toContainEqual({ code: 'xz03', cases: 7 });
  });

  it("refuses a clerk's change naming another unit, row by row, and keeps the clerk's own rows", async () => {
    const response = await t.gql(
      SAVE,
      {
        ledger: 'daily_followup',
        changes: [
          report(unit.xz01, '2023-04-03', 3, 3),
          report(unit.xz02, '2023-04-03', 9, 9),
          report(null, '2023-04-04', 4, 4),
        ],
      },
      { token: clerk01 },
    );
    expect(response.errors).toBeUndefined();
    const result = response.data!.saveRows;
    expect(result).toMatchObject({ saved: 2, rejected: 1 });
    expect(result.results[1]).toMatchObject({
      index: 1,
      status: 'REJECTED',
      errors: [{ path: 'unitId', message: `只能写入本单位的行，不能写入单位 ${unit.xz02}` }],
    });
    expect(result.results[2].row.unitId).toBe(unit.xz01);
    expect(await stored('2023-04-03')).toEqual([{ code: 'xz01', cases: 3 }]);
    const english = await t.gql(
      SAVE,
      { ledger: 'daily_followup', changes: [report(unit.xz02, '2023-04-05', 9, 9)] },
      { token: clerk01, language: 'en' },
    );
    expect(english.data!.saveRows.results[0].errors).toEqual([
      { path: 'unitId', message: `You can only write rows of your own unit, not of unit ${unit.xz02}` },
    ]);
  });

  it('refuses a change naming a unit that does not fill the ledger or does not exist, and keeps the rest', async () => {
    const response = await t.gql(
      SAVE,
      {
        ledger: 'daily_followup',
        changes: [
          report(unit.gs01, '2023-04-06', 1, 1),
          report('999999', '2023-04-06', 2, 2),
          report('x1', '2023-04-06', 2, 2),
          report(unit.xz02, '2023-04-06', 6, 6),
        ],
      },
      { token: admin, language: 'en' },
    );
    const result = response.data!.saveRows;
    expect(result.results.map((r: { status: string }) => r.status)).toEqual([
      'REJECTED',
      'REJECTED',
      'REJECTED',
      'SAVED',
    ]);
    expect(result.results[0].errors[0]).toEqual({
      path: 'unitId',
      message: `The ledger "daily_followup" is not assigned to unit ${unit.gs01}`,
    });
    expect(result.results[1].errors[0]).toEqual({ path: 'unitId', message: 'Unit 999999 does not exist' });
    expect(result.results[2].errors[0]).toEqual({ path: 'unitId', message: 'Invalid unit id "x1"' });
    expect(await stored('2023-04-06')).toEqual([{ code: 'xz02', cases: 6 }]);
  });

  it('all or nothing: one bad row in one unit, and no unit keeps any row', async () => {
    const response = await t.gql(
      SAVE,
      {
        ledger: 'daily_followup',
        all: true,
        changes: [
          report(unit.xz01, '2023-04-07', 3, 3),
          report(unit.xz02, '2023-04-07', 4, 4),
          report(unit.xz03, '2023-04-07', 2, 5), // more follow-ups than cases
        ],
      },
      { token: admin },
    );
    const result = response.data!.saveRows;
    expect(result).toMatchObject({ saved: 0, rejected: 3 });
    expect(result.results[0].errors[0].message).toBe('同批其他行有错误，本行未保存');
    expect(result.results[2].errors[0].path).toBe('follow_ups');
    expect(await stored('2023-04-07')).toEqual([]);
    expect(
      await t.db.query(
        `SELECT 1 FROM row_history h WHERE h.ledger_key = 'daily_followup' AND h.new_values->>'report_date' = '2023-04-07'`,
      ),
    ).toEqual([]);
  });

  it("all or nothing: a clerk's change naming another unit undoes the clerk's own rows too", async () => {
    const response = await t.gql(
      SAVE,
      {
        ledger: 'daily_followup',
        all: true,
        changes: [report(unit.xz01, '2023-04-08', 3, 3), report(unit.xz02, '2023-04-08', 3, 3)],
      },
      { token: clerk01 },
    );
    expect(response.data!.saveRows).toMatchObject({ saved: 0, rejected: 2 });
    expect(await stored('2023-04-08')).toEqual([]);
  });

  it('an admin naming no unit for a change, and none for the batch, is told which row needs one', async () => {
    const response = await t.gql(
      SAVE,
      { ledger: 'daily_followup', changes: [report(unit.xz01, '2023-04-09', 1, 1), report(null, '2023-04-09', 1, 1)] },
      { token: admin },
    );
    const result = response.data!.saveRows;
    expect(result.results.map((r: { status: string }) => r.status)).toEqual(['SAVED', 'REJECTED']);
    expect(result.results[1].errors[0]).toEqual({ path: 'unitId', message: '请指定这一行的单位（unitId）' });
    // the mutation's unitId is the unit of a change that names none
    const withDefault = await t.gql(
      SAVE,
      {
        ledger: 'daily_followup',
        unitId: unit.xz03,
        changes: [report(unit.xz02, '2023-04-09', 2, 2), report(null, '2023-04-09', 3, 3)],
      },
      { token: admin },
    );
    expect(withDefault.data!.saveRows.saved).toBe(2);
    expect(await stored('2023-04-09')).toEqual([
      { code: 'xz01', cases: 1 },
      { code: 'xz02', cases: 2 },
      { code: 'xz03', cases: 3 },
    ]);
  });

  it("refuses the rows of a unit whose sheet is submitted, saves the other units' rows, each with its history, webhook and sums", async () => {
    const DAY = '2023-04-20';
    const clerk02 = await t.signIn('clerk02');
    const [{ code }] = await t.db.query<{ code: string }>(
      `SELECT u.code FROM users s JOIN units u ON u.id = s.unit_id WHERE s.username = 'clerk02'`,
    );
    expect(code).toBe('xz02');
    const own = await t.gql(SAVE, { ledger: 'daily_followup', changes: [report(null, DAY, 8, 8)] }, { token: clerk02 });
    const ownRow = own.data!.saveRows.results[0].row;
    const submitted = await t.gql(
      `mutation { submitSheet(ledger: "daily_followup", period: "${DAY}") { state } }`,
      {},
      { token: clerk02 },
    );
    expect(submitted.data!.submitSheet.state).toMatch(/^SUBMITTED/);
    // a webhook subscribing to row.saved (made by SQL: its deliveries are only read, never sent here)
    const [hook] = await t.db.query<{ id: string }>(
      `INSERT INTO webhooks (url, events, ledger_key, secret) VALUES ('http://192.0.2.1/hook', '{row.saved}', 'daily_followup', 's') RETURNING id::text`,
    );
    try {
      const response = await t.gql(
        SAVE,
        {
          ledger: 'daily_followup',
          changes: [
            report(unit.xz01, DAY, 10, 9),
            report(unit.xz02, '2023-04-21', 1, 1), // another day of the same unit: its sheet is not submitted
            { op: 'UPDATE', unitId: unit.xz02, id: ownRow.id, version: ownRow.version, values: { cases: 9 } },
            report(unit.xz03, DAY, 30, 20),
            { op: 'DELETE', unitId: unit.xz02, id: ownRow.id, version: ownRow.version },
          ],
        },
        { token: admin, language: 'en' },
      );
      expect(response.errors).toBeUndefined();
      const result = response.data!.saveRows;
      expect(result.results.map((r: { status: string }) => r.status)).toEqual([
        'SAVED',
        'SAVED',
        'REJECTED',
        'SAVED',
        'REJECTED',
      ]);
      for (const i of [2, 4])
        expect(result.results[i].errors).toEqual([
          { path: '', message: `The sheet of ${DAY} is submitted and locked` },
        ]);
      expect(await stored(DAY)).toEqual([
        { code: 'xz01', cases: 10 },
        { code: 'xz02', cases: 8 },
        { code: 'xz03', cases: 30 },
      ]);
      const saved = result.results.filter((r: { status: string }) => r.status === 'SAVED');
      const ids = saved.map((r: { row: { id: string } }) => r.row.id);
      // one history entry and one row.saved delivery per saved row, each with the row's own unit
      const history = await t.db.query<{ row_id: string; unit_id: number }>(
        `SELECT row_id::text, unit_id FROM row_history WHERE ledger_key = 'daily_followup' AND row_id = ANY($1::bigint[]) ORDER BY row_id`,
        [ids],
      );
      const unitOfRow = Object.fromEntries(
        saved.map((r: { row: { id: string; unitId: string } }) => [r.row.id, r.row.unitId]),
      );
      expect(history.map((h) => [h.row_id, String(h.unit_id)])).toEqual(
        [...ids].sort((a, b) => Number(a) - Number(b)).map((id) => [id, unitOfRow[id]]),
      );
      const deliveries = await t.db.query<{ row_id: string; unit_id: string }>(
        `SELECT payload::jsonb->'data'->'row'->>'id' AS row_id, payload::jsonb->'data'->'unit'->>'id' AS unit_id
           FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY 1`,
        [hook.id],
      );
      expect(Object.fromEntries(deliveries.map((d) => [d.row_id, d.unit_id]))).toEqual(unitOfRow);
      // the daily sums of every unit's day equal its rows (kept by the triggers of the one INSERT)
      const sums = await t.db.query(
        `SELECT unit_id, n::int FROM ledger_daily_followup__daily WHERE day = $1::date ORDER BY unit_id`,
        [DAY],
      );
      const rows = await t.db.query(
        `SELECT unit_id, count(*)::int AS n FROM ledger_daily_followup WHERE report_date = $1::date AND deleted_at IS NULL GROUP BY unit_id ORDER BY unit_id`,
        [DAY],
      );
      expect(sums).toEqual(rows);
    } finally {
      await t.db.query(`UPDATE webhooks SET active = false WHERE id = $1`, [hook.id]);
    }
  });

  it("an admin's save into one unit checks that unit in its transaction: unknown, or not filling the ledger", async () => {
    const unknown = await t.gql(
      SAVE,
      { ledger: 'daily_followup', unitId: '999999', changes: [report(null, '2023-04-10', 1, 1)] },
      { token: admin },
    );
    expect(unknown.errors![0]).toMatchObject({
      message: '单位 999999 不存在',
      extensions: { code: 'NOT_FOUND', reason: 'UNIT_NOT_FOUND' },
    });
    const section = await t.gql(
      SAVE,
      { ledger: 'daily_followup', unitId: unit.gs01, changes: [report(null, '2023-04-10', 1, 1)] },
      { token: admin },
    );
    expect(section.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'LEDGER_NOT_ASSIGNED' });
    expect(await stored('2023-04-10')).toEqual([]);
  });
});
