import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../src/common/time/clock';
import { handTyped } from '@taizhang/testing';
import { startTestApi, type TestApi } from './api-harness';

/**
 * A clerk's day with a sheet (issue 27): 撤回 (withdraw) before the deadline and never after, the
 * reminders seen at submit kept with the submission, 逾期未报 for a missed period, and no filling
 * ahead of a period that has not begun.
 */
const SHEET_FIELDS = `state submittedAt rowCount overdue future canWithdraw withdrawnCount withdrawnAt submittedWarnings unit { code }`;
const SAVE = `mutation ($changes: [RowChangeInput!]!) { saveRows(ledger: "daily_followup", changes: $changes) {
  saved results { status errors { path message } } } }`;
const SUBMIT = `mutation ($period: String!, $n: Int) { submitSheet(ledger: "daily_followup", period: $period, acknowledgedWarnings: $n) { ${SHEET_FIELDS} } }`;
const WITHDRAW = `mutation ($period: String!) { withdrawSheet(ledger: "daily_followup", period: $period) { ${SHEET_FIELDS} } }`;
const SHEET = `query ($period: String!) { sheet(ledger: "daily_followup", period: $period) { ${SHEET_FIELDS} } }`;
const BOARD = `query ($period: String!) { submissionBoard(ledger: "daily_followup", period: $period) {
  counts { notStarted draft submitted submittedLate returned overdue withdrawn } sheets { ${SHEET_FIELDS} } } }`;
const report = (date: string, cases = 4, followUps = 4) =>
  handTyped({ op: 'INSERT', values: { report_date: date, cases, follow_ups: followUps, dissatisfied: 0 } });

// 2023-05-10 in Shanghai; its deadline is 17:00 there, 09:00 UTC
const clock = new FixedClock(new Date('2023-05-10T02:00:00Z'));
let t: TestApi;
let clerk01: string;
let clerk02: string;
let clerk03: string;
let admin: string;
beforeAll(async () => {
  t = await startTestApi({}, {}, clock);
  [clerk01, clerk02, clerk03, admin] = await Promise.all(
    ['clerk01', 'clerk02', 'clerk03', 'admin'].map((name) => t.signIn(name)),
  );
});
afterAll(() => t?.close());

const unitIdOf = async (code: string) =>
  (await t.db.query<{ id: number }>(`SELECT id FROM units WHERE code = $1`, [code]))[0].id;

