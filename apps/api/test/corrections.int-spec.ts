import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../src/common/time/clock';
import { handTyped } from '@taizhang/testing';
import { startTestApi, type TestApi } from './api-harness';

/**
 * Corrections of a submitted sheet (更正, issue 24): a clerk requests one field of one row changed
 * with a reason, an admin approves (applied through the row pipeline: validated, a new version, a
 * history entry, the audit log) or rejects it; an admin may correct directly. The sheet stays
 * submitted, and statistics show the new figure with a mark.
 */
const CORRECTION = `id state field fieldTitle oldValue newValue reason requestedBy decidedBy rejectReason appliedVersion period unitId`;
const SAVE = `mutation ($changes: [RowChangeInput!]!) { saveRows(ledger: "daily_followup", changes: $changes) {
  saved results { status row { id } errors { path message } } } }`;
const SUBMIT = `mutation ($period: String!) { submitSheet(ledger: "daily_followup", period: $period) { state } }`;
const REQUEST = `mutation ($row: ID!, $field: String!, $value: JSON, $reason: String!, $unit: ID) {
  requestCorrection(ledger: "daily_followup", unitId: $unit, rowId: $row, field: $field, value: $value, reason: $reason) { ${CORRECTION} } }`;
const CORRECT = `mutation ($row: ID!, $field: String!, $value: JSON, $reason: String!) {
  correctRow(ledger: "daily_followup", rowId: $row, field: $field, value: $value, reason: $reason) { ${CORRECTION} } }`;
const APPROVE = `mutation ($id: ID!) { approveCorrection(id: $id) { ${CORRECTION} } }`;
const REJECT = `mutation ($id: ID!, $reason: String!) { rejectCorrection(id: $id, reason: $reason) { ${CORRECTION} } }`;
const ROW = `query ($period: String!) { rows(ledger: "daily_followup", period: $period) { edges { node { id version values } } } }`;
const HISTORY = `query ($id: ID!) { rowHistory(ledger: "daily_followup", id: $id) {
  op version source changedBy oldValues newValues correction { reason requestedBy decidedBy field } } }`;
const BOARD = `query ($period: String!) { submissionBoard(ledger: "daily_followup", period: $period) {
  sheets { state pendingCorrections appliedCorrections unit { code } } } }`;
const STATS = `query ($from: String!, $to: String!) { statistics(ledger: "daily_followup", measures: ["follow_ups", "followup_rate"],
  groupBy: ["unit", "day"], from: $from, to: $to) {
  rows { keys { dimension value } values { measure value } }
  corrections { unitId unitName day field fieldTitle measures oldValue newValue reason } } }`;

const clock = new FixedClock(new Date('2023-05-10T10:00:00Z')); // 18:00 in Shanghai, after the deadline
let t: TestApi;
let clerk01: string;
let clerk02: string;
let admin: string;
let leader: string;
let xz01: string;
let rowId: string;

beforeAll(async () => {
  t = await startTestApi({}, {}, clock);
  [clerk01, clerk02, admin, leader] = await Promise.all(
    ['clerk01', 'clerk02', 'admin', 'leader'].map((name) => t.signIn(name)),
  );
  xz01 = String((await t.db.query<{ id: number }>(`SELECT id FROM units WHERE code = 'xz01'`))[0].id);
  const saved = await t.gql(
    SAVE,
    {
      changes: [
        handTyped({ op: 'INSERT', values: { report_date: '2023-05-10', cases: 10, follow_ups: 8, dissatisfied: 1 } }),
        handTyped({ op: 'INSERT', values: { report_date: '2023-05-09', cases: 5, follow_ups: 5, dissatisfied: 0 } }),
      ],
    },
    { token: clerk01 },
  );
  expect(saved.data!.saveRows.saved).toBe(2);
  rowId = saved.data!.saveRows.results[0].row.id;
  expect((await t.gql(SUBMIT, { period: '2023-05-10' }, { token: clerk01 })).errors).toBeUndefined();
});
afterAll(() => t?.close());

const rowNow = async (period = '2023-05-10') =>
  (await t.gql(ROW, { period }, { token: clerk01 })).data!.rows.edges[0].node as {
    id: string;
    version: number;
    values: Record<string, unknown>;
  };
