import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../src/common/time/clock';
import { handTyped } from '@taizhang/testing';
import { startTestApi, type TestApi } from './api-harness';

const SAVE = `mutation ($changes: [RowChangeInput!]!) { saveRows(ledger: "daily_followup", changes: $changes) { saved results { status errors { path message } } } }`;
const SUBMIT = `mutation ($period: String!) { submitSheet(ledger: "daily_followup", period: $period) { state submittedAt deadline rowCount unit { code } } }`;
const BOARD = `query ($period: String!) { submissionBoard(ledger: "daily_followup", period: $period) {
  period counts { notStarted draft submitted submittedLate returned } sheets { unit { code } state returnedReason } } }`;
const report = (date: string, cases = 4, followUps = 4) =>
  handTyped({ op: 'INSERT', values: { report_date: date, cases, follow_ups: followUps, dissatisfied: 0 } });

// The deadline of 2023-03-01 is 17:00 in Shanghai, 09:00 UTC.
const clock = new FixedClock(new Date('2023-03-01T08:00:00Z'));
let t: TestApi;
let clerk01: string;
let clerk02: string;
let admin: string;
beforeAll(async () => {
  t = await startTestApi({}, {}, clock);
  [clerk01, clerk02, admin] = await Promise.all([t.signIn('clerk01'), t.signIn('clerk02'), t.signIn('admin')]);
});
afterAll(() => t?.close());