describe('withdrawing a submitted sheet (撤回)', () => {
  it('before the deadline: the sheet is a draft again, editable, and the withdrawal is on the board and in the audit log', async () => {
    clock.set('2023-05-10T02:00:00Z'); // 10:00 in Shanghai
    // one row with a reminder (应访尽访: fewer follow-ups than cases)
    expect(
      (await t.gql(SAVE, { changes: [report('2023-05-10', 5, 3)] }, { token: clerk01 })).data!.saveRows.saved,
    ).toBe(1);
    const submitted = await t.gql(SUBMIT, { period: '2023-05-10', n: 1 }, { token: clerk01 });
    expect(submitted.errors).toBeUndefined();
    expect(submitted.data!.submitSheet).toMatchObject({ state: 'SUBMITTED', canWithdraw: true, submittedWarnings: 1 });

    clock.set('2023-05-10T03:00:00Z');
    const withdrawn = await t.gql(WITHDRAW, { period: '2023-05-10' }, { token: clerk01 });
    expect(withdrawn.errors).toBeUndefined();
    expect(withdrawn.data!.withdrawSheet).toMatchObject({
      state: 'DRAFT',
      submittedAt: null,
      canWithdraw: false,
      withdrawnCount: 1,
      withdrawnAt: '2023-05-10T03:00:00.000Z',
      submittedWarnings: null,
    });
    // editable again: the clerk fixes the row, then submits without reminders
    const rows = await t.gql<{ rows: { edges: { node: { id: string; version: number } }[] } }>(
      `{ rows(ledger: "daily_followup", period: "2023-05-10") { edges { node { id version } } } }`,
      {},
      { token: clerk01 },
    );
    const row = rows.data!.rows.edges[0].node;
    const fixed = await t.gql(
      SAVE,
      { changes: [handTyped({ op: 'UPDATE', id: row.id, version: row.version, values: { follow_ups: 5 } })] },
      { token: clerk01 },
    );
    expect(fixed.data!.saveRows.saved).toBe(1);
    const again = await t.gql(SUBMIT, { period: '2023-05-10', n: 0 }, { token: clerk01 });
    expect(again.data!.submitSheet).toMatchObject({ state: 'SUBMITTED', withdrawnCount: 1, submittedWarnings: 0 });

    const board = await t.gql(BOARD, { period: '2023-05-10' }, { token: admin });
    expect(board.data!.submissionBoard.counts).toMatchObject({ submitted: 1, withdrawn: 1, overdue: 0 });
    const xz01 = board.data!.submissionBoard.sheets.find((s: { unit: { code: string } }) => s.unit.code === 'xz01');
    expect(xz01).toMatchObject({ withdrawnCount: 1, withdrawnAt: '2023-05-10T03:00:00.000Z' });

    const events = await t.db.query(
      `SELECT event, warnings, acknowledged_warnings AS acknowledged FROM sheet_events
        WHERE period = '2023-05-10' AND unit_id = $1 ORDER BY id`,
      [await unitIdOf('xz01')],
    );
    expect(events).toEqual([
      { event: 'submitted', warnings: 1, acknowledged: 1 },
      { event: 'withdrawn', warnings: null, acknowledged: null },
      { event: 'submitted', warnings: 0, acknowledged: 0 },
    ]);
    const log = await t.gql<{ auditLog: { action: string; detail: Record<string, unknown> | null }[] }>(
      `{ auditLog(ledger: "daily_followup", first: 50) { action period detail } }`,
      {},
      { token: admin },
    );
    const actions = log.data!.auditLog.filter((e) => e.action === 'withdrawn' || e.action === 'submitted');
    expect(actions.map((e) => e.action)).toEqual(['submitted', 'withdrawn', 'submitted']);
    expect(actions[2].detail).toMatchObject({ late: false, warnings: 1, acknowledgedWarnings: 1 });
  });

  it('after the deadline: refused with the deadline named, the sheet stays submitted', async () => {
    clock.set('2023-05-10T09:01:00Z'); // 17:01 in Shanghai
    const refused = await t.gql(WITHDRAW, { period: '2023-05-10' }, { token: clerk01 });
    expect(refused.errors![0]).toMatchObject({
      message: '2023-05-10 的报表已过截止时间（2023-05-10 17:00），不能撤回；如需修改，请联系管理员退回',
      extensions: { code: 'LOCKED', reason: 'WITHDRAW_CLOSED' },
    });
    const sheet = await t.gql(SHEET, { period: '2023-05-10' }, { token: clerk01 });
    expect(sheet.data!.sheet).toMatchObject({ state: 'SUBMITTED', canWithdraw: false, withdrawnCount: 1 });
    // in the clerk's language
    const english = await t.gql(WITHDRAW, { period: '2023-05-10' }, { token: clerk01, language: 'en' });
    expect(english.errors![0].message).toMatch(/deadline of 2023-05-10 \(2023-05-10 17:00\) has passed/);
  });

  it('a late submission cannot be withdrawn', async () => {
    clock.set('2023-05-10T10:00:00Z'); // 18:00, past the deadline
    await t.gql(SAVE, { changes: [report('2023-05-10')] }, { token: clerk02 });
    expect((await t.gql(SUBMIT, { period: '2023-05-10' }, { token: clerk02 })).data!.submitSheet.state).toBe(
      'SUBMITTED_LATE',
    );
    const refused = await t.gql(WITHDRAW, { period: '2023-05-10' }, { token: clerk02 });
    expect(refused.errors![0]).toMatchObject({
      message: '2023-05-10 的报表是逾期提交的，不能撤回；如需修改，请联系管理员退回',
      extensions: { code: 'LOCKED' },
    });
  });

  it('once an admin has returned it: nothing to withdraw, the sheet is open already', async () => {
    clock.set('2023-05-11T01:00:00Z'); // 09:00 on 05-11
    await t.gql(SAVE, { changes: [report('2023-05-11')] }, { token: clerk01 });
    await t.gql(SUBMIT, { period: '2023-05-11' }, { token: clerk01 });
    const returned = await t.gql(
      `mutation ($unitId: ID!) { returnSheet(ledger: "daily_followup", unitId: $unitId, period: "2023-05-11", reason: "办件量与系统不符") { state } }`,
      { unitId: String(await unitIdOf('xz01')) },
      { token: admin },
    );
    expect(returned.data!.returnSheet.state).toBe('RETURNED');
    const refused = await t.gql(WITHDRAW, { period: '2023-05-11' }, { token: clerk01 });
    expect(refused.errors![0]).toMatchObject({
      message: '2023-05-11 的报表已被管理员退回，可直接修改后重新提交，无需撤回',
      extensions: { code: 'CONFLICT', reason: 'SHEET_NOT_SUBMITTED' },
    });
  });

  it("only the unit's own clerk withdraws: another unit's clerk finds nothing of theirs, an admin or leader may not", async () => {
    clock.set('2023-05-12T01:00:00Z');
    await t.gql(SAVE, { changes: [report('2023-05-12')] }, { token: clerk01 });
    expect((await t.gql(SUBMIT, { period: '2023-05-12' }, { token: clerk01 })).data!.submitSheet.state).toBe(
      'SUBMITTED',
    );
    // clerk02's withdraw is of clerk02's own sheet, which is not submitted; clerk01's stays submitted
    const other = await t.gql(WITHDRAW, { period: '2023-05-12' }, { token: clerk02 });
    expect(other.errors![0]).toMatchObject({
      message: '2023-05-12 的报表尚未提交，无需撤回',
      extensions: { code: 'CONFLICT' },
    });
    for (const token of [admin, await t.signIn('leader')]) {
      expect((await t.gql(WITHDRAW, { period: '2023-05-12' }, { token })).errors![0].extensions!.code).toBe(
        'FORBIDDEN',
      );
    }
    expect((await t.gql(SHEET, { period: '2023-05-12' }, { token: clerk01 })).data!.sheet.state).toBe('SUBMITTED');
  });

  it('racing saves under the sheet lock: a save either met the submitted sheet (refused) or the draft (saved)', async () => {
    clock.set('2023-05-13T01:00:00Z');
    const days = ['2023-05-13'];
    for (const day of days) {
      await t.gql(SAVE, { changes: [report(day)] }, { token: clerk03 });
      for (let round = 0; round < 4; round++) {
        expect((await t.gql(SUBMIT, { period: day }, { token: clerk03 })).data!.submitSheet.state).toBe('SUBMITTED');
        const [{ n: before }] = await t.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ledger_daily_followup WHERE period = $1 AND deleted_at IS NULL AND unit_id = $2`,
          [day, await unitIdOf('xz03')],
        );
        // saves of the period (its unique date allows one row): met the submitted sheet, or the draft
        const saves = Array.from({ length: 8 }, () =>
          t.gql(
            `mutation ($changes: [RowChangeInput!]!) { saveRows(ledger: "daily_followup", period: "${day}", changes: $changes) { saved } }`,
            { changes: [] },
            { token: clerk03 },
          ),
        );
        const withdraw = t.gql(WITHDRAW, { period: day }, { token: clerk03 });
        const answers = await Promise.all([withdraw, ...saves]);
        for (const answer of answers) expect(answer.errors?.[0]?.extensions?.code ?? 'none').not.toBe('INTERNAL');
        expect((await withdraw).data!.withdrawSheet.state).toBe('DRAFT');
        // every save either came before the withdraw (refused as locked) or after it (accepted), none half-way
        for (const answer of answers.slice(1))
          expect(answer.errors?.[0]?.extensions?.code ?? 'saved').toMatch(/^(saved|LOCKED)$/);
        const [{ n: after }] = await t.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ledger_daily_followup WHERE period = $1 AND deleted_at IS NULL AND unit_id = $2`,
          [day, await unitIdOf('xz03')],
        );
        expect(after).toBe(before);
      }
      const sheet = await t.gql(SHEET, { period: day }, { token: clerk03 });
      expect(sheet.data!.sheet).toMatchObject({ state: 'DRAFT', withdrawnCount: 4 });
    }
  });

  it('a withdraw waits for a save under way, and a save after it writes into the draft', async () => {
    clock.set('2023-05-14T01:00:00Z');
    const day = '2023-05-14';
    await t.gql(SAVE, { changes: [report(day)] }, { token: clerk03 });
    await t.gql(SUBMIT, { period: day }, { token: clerk03 });
    const rows = await t.gql<{ rows: { edges: { node: { id: string; version: number } }[] } }>(
      `{ rows(ledger: "daily_followup", period: "${day}") { edges { node { id version } } } }`,
      {},
      { token: clerk03 },
    );
    const row = rows.data!.rows.edges[0].node;
    const update = (cases: number) =>
      t.gql(
        SAVE,
        {
          changes: [
            handTyped({ op: 'UPDATE', id: row.id, version: row.version, values: { cases, follow_ups: cases } }),
          ],
        },
        { token: clerk03 },
      );
    const [withdrawn, ...saves] = await Promise.all([
      t.gql(WITHDRAW, { period: day }, { token: clerk03 }),
      update(6),
      update(7),
    ]);
    expect(withdrawn.data!.withdrawSheet.state).toBe('DRAFT');
    // each update either met the locked sheet or the draft; of those that met the draft, one wins the version
    const outcomes = saves.map((s) => s.data!.saveRows.results[0].status);
    for (const status of outcomes) expect(['SAVED', 'REJECTED', 'CONFLICT']).toContain(status);
    expect(outcomes.filter((s) => s === 'SAVED').length).toBeLessThanOrEqual(1);
    const [{ version }] = await t.db.query<{ version: number }>(
      `SELECT version FROM ledger_daily_followup WHERE id = $1`,
      [Number(row.id)],
    );
    expect(version).toBe(row.version + outcomes.filter((s) => s === 'SAVED').length);
  });
});