const storedCorrections = async () =>
  (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM sheet_corrections`))[0].n;

describe('a clerk requests a correction of a submitted sheet, an admin approves it', () => {
  let requestId: string;

  it('keeps the request, shows it on the board, and changes nothing yet', async () => {
    const before = await rowNow();
    const requested = await t.gql(
      REQUEST,
      { row: rowId, field: 'follow_ups', value: 10, reason: '回访记录漏录 2 条' },
      { token: clerk01 },
    );
    expect(requested.errors).toBeUndefined();
    expect(requested.data!.requestCorrection).toMatchObject({
      state: 'REQUESTED',
      field: 'follow_ups',
      fieldTitle: '当日回访量',
      oldValue: 8,
      newValue: 10,
      reason: '回访记录漏录 2 条',
      decidedBy: null,
      period: '2023-05-10',
    });
    requestId = requested.data!.requestCorrection.id;
    expect(await rowNow()).toEqual(before);
    const board = await t.gql(BOARD, { period: '2023-05-10' }, { token: admin });
    const sheet = board.data!.submissionBoard.sheets.find((s: { unit: { code: string } }) => s.unit.code === 'xz01');
    expect(sheet).toMatchObject({ state: 'SUBMITTED_LATE', pendingCorrections: 1, appliedCorrections: 0 });
    // a second request of the same cell waits for the first
    const again = await t.gql(
      REQUEST,
      { row: rowId, field: 'follow_ups', value: 9, reason: '再改' },
      { token: clerk01 },
    );
    expect(again.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'CORRECTION_PENDING' });
    // the clerk sees their own requests; a clerk of another unit sees none of them
    const own = await t.gql(
      `{ corrections(ledger: "daily_followup", state: REQUESTED) { id } }`,
      {},
      { token: clerk01 },
    );
    expect(own.data!.corrections).toEqual([{ id: requestId }]);
    const other = await t.gql(`{ corrections(ledger: "daily_followup") { id } }`, {}, { token: clerk02 });
    expect(other.data!.corrections).toEqual([]);
  });

  it('applies an approved request through the write pipeline: value, version, history, audit; the sheet stays submitted', async () => {
    const before = await rowNow();
    const approved = await t.gql(APPROVE, { id: requestId }, { token: admin });
    expect(approved.errors).toBeUndefined();
    expect(approved.data!.approveCorrection).toMatchObject({
      state: 'APPLIED',
      oldValue: 8,
      newValue: 10,
      requestedBy: expect.any(String),
      decidedBy: expect.any(String),
      appliedVersion: before.version + 1,
    });
    const after = await rowNow();
    expect(after.version).toBe(before.version + 1);
    // the formula is recomputed with the new value
    expect(after.values).toMatchObject({ follow_ups: 10, cases: 10, follow_up_rate: 1 });

    const history = await t.gql(HISTORY, { id: rowId }, { token: admin });
    const last = history.data!.rowHistory.at(-1);
    expect(last).toMatchObject({
      op: 'update',
      source: 'correction',
      version: after.version,
      changedBy: 'admin',
      oldValues: { follow_ups: 8, follow_up_rate: 0.8 },
      newValues: { follow_ups: 10, follow_up_rate: 1 },
      correction: { reason: '回访记录漏录 2 条', field: 'follow_ups' },
    });
    const [names] = await t.db.query<{ clerk: string; admin: string }>(
      `SELECT (SELECT display_name FROM users WHERE username = 'clerk01') AS clerk,
              (SELECT display_name FROM users WHERE username = 'admin') AS admin`,
    );
    expect(last.correction).toMatchObject({ requestedBy: names.clerk, decidedBy: names.admin });

    const sheet = await t.gql(
      `{ sheet(ledger: "daily_followup", period: "2023-05-10") { state pendingCorrections appliedCorrections } }`,
      {},
      { token: clerk01 },
    );
    expect(sheet.data!.sheet).toEqual({ state: 'SUBMITTED_LATE', pendingCorrections: 0, appliedCorrections: 1 });
    // still locked for ordinary saves
    const save = await t.gql(
      SAVE,
      { changes: [handTyped({ op: 'UPDATE', id: rowId, version: after.version, values: { cases: 11 } })] },
      { token: clerk01 },
    );
    expect(save.data!.saveRows.results[0].status).toBe('REJECTED');

    const log = await t.gql(
      `{ auditLog(ledger: "daily_followup", first: 20) { action rowId detail } }`,
      {},
      { token: admin },
    );
    const entry = log.data!.auditLog.find((e: { detail: { source?: string } }) => e.detail?.source === 'correction');
    expect(entry).toMatchObject({
      action: 'update',
      rowId,
      detail: {
        old: { follow_ups: 8 },
        new: { follow_ups: 10 },
        correction: { reason: '回访记录漏录 2 条', requestedBy: 'clerk01', approvedBy: 'admin' },
      },
    });
  });

  it('shows the corrected figure in the statistics of the period, with the correction marked', async () => {
    const stats = await t.gql(STATS, { from: '2023-05-09', to: '2023-05-10' }, { token: leader });
    expect(stats.errors).toBeUndefined();
    const group = stats.data!.statistics.rows.find(
      (r: { keys: { value: string }[] }) => r.keys[0].value === xz01 && r.keys[1].value === '2023-05-10',
    );
    expect(group.values).toEqual([
      { measure: 'follow_ups', value: 10 },
      { measure: 'followup_rate', value: 1 },
    ]);
    expect(stats.data!.statistics.corrections).toEqual([
      {
        unitId: xz01,
        unitName: '城关镇行政审批服务中心',
        day: '2023-05-10',
        field: 'follow_ups',
        fieldTitle: '当日回访量',
        measures: ['follow_ups', 'followup_rate', 'dissatisfied_rate'],
        oldValue: 8,
        newValue: 10,
        reason: '回访记录漏录 2 条',
      },
    ]);
    // outside the range, no mark
    const earlier = await t.gql(STATS, { from: '2023-05-01', to: '2023-05-09' }, { token: leader });
    expect(earlier.data!.statistics.corrections).toEqual([]);
  });
});

describe('refusals change nothing', () => {
  it('a rejected request leaves the row as it was, with the reason kept', async () => {
    const before = await rowNow();
    const requested = await t.gql(
      REQUEST,
      { row: rowId, field: 'dissatisfied', value: 0, reason: '误填' },
      { token: clerk01 },
    );
    const id = requested.data!.requestCorrection.id;
    const blank = await t.gql(REJECT, { id, reason: '  ' }, { token: admin });
    expect(blank.errors![0]).toMatchObject({
      message: '请填写驳回原因',
      extensions: { code: 'BAD_USER_INPUT', reason: 'REASON_REQUIRED' },
    });
    const rejected = await t.gql(REJECT, { id, reason: '不满意记录有回访录音为证' }, { token: admin });
    expect(rejected.data!.rejectCorrection).toMatchObject({
      state: 'REJECTED',
      rejectReason: '不满意记录有回访录音为证',
    });
    expect(await rowNow()).toEqual(before);
    const twice = await t.gql(APPROVE, { id }, { token: admin });
    expect(twice.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'CORRECTION_DECIDED' });
    expect(await rowNow()).toEqual(before);
  });

  it('a value a rule refuses is refused with the rule named, and nothing is stored', async () => {
    const before = await rowNow();
    const stored = await storedCorrections();
    const direct = await t.gql(
      CORRECT,
      { row: rowId, field: 'follow_ups', value: 20, reason: '核对' },
      { token: admin },
    );
    expect(direct.errors![0]).toMatchObject({
      message: '更正「当日回访量」未通过校验：当日回访量不能大于当日办件量',
      extensions: {
        code: 'BAD_USER_INPUT',
        reason: 'CORRECTION_REFUSED',
        errors: [{ path: 'follow_ups', message: '当日回访量不能大于当日办件量' }],
      },
    });
    const request = await t.gql(
      REQUEST,
      { row: rowId, field: 'follow_ups', value: 20, reason: '核对' },
      { token: clerk01, language: 'en' },
    );
    expect(request.errors![0].message).toBe(
      'The correction of "Follow-ups today" is refused: Follow-ups cannot exceed cases',
    );
    const badType = await t.gql(
      REQUEST,
      { row: rowId, field: 'cases', value: 'abc', reason: '核对' },
      { token: clerk01 },
    );
    expect(badType.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CORRECTION_REFUSED' });
    expect((badType.errors![0].extensions!.errors as { path: string }[])[0].path).toBe('cases');
    expect(await rowNow()).toEqual(before);
    expect(await storedCorrections()).toBe(stored);
  });

  it('an approval the row no longer allows is refused by the rule, and the request keeps waiting', async () => {
    // valid when asked (10 follow-ups), not once an admin has corrected the follow-ups to 9
    const requested = await t.gql(
      REQUEST,
      { row: rowId, field: 'dissatisfied', value: 10, reason: '补录不满意' },
      { token: clerk01 },
    );
    expect(requested.errors).toBeUndefined();
    const corrected = await t.gql(
      CORRECT,
      { row: rowId, field: 'follow_ups', value: 9, reason: '重复计数 1 条' },
      { token: admin },
    );
    expect(corrected.data!.correctRow).toMatchObject({ state: 'APPLIED', oldValue: 10, newValue: 9 });
    const before = await rowNow();
    const approve = await t.gql(APPROVE, { id: requested.data!.requestCorrection.id }, { token: admin });
    expect(approve.errors![0].message).toBe('更正「当日回访不满意量」未通过校验：当日回访不满意量不能大于当日回访量');
    expect(await rowNow()).toEqual(before);
    const waiting = await t.gql(
      `{ corrections(ledger: "daily_followup", state: REQUESTED) { id } }`,
      {},
      { token: admin },
    );
    expect(waiting.data!.corrections).toEqual([{ id: requested.data!.requestCorrection.id }]);
  });

  it("refuses a clerk another unit's row", async () => {
    const named = await t.gql(
      REQUEST,
      { row: rowId, unit: xz01, field: 'cases', value: 12, reason: '核对' },
      { token: clerk02 },
    );
    expect(named.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OTHER_UNIT' });
    const unnamed = await t.gql(REQUEST, { row: rowId, field: 'cases', value: 12, reason: '核对' }, { token: clerk02 });
    expect(unnamed.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'ROW_NOT_FOUND' });
    const leaderTry = await t.gql(
      REQUEST,
      { row: rowId, field: 'cases', value: 12, reason: '核对' },
      { token: leader },
    );
    expect(leaderTry.errors![0].extensions!.code).toBe('FORBIDDEN');
  });

  it('refuses a missing reason, in the caller’s language', async () => {
    for (const reason of ['', '   ', 'x'.repeat(501)]) {
      const refused = await t.gql(REQUEST, { row: rowId, field: 'cases', value: 12, reason }, { token: clerk01 });
      expect(refused.errors![0]).toMatchObject({
        message: '请填写更正原因',
        extensions: {
          code: 'BAD_USER_INPUT',
          reason: 'REASON_REQUIRED',
          errors: [{ path: 'reason', message: '原因须为 1–500 个字符' }],
        },
      });
    }
    const english = await t.gql(
      CORRECT,
      { row: rowId, field: 'cases', value: 12, reason: '' },
      { token: admin, language: 'en' },
    );
    expect(english.errors![0].message).toBe('Give a reason for the correction');
  });

  it('refuses a computed field and the date that places the row, naming the field', async () => {
    const rate = await t.gql(
      REQUEST,
      { row: rowId, field: 'follow_up_rate', value: 1, reason: '核对' },
      { token: clerk01 },
    );
    expect(rate.errors![0]).toMatchObject({
      message: '「当日回访率」由系统计算，不能更正；请更正它所依据的字段',
      extensions: { reason: 'FIELD_NOT_CORRECTABLE' },
    });
    const date = await t.gql(
      REQUEST,
      { row: rowId, field: 'report_date', value: '2023-05-08', reason: '核对' },
      { token: clerk01, language: 'en' },
    );
    expect(date.errors![0].message).toBe(
      '"Date" places the row in its sheet and cannot be corrected; ask an admin to return the sheet',
    );
  });

  it('refuses a correction of an open sheet with a clear message: the clerk just edits it', async () => {
    const open = await rowNow('2023-05-09');
    const refused = await t.gql(
      REQUEST,
      { row: open.id, field: 'cases', value: 6, reason: '核对' },
      { token: clerk01 },
    );
    expect(refused.errors![0]).toMatchObject({
      message: '2023-05-09 的报表尚未提交，可直接修改，无需更正',
      extensions: { code: 'CONFLICT', reason: 'SHEET_NOT_SUBMITTED' },
    });
    const english = await t.gql(
      CORRECT,
      { row: open.id, field: 'cases', value: 6, reason: 'check' },
      { token: admin, language: 'en' },
    );
    expect(english.errors![0].message).toBe(
      'The sheet of 2023-05-09 is not submitted: edit it directly; no correction is needed',
    );
    expect(await rowNow('2023-05-09')).toEqual(open);
  });
});
