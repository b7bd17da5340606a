import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../src/common/time/clock';
import { NoticeChecks } from '../src/notices/notice-checks.service';
import { handTyped } from '@taizhang/testing';
import { startTestApi, type TestApi } from './api-harness';
import { visitedCase } from './window-cases';

/**
 * Notices (issue 29): what happens to a clerk's work reaches the clerk, and only the clerks of the
 * unit concerned: 催报, 退回 with its reason, a rectification made for a dissatisfied case, a
 * deadline near and a row overdue (the scheduled check, on a fixed clock); nobody reads or marks
 * another's notices.
 */
const DAY = '2023-05-10'; // daily_followup's deadline: 17:00 in Shanghai, 09:00 UTC
const clock = new FixedClock(new Date('2023-05-10T02:00:00Z'));
const NOTICES = `query ($unread: Boolean) { notices(unread: $unread) { id kind title body ledger period rowId unitId createdAt readAt } unreadNoticeCount }`;
const READ = `mutation ($ids: [ID!]!) { markNoticesRead(ids: $ids) }`;
const REMIND = `mutation ($period: String!, $unitIds: [ID!]) { remindMissing(ledger: "daily_followup", period: $period, unitIds: $unitIds) {
  units { unit { id code } clerks { username } } } }`;
const SAVE = `mutation ($ledger: String!, $changes: [RowChangeInput!]!) { saveRows(ledger: $ledger, changes: $changes) {
  saved results { status row { id } errors { path message } } } }`;
const SUBMIT = `mutation ($period: String!) { submitSheet(ledger: "daily_followup", period: $period) { state } }`;
const BOARD = `query ($period: String!) { submissionBoard(ledger: "daily_followup", period: $period) { sheets { unit { code } remindedAt reminderReadAt } } }`;

type Notice = {
  id: string;
  kind: string;
  title: string;
  body: string | null;
  ledger: string | null;
  period: string | null;
  rowId: string | null;
  unitId: string | null;
  readAt: string | null;
};

let t: TestApi;
let admin: string;
const tokens: Record<string, string> = {};
const token = async (username: string) => (tokens[username] ??= await t.signIn(username));

async function noticesOf(username: string, unread?: boolean): Promise<{ list: Notice[]; unread: number }> {
  const answer = await t.gql<{ notices: Notice[]; unreadNoticeCount: number }>(
    NOTICES,
    { unread },
    { token: await token(username) },
  );
  expect(answer.errors).toBeUndefined();
  return { list: answer.data!.notices, unread: answer.data!.unreadNoticeCount };
}

/** Every user's count of notices of a kind, by username (those with none left out). */
async function countsOf(kind: string): Promise<Record<string, number>> {
  const rows = await t.db.query<{ username: string; n: number }>(
    `SELECT u.username, count(*)::int AS n FROM notices n JOIN users u ON u.id = n.user_id WHERE n.kind = $1 GROUP BY u.username`,
    [kind],
  );
  return Object.fromEntries(rows.map((r) => [r.username, r.n]));
}

async function save(username: string, ledger: string, values: Record<string, unknown>) {
  const answer = await t.gql(
    SAVE,
    { ledger, changes: [handTyped({ op: 'INSERT', values })] },
    { token: await token(username) },
  );
  expect(answer.errors).toBeUndefined();
  expect(answer.data!.saveRows.results[0].errors).toBeNull();
  return answer.data!.saveRows.results[0].row.id as string;
}

const report = { report_date: DAY, cases: 4, follow_ups: 4, dissatisfied: 0 };
const checks = () => t.api.app.get(NoticeChecks);

beforeAll(async () => {
  t = await startTestApi({}, {}, clock);
  admin = await t.signIn('admin');
  // xz02 has a second clerk, and one who left (inactive): each active clerk is told, nobody else
  await t.db.query(
    `INSERT INTO users (username, display_name, role, unit_id, password_hash, active)
     SELECT x.name, x.name, 'clerk', c.unit_id, c.password_hash, x.active
       FROM users c, (VALUES ('clerk02b', true), ('clerk02x', false)) AS x(name, active) WHERE c.username = 'clerk02'`,
  );
  // xz01 and xz05 submit today's sheet; the others have not
  for (const clerk of ['clerk01', 'clerk05']) {
    await save(clerk, 'daily_followup', report);
    expect((await t.gql(SUBMIT, { period: DAY }, { token: await token(clerk) })).errors).toBeUndefined();
  }
});
afterAll(() => t?.close());