describe('submitting a daily sheet', () => {
  it('submits before 17:00 on time, then locks the period for the unit', async () => {
    await t.gql(SAVE, { changes: [report('2023-03-01')] }, { token: clerk01 });
    const submitted = await t.gql(SUBMIT, { period: '2023-03-01' }, { token: clerk01 });
    expect(submitted.errors).toBeUndefined();
    expect(submitted.data!.submitSheet).toMatchObject({
      state: 'SUBMITTED',
      rowCount: 1,
      unit: { code: 'xz01' },
      deadline: '2023-03-01T09:00:00.000Z',
    });

    const locked = await t.gql(SAVE, { changes: [report('2023-03-01', 5, 5)] }, { token: clerk01 });
    expect(locked.data!.saveRows.results[0]).toMatchObject({
      status: 'REJECTED',
      errors: [{ message: '2023-03-01 的报表已提交并锁定，不能修改' }],
    });
    const withPeriod = await t.gql(
      `mutation { saveRows(ledger: "daily_followup", period: "2023-03-01", changes: []) { saved } }`,
      {},
      { token: clerk01 },
    );
    expect(withPeriod.errors![0].extensions!.code).toBe('LOCKED');
    expect((await t.gql(SUBMIT, { period: '2023-03-01' }, { token: clerk01 })).errors![0].extensions!.code).toBe(
      'LOCKED',
    );
  });

  it('marks a sheet submitted after 17:00 as late', async () => {
    await t.gql(SAVE, { changes: [report('2023-03-01')] }, { token: clerk02 });
    clock.set('2023-03-01T09:30:00Z'); // 17:30 in Shanghai
    const late = await t.gql(SUBMIT, { period: '2023-03-01' }, { token: clerk02 });
    expect(late.data!.submitSheet.state).toBe('SUBMITTED_LATE');
    const [event] = await t.db.query(
      `SELECT event, late FROM sheet_events WHERE unit_id = (SELECT id FROM units WHERE code = 'xz02')`,
    );
    expect(event).toEqual({ event: 'submitted', late: true });
  });

  it('refuses to submit an empty sheet, and a leader or admin cannot submit for a unit', async () => {
    const empty = await t.gql(SUBMIT, { period: '2023-02-28' }, { token: await t.signIn('clerk03') });
    expect(empty.errors![0]).toMatchObject({
      message: '2023-02-28 尚未填报任何数据，不能提交',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect((await t.gql(SUBMIT, { period: '2023-03-02' }, { token: admin })).errors![0].extensions!.code).toBe(
      'FORBIDDEN',
    );
    expect((await t.gql(SUBMIT, { period: '2023-3-2' }, { token: clerk01 })).errors![0].extensions!.reason).toBe(
      'INVALID_PERIOD',
    );
  });
});

describe('returning a sheet', () => {
  it('lets an admin return a sheet with a reason, which unlocks it and is recorded', async () => {
    const [unit] = await t.db.query<{ id: number }>(`SELECT id FROM units WHERE code = 'xz01'`);
    const noReason = await t.gql(
      `mutation { returnSheet(ledger: "daily_followup", unitId: "${unit.id}", period: "2023-03-01", reason: " ") { state } }`,
      {},
      { token: admin },
    );
    expect(noReason.errors![0].extensions!.reason).toBe('REASON_REQUIRED');
    const returned = await t.gql(
      `mutation { returnSheet(ledger: "daily_followup", unitId: "${unit.id}", period: "2023-03-01", reason: "办件量与系统不符") { state returnedReason } }`,
      {},
      { token: admin },
    );
    expect(returned.data!.returnSheet).toEqual({ state: 'RETURNED', returnedReason: '办件量与系统不符' });
    expect(
      (
        await t.gql(
          `mutation { returnSheet(ledger: "daily_followup", unitId: "${unit.id}", period: "2023-03-01", reason: "再次") { state } }`,
          {},
          { token: clerk01 },
        )
      ).errors![0].extensions!.code,
    ).toBe('FORBIDDEN');

    // unlocked: the clerk corrects the row and submits again
    const rows = await t.gql(
      `{ rows(ledger: "daily_followup", period: "2023-03-01") { edges { node { id version } } } }`,
      {},
      { token: clerk01 },
    );
    const { id, version } = rows.data!.rows.edges[0].node;
    const fixed = await t.gql(
      SAVE,
      { changes: [handTyped({ op: 'UPDATE', id, version, values: { cases: 6, follow_ups: 6 } })] },
      { token: clerk01 },
    );
    expect(fixed.data!.saveRows.saved).toBe(1);
    expect((await t.gql(SUBMIT, { period: '2023-03-01' }, { token: clerk01 })).data!.submitSheet.state).toBe(
      'SUBMITTED_LATE',
    );
    const events = await t.db.query(`SELECT event, reason FROM sheet_events WHERE unit_id = $1 ORDER BY id`, [unit.id]);
    expect(events).toEqual([
      { event: 'submitted', reason: null },
      { event: 'returned', reason: '办件量与系统不符' },
      { event: 'submitted', reason: null },
    ]);
  });
});

describe('the submission board', () => {
  it('lists every unit that fills the ledger with its state, and counts them', async () => {
    await t.gql(SAVE, { changes: [report('2023-03-01')] }, { token: await t.signIn('clerk04') });
    const board = await t.gql(BOARD, { period: '2023-03-01' }, { token: await t.signIn('leader') });
    const { sheets, counts } = board.data!.submissionBoard;
    const fillers = await t.db.query<{ code: string }>(
      `SELECT code FROM units WHERE active AND kind IN ('township_centre', 'service_window') ORDER BY sort_order`,
    );
    expect(sheets.map((s: { unit: { code: string } }) => s.unit.code)).toEqual(fillers.map((u) => u.code));
    const state = (code: string) => sheets.find((s: { unit: { code: string } }) => s.unit.code === code).state;
    expect([state('xz01'), state('xz02'), state('xz03'), state('xz04')]).toEqual([
      'SUBMITTED_LATE',
      'SUBMITTED_LATE',
      'NOT_STARTED',
      'DRAFT',
    ]);
    expect(counts).toEqual({ notStarted: fillers.length - 3, draft: 1, submitted: 0, submittedLate: 2, returned: 0 });
  });

  it("counts each unit's open and overdue rectifications, overdue as of today", async () => {
    const clerk = await t.signIn('clerk05');
    const rectification = (deadline: string, status: string) => ({
      op: 'INSERT',
      values: {
        found_on: '2023-02-20',
        source: '回访',
        description: '态度不好',
        owner: '张三',
        deadline,
        status,
        ...(status === '已整改' ? { rectified_on: '2023-02-25' } : {}),
      },
    });
    const saved = await t.gql(
      `mutation ($changes: [RowChangeInput!]!) { saveRows(ledger: "rectification", changes: $changes) { saved results { errors { path message } } } }`,
      {
        changes: [
          rectification('2023-02-25', '待整改'),
          rectification('2023-03-10', '整改中'),
          rectification('2023-02-26', '已整改'),
        ],
      },
      { token: clerk },
    );
    expect(saved.data!.saveRows.saved, JSON.stringify(saved.data!.saveRows.results)).toBe(3);
    const query = `query ($period: String!) { submissionBoard(ledger: "daily_followup", period: $period) {
      sheets { unit { code } tracked { ledgerKey open overdue } } tracked { ledgerKey title open overdue } } }`;
    const board = await t.gql(query, { period: '2023-03-01' }, { token: admin });
    const row = board.data!.submissionBoard.sheets.find((s: { unit: { code: string } }) => s.unit.code === 'xz05');
    // the clock says 2023-03-01: one open rectification is past its deadline of 02-25
    expect(row.tracked).toEqual([{ ledgerKey: 'rectification', open: 2, overdue: 1 }]);
    expect(board.data!.submissionBoard.tracked).toEqual([
      { ledgerKey: 'rectification', title: '不满意办件整改台账', open: 2, overdue: 1 },
    ]);
  });

  it('reminds (催报) the units that have not submitted, lists their clerks, and records it', async () => {
    const reminder = await t.gql(
      `mutation { remindMissing(ledger: "daily_followup", period: "2023-03-01") { remindedAt units { unit { code } state clerks { username } } } }`,
      {},
      { token: admin },
    );
    expect(reminder.errors).toBeUndefined();
    const units = reminder.data!.remindMissing.units as {
      unit: { code: string };
      state: string;
      clerks: { username: string }[];
    }[];
    const board = await t.gql(BOARD, { period: '2023-03-01' }, { token: admin });
    const missing = board.data!.submissionBoard.sheets.filter((s: { state: string }) =>
      ['NOT_STARTED', 'DRAFT', 'RETURNED'].includes(s.state),
    );
    expect(units.map((u) => u.unit.code)).toEqual(missing.map((s: { unit: { code: string } }) => s.unit.code));
    expect(units.find((u) => u.unit.code === 'xz04')).toEqual({
      unit: { code: 'xz04' },
      state: 'DRAFT',
      clerks: [{ username: 'clerk04' }],
    });
    expect(units.map((u) => u.unit.code)).not.toContain('xz01');
    const [{ n }] = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM sheet_reminders WHERE period = '2023-03-01'`,
    );
    expect(n).toBe(units.length);
    const after = await t.gql(
      `{ submissionBoard(ledger: "daily_followup", period: "2023-03-01") { sheets { unit { code } remindedAt } } }`,
      {},
      { token: admin },
    );
    const xz04 = after.data!.submissionBoard.sheets.find((s: { unit: { code: string } }) => s.unit.code === 'xz04');
    expect(xz04.remindedAt).toBe(reminder.data!.remindMissing.remindedAt);
  });

  it('shows a clerk only their own unit', async () => {
    const board = await t.gql(BOARD, { period: '2023-03-01' }, { token: clerk02 });
    expect(board.data!.submissionBoard.sheets).toEqual([
      { unit: { code: 'xz02' }, state: 'SUBMITTED_LATE', returnedReason: null },
    ]);
  });

  it('refuses a ledger without periods', async () => {
    const response = await t.gql(
      `{ submissionBoard(ledger: "window_case", period: "2023-03-01") { period } }`,
      {},
      { token: admin },
    );
    expect(response.errors![0].extensions!.reason).toBe('LEDGER_NOT_PERIODIC');
  });
});