describe('a missed period (逾期未报) and a period still to come', () => {
  it('is overdue once the deadline has passed without a submission, on the sheet and the board', async () => {
    clock.set('2023-05-20T02:00:00Z');
    const before = await t.gql(SHEET, { period: '2023-05-20' }, { token: clerk02 });
    expect(before.data!.sheet).toMatchObject({ state: 'NOT_STARTED', overdue: false, future: false });
    const past = await t.gql(SHEET, { period: '2023-05-19' }, { token: clerk02 });
    expect(past.data!.sheet).toMatchObject({ state: 'NOT_STARTED', overdue: true });

    await t.gql(SAVE, { changes: [report('2023-05-20')] }, { token: clerk02 });
    clock.set('2023-05-20T09:30:00Z'); // 17:30, a draft not submitted
    const draft = await t.gql(SHEET, { period: '2023-05-20' }, { token: clerk02 });
    expect(draft.data!.sheet).toMatchObject({ state: 'DRAFT', overdue: true });

    const board = await t.gql(BOARD, { period: '2023-05-20' }, { token: admin });
    const { counts, sheets } = board.data!.submissionBoard;
    expect(counts.overdue).toBe(counts.notStarted + counts.draft + counts.returned);
    expect(counts.overdue).toBeGreaterThan(0);
    expect(
      sheets.every((s: { overdue: boolean; state: string }) => s.overdue === !s.state.startsWith('SUBMITTED')),
    ).toBe(true);
  });

  it('refuses rows, a save and a submit for a period that has not begun, naming the field and the date', async () => {
    clock.set('2023-05-20T02:00:00Z'); // 10:00 on 05-20
    const ahead = await t.gql(
      SAVE,
      { changes: [report('2023-05-21'), report('2023-05-20', 2, 2)] },
      { token: clerk03 },
    );
    expect(ahead.data!.saveRows.results[0]).toMatchObject({
      status: 'REJECTED',
      errors: [{ path: 'report_date', message: '「日期」2023-05-21 还没到，不能提前填报' }],
    });
    expect(ahead.data!.saveRows.results[1].status).toBe('SAVED');

    const withPeriod = await t.gql(
      `mutation { saveRows(ledger: "daily_followup", period: "2023-05-21", changes: []) { saved } }`,
      {},
      { token: clerk03 },
    );
    expect(withPeriod.errors![0]).toMatchObject({
      message: '2023-05-21 还没到，不能提前填报',
      extensions: { code: 'BAD_USER_INPUT', reason: 'FUTURE_PERIOD' },
    });
    const submit = await t.gql(SUBMIT, { period: '2023-05-21' }, { token: clerk03 });
    expect(submit.errors![0]).toMatchObject({ message: '2023-05-21 还没到，不能提前提交' });
    const sheet = await t.gql(SHEET, { period: '2023-05-21' }, { token: clerk03 });
    expect(sheet.data!.sheet).toMatchObject({ state: 'NOT_STARTED', future: true, overdue: false });

    // at midnight in Shanghai the day has come
    clock.set('2023-05-20T16:00:00Z');
    expect((await t.gql(SAVE, { changes: [report('2023-05-21')] }, { token: clerk03 })).data!.saveRows.saved).toBe(1);
  });

  it('refuses an acknowledged warning count that is no count', async () => {
    const bad = await t.gql(SUBMIT, { period: '2023-05-20', n: -1 }, { token: clerk03 });
    expect(bad.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});