describe('催报 (remindMissing)', () => {
  it('gives each active clerk of each missing unit exactly one REMINDER, and nobody else any', async () => {
    const answer = await t.gql(REMIND, { period: DAY }, { token: admin });
    expect(answer.errors).toBeUndefined();
    const reminded = answer.data!.remindMissing.units as { unit: { code: string }; clerks: { username: string }[] }[];
    const codes = reminded.map((u) => u.unit.code);
    expect(codes).toContain('xz02');
    expect(codes).not.toContain('xz01');
    expect(codes).not.toContain('xz05');
    const expected = Object.fromEntries(reminded.flatMap((u) => u.clerks.map((c) => [c.username, 1] as const)));
    expect(expected).toMatchObject({ clerk02: 1, clerk02b: 1 });
    expect(expected).not.toHaveProperty('clerk02x');
    expect(await countsOf('REMINDER')).toEqual(expected);

    const { list, unread } = await noticesOf('clerk02');
    expect(unread).toBe(1);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ kind: 'REMINDER', ledger: 'daily_followup', period: DAY, readAt: null });
    expect(list[0].title).toContain('催报');
    expect(list[0].body).toContain('2023-05-10 17:00');
    // read in English, the same notice speaks English
    const english = await t.gql(NOTICES, {}, { token: await token('clerk02'), language: 'en' });
    expect(english.data!.notices[0].title).toBe('Reminder: "Daily follow-up report" 2023-05-10 is not submitted yet');
    expect(english.data!.notices[0].body).toBe('Please submit by 2023-05-10 17:00');
    expect((await noticesOf('clerk01')).list).toEqual([]);
    expect((await noticesOf('admin')).list).toEqual([]);
  });

  it('reminds one unit when named, and the board shows when its reminder was read', async () => {
    const xz03 = String((await t.db.query<{ id: number }>(`SELECT id FROM units WHERE code = 'xz03'`))[0].id);
    const one = await t.gql(REMIND, { period: DAY, unitIds: [xz03] }, { token: admin });
    expect(one.errors).toBeUndefined();
    expect(one.data!.remindMissing.units.map((u: { unit: { code: string } }) => u.unit.code)).toEqual(['xz03']);
    const counts = await countsOf('REMINDER');
    expect(counts.clerk03).toBe(2);
    expect(counts.clerk02).toBe(1);

    const boardBefore = await t.gql(BOARD, { period: DAY }, { token: admin });
    const row = (code: string, data: typeof boardBefore.data) =>
      data!.submissionBoard.sheets.find((s: { unit: { code: string } }) => s.unit.code === code);
    expect(row('xz02', boardBefore.data).reminderReadAt).toBeNull();

    clock.set('2023-05-10T02:30:00Z');
    const [notice] = (await noticesOf('clerk02')).list;
    expect((await t.gql(READ, { ids: [notice.id] }, { token: await token('clerk02') })).data!.markNoticesRead).toBe(
      true,
    );
    const after = await noticesOf('clerk02');
    expect(after.unread).toBe(0);
    expect(after.list[0].readAt).toBe('2023-05-10T02:30:00.000Z');
    expect((await noticesOf('clerk02', true)).list).toEqual([]);
    const board = await t.gql(BOARD, { period: DAY }, { token: admin });
    expect(row('xz02', board.data).reminderReadAt).toBe('2023-05-10T02:30:00.000Z');
    expect(row('xz03', board.data).reminderReadAt).toBeNull();
  });
});

describe("a reader's own notices", () => {
  it("a clerk neither sees nor marks another's notices", async () => {
    const theirs = (await noticesOf('clerk03')).list;
    expect(theirs.length).toBeGreaterThan(0);
    const mine = (await noticesOf('clerk04')).list.map((n) => n.id);
    for (const id of theirs.map((n) => n.id)) expect(mine).not.toContain(id);
    const marked = await t.gql(READ, { ids: theirs.map((n) => n.id) }, { token: await token('clerk04') });
    expect(marked.errors).toBeUndefined();
    expect(marked.data!.markNoticesRead).toBe(true);
    expect((await noticesOf('clerk03')).unread).toBe(theirs.length);
  });
});

describe('退回 (returnSheet)', () => {
  it("gives the unit's clerks a RETURNED notice with the reason", async () => {
    const xz01 = String((await t.db.query<{ id: number }>(`SELECT id FROM units WHERE code = 'xz01'`))[0].id);
    const returned = await t.gql(
      `mutation ($unit: ID!) { returnSheet(ledger: "daily_followup", unitId: $unit, period: "${DAY}", reason: "回访数少于办件数，请核对") { state } }`,
      { unit: xz01 },
      { token: admin },
    );
    expect(returned.errors).toBeUndefined();
    const [notice] = (await noticesOf('clerk01')).list;
    expect(notice).toMatchObject({
      kind: 'RETURNED',
      body: '回访数少于办件数，请核对',
      ledger: 'daily_followup',
      period: DAY,
      unitId: xz01,
    });
    expect(await countsOf('RETURNED')).toEqual({ clerk01: 1 });
  });
});

