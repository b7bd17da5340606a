import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-harness';

/**
 * The board at 16:50 (issue 28): whom to call for a unit still missing — its clerks' names and
 * phones for admins and leaders, never for a clerk — and 催报 by a leader, recorded with who sent it.
 */
let t: TestApi;
const tokens: Record<string, string> = {};
const PERIOD = '2023-03-01';

type BoardSheet = {
  unit: { id: string; name: string };
  state: string;
  clerks: { name: string; phone: string | null }[] | null;
  lastReminder: { at: string; by: string | null } | null;
};
const BOARD = `query ($period: String!) { submissionBoard(ledger: "daily_followup", period: $period) {
  sheets { unit { id name } state clerks { name phone } lastReminder { at by } } } }`;

async function board(who: string, period = PERIOD): Promise<BoardSheet[]> {
  const answer = await t.gql<{ submissionBoard: { sheets: BoardSheet[] } }>(BOARD, { period }, { token: tokens[who] });
  expect(answer.errors).toBeUndefined();
  return answer.data!.submissionBoard.sheets;
}

async function userId(username: string): Promise<string> {
  const [row] = await t.db.query<{ id: number }>(`SELECT id FROM users WHERE username = $1`, [username]);
  return String(row.id);
}

async function setPhone(username: string, phone: string) {
  return t.gql<{ updateUser: { phone: string | null } }>(
    'mutation ($id: ID!, $phone: String) { updateUser(id: $id, input: { phone: $phone }) { phone } }',
    { id: await userId(username), phone },
    { token: tokens.admin },
  );
}

beforeAll(async () => {
  t = await startTestApi();
  for (const who of ['admin', 'leader', 'clerk01', 'clerk02']) tokens[who] = await t.signIn(who);
});
afterAll(() => t?.close());

describe("the board's clerks and phones", () => {
  it('stores a phone as the phone field type does and refuses what is not a phone, naming the field', async () => {
    const set = await setPhone('clerk02', '139-1234-5678');
    expect(set.errors).toBeUndefined();
    expect(set.data!.updateUser.phone).toBe('13912345678');
    const landline = await setPhone('clerk01', '0373 4501234');
    expect(landline.data!.updateUser.phone).toBe('03734501234');

    const bad = await setPhone('clerk01', '12345');
    expect(bad.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    const problems = bad.errors![0].extensions!.errors as { path: string; message: string }[];
    expect(problems.map((p) => p.path)).toEqual(['phone']);
    expect(problems[0].message).toContain('电话号码');
    // refused: the phone before it is kept
    const [kept] = await t.db.query<{ phone: string }>(`SELECT phone FROM users WHERE username = 'clerk01'`);
    expect(kept.phone).toBe('03734501234');

    const created = await t.gql<{ createUser: { phone: string } }>(
      `mutation ($unit: ID) { createUser(input: { username: "xz02b", displayName: "亢村镇第二填报员", role: CLERK, unitId: $unit, password: "Ceshi#2026", phone: "+86 138 0373 0002" }) { phone } }`,
      { unit: (await board('admin')).find((s) => s.unit.name.startsWith('亢村镇'))!.unit.id },
      { token: tokens.admin },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data!.createUser.phone).toBe('13803730002');
  });

  it("shows admins and leaders each unit's active clerks with their phones", async () => {
    for (const who of ['admin', 'leader']) {
      const kangcun = (await board(who)).find((s) => s.unit.name.startsWith('亢村镇'))!;
      expect(kangcun.state).toBe('NOT_STARTED');
      // as stored, read independently of the board
      const expected = await t.db.query<{ name: string; phone: string | null }>(
        `SELECT display_name AS name, phone FROM users WHERE unit_id = $1 AND role = 'clerk' AND active ORDER BY username`,
        [Number(kangcun.unit.id)],
      );
      expect(expected).toHaveLength(2);
      expect(kangcun.clerks).toEqual(expected);
      expect(kangcun.clerks).toContainEqual({ name: '亢村镇行政审批服务中心填报员', phone: '13912345678' });
    }
  });

  it("gives a clerk no clerks' phones on the board, and no phone of another unit's user", async () => {
    const own = await board('clerk01');
    expect(own).toHaveLength(1);
    expect(own[0].clerks).toBeNull();
    // clerk02 reads their own unit's users with phones; clerk01's user is not among them
    const users = await t.gql<{ users: { username: string; phone: string | null }[] }>(
      '{ users { username phone } }',
      {},
      { token: tokens.clerk02 },
    );
    expect(users.data!.users.map((u) => u.username)).not.toContain('clerk01');
    expect(users.data!.users.find((u) => u.username === 'clerk02')!.phone).toBe('13912345678');
    const other = await t.gql('{ users(unitId: "1") { phone } }', {}, { token: tokens.clerk02 });
    expect(other.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    // the leader reads every user's phone
    const all = await t.gql<{ users: { username: string; phone: string | null }[] }>(
      '{ users { username phone } }',
      {},
      { token: tokens.leader },
    );
    expect(all.data!.users.find((u) => u.username === 'clerk01')!.phone).toBe('03734501234');
  });

  it('lets a leader 催报, recorded on the sheet with who sent it', async () => {
    const kangcun = (await board('leader')).find((s) => s.unit.name.startsWith('亢村镇'))!;
    expect(kangcun.lastReminder).toBeNull();
    const reminded = await t.gql<{ remindMissing: { units: { unit: { name: string } }[] } }>(
      'mutation ($unit: ID!) { remindMissing(ledger: "daily_followup", period: "2023-03-01", unitIds: [$unit]) { units { unit { name } } } }',
      { unit: kangcun.unit.id },
      { token: tokens.leader },
    );
    expect(reminded.errors).toBeUndefined();
    expect(reminded.data!.remindMissing.units.map((u) => u.unit.name)).toEqual([kangcun.unit.name]);
    const after = (await board('admin')).find((s) => s.unit.id === kangcun.unit.id)!;
    expect(after.lastReminder?.by).toBe('局领导');
    const [row] = await t.db.query<{ by: string }>(
      `SELECT u.username AS by FROM sheet_reminders r JOIN users u ON u.id = r.reminded_by WHERE r.unit_id = $1`,
      [Number(kangcun.unit.id)],
    );
    expect(row.by).toBe('leader');
    // the other units were not reminded
    expect((await board('admin')).filter((s) => s.lastReminder !== null)).toHaveLength(1);
  });
});