describe('a follow-up row (a rectification for a dissatisfied case)', () => {
  it("gives FOLLOW_UP to the unit's clerks only, naming the new row and its source", async () => {
    const caseId = await save('clerk03', 'window_case', visitedCase('RF-2023-0510', '非常不满意'));
    const [made] = await t.db.query<{ id: string }>(
      `SELECT id::text FROM ledger_rectification WHERE origin_ledger = 'window_case' AND origin_id = $1`,
      [caseId],
    );
    expect(made).toBeDefined();
    expect(await countsOf('FOLLOW_UP')).toEqual({ clerk03: 1 });
    const notice = (await noticesOf('clerk03')).list.find((n) => n.kind === 'FOLLOW_UP')!;
    expect(notice).toMatchObject({ ledger: 'rectification', rowId: made.id });
    expect(notice.title).toContain('整改');
    expect(notice.body).toContain('RF-2023-0510');
  });
});

describe('the scheduled check', () => {
  it('gives DEADLINE, once, to the clerks of units not submitted within 30 minutes of the deadline', async () => {
    await checks().check(new Date('2023-05-10T08:00:00Z')); // 16:00: an hour before
    expect(await countsOf('DEADLINE')).toEqual({});
    await checks().check(new Date('2023-05-10T08:40:00Z')); // 16:40
    await checks().check(new Date('2023-05-10T08:50:00Z'));
    const counts = await countsOf('DEADLINE');
    expect(counts).toMatchObject({ clerk01: 1, clerk02: 1, clerk02b: 1, clerk03: 1 }); // xz01's sheet was returned
    expect(counts).not.toHaveProperty('clerk05'); // submitted
    expect(counts).not.toHaveProperty('clerk02x');
    expect(Math.max(...Object.values(counts))).toBe(1);
    const notice = (await noticesOf('clerk02')).list.find((n) => n.kind === 'DEADLINE')!;
    expect(notice).toMatchObject({ ledger: 'daily_followup', period: DAY });
    expect(notice.body).toContain('20 分钟');
  });

  it("takes a ledger's own deadlineNoticeMinutes", async () => {
    const published = await t.gql(
      'mutation ($d: JSON!) { publishLedger(definition: $d) { key } }',
      {
        d: {
          key: 'safety_daily',
          title: { zh: '安全生产日报', en: 'Daily safety report' },
          period: 'daily',
          periodField: 'day',
          deadline: '17:00',
          deadlineNoticeMinutes: 90,
          fields: [{ key: 'day', title: '日期', type: 'date', required: true }],
        },
      },
      { token: admin },
    );
    expect(published.errors).toBeUndefined();
    const noticed = async () =>
      (
        await t.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM notices n JOIN users u ON u.id = n.user_id
            WHERE n.kind = 'DEADLINE' AND n.ledger_key = 'safety_daily' AND u.username = 'clerk02'`,
        )
      )[0].n;
    await checks().check(new Date('2023-05-10T07:25:00Z')); // 15:25: 95 minutes before
    expect(await noticed()).toBe(0);
    await checks().check(new Date('2023-05-10T07:35:00Z')); // 15:35: 85 minutes before
    expect(await noticed()).toBe(1);
  });

  it('gives OVERDUE, once, when a tracked row passes its deadline, to its unit only', async () => {
    // the rectification made on 2023-05-10 is due in five days
    await checks().check(new Date('2023-05-15T02:00:00Z'));
    expect(await countsOf('OVERDUE')).toEqual({});
    await checks().check(new Date('2023-05-16T02:00:00Z'));
    await checks().check(new Date('2023-05-16T02:01:00Z'));
    expect(await countsOf('OVERDUE')).toEqual({ clerk03: 1 });
    const notice = (await noticesOf('clerk03')).list.find((n) => n.kind === 'OVERDUE')!;
    expect(notice).toMatchObject({ ledger: 'rectification' });
    expect(notice.rowId).not.toBeNull();
  });

  it('deletes read notices older than 90 days, keeping unread ones', async () => {
    const before = await countsOf('REMINDER');
    await checks().check(new Date('2023-08-09T02:00:00Z')); // 91 days after clerk02 read theirs
    const after = await countsOf('REMINDER');
    expect(after.clerk02).toBeUndefined();
    expect(after.clerk03).toBe(before.clerk03);
  });
});
