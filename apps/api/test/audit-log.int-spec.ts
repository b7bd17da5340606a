import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-harness';

/** The audit log: row changes, sheet events and sign-ins, searchable by user, unit, ledger and days. */
let t: TestApi;
let admin: string;
const LOG = `query ($userId: ID, $unitId: ID, $ledger: String, $from: String, $to: String, $before: DateTime, $first: Int) {
  auditLog(userId: $userId, unitId: $unitId, ledger: $ledger, from: $from, to: $to, before: $before, first: $first) {
    at kind action username displayName unitName ledgerKey rowId period detail } }`;
type Entry = {
  at: string;
  kind: string;
  action: string;
  username: string | null;
  displayName: string | null;
  unitName: string | null;
  ledgerKey: string | null;
  detail: Record<string, unknown> | null;
};

beforeAll(async () => {
  t = await startTestApi({ WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' });
  admin = await t.signIn('admin');
  const clerk = await t.signIn('clerk02');
  const saved = await t.gql<{ saveRows: { results: { row: { id: string; version: number } }[] } }>(
    `mutation { saveRows(ledger: "window_case", changes: [{ op: INSERT, values: { case_no: "AU-1", accepted_at: "2023-03-01T09:00:00+08:00", service_item: "社保", applicant: "甲", status: "受理" } }]) { results { row { id version } } } }`,
    {},
    { token: clerk },
  );
  const row = saved.data!.saveRows.results[0].row;
  await t.gql(
    `mutation ($id: ID, $v: Int) { saveRows(ledger: "window_case", changes: [{ op: UPDATE, id: $id, version: $v, values: { applicant: "乙" } }]) { saved } }`,
    { id: row.id, v: row.version },
    { token: clerk },
  );
  await t.gql('mutation { signIn(username: "clerk02", password: "wrong-Password1") { token } }');
});
afterAll(() => t?.close());

describe('the audit log', () => {
  it('lists who changed which row of which ledger, newest first, with the fields before and after', async () => {
    const response = await t.gql<{ auditLog: Entry[] }>(LOG, { ledger: 'window_case' }, { token: admin });
    expect(response.errors).toBeUndefined();
    const entries = response.data!.auditLog;
    expect(entries.map((e) => [e.kind, e.action, e.username, e.unitName])).toEqual([
      ['ROW', 'update', 'clerk02', '亢村镇行政审批服务中心'],
      ['ROW', 'insert', 'clerk02', '亢村镇行政审批服务中心'],
    ]);
    expect(entries[0].detail).toEqual({ old: { applicant: '甲' }, new: { applicant: '乙' }, source: 'save' });
    // the user as the admin named them, beside the username
    const clerk = await t.gql<{ users: { username: string; displayName: string }[] }>(
      '{ users { username displayName } }',
      {},
      { token: admin },
    );
    expect(entries[0].displayName).toBe(clerk.data!.users.find((u) => u.username === 'clerk02')!.displayName);
  });

  it('finds a user’s sign-ins and failures, and nothing of a day with none', async () => {
    const users = await t.gql<{ users: { id: string; username: string }[] }>(
      '{ users { id username } }',
      {},
      { token: admin },
    );
    const clerk = users.data!.users.find((u) => u.username === 'clerk02')!;
    const mine = await t.gql<{ auditLog: Entry[] }>(LOG, { userId: clerk.id }, { token: admin });
    const actions = mine.data!.auditLog.map((e) => `${e.kind}:${e.action}`);
    expect(actions).toEqual(
      expect.arrayContaining(['AUTH:sign_in', 'AUTH:sign_in_failed', 'ROW:insert', 'ROW:update']),
    );
    const none = await t.gql<{ auditLog: Entry[] }>(LOG, { from: '2001-01-01', to: '2001-01-31' }, { token: admin });
    expect(none.data!.auditLog).toEqual([]);
  });

  it('pages with `before`, and refuses a date that is not one', async () => {
    const first = await t.gql<{ auditLog: Entry[] }>(LOG, { first: 2 }, { token: admin });
    expect(first.data!.auditLog).toHaveLength(2);
    const next = await t.gql<{ auditLog: Entry[] }>(
      LOG,
      { first: 2, before: first.data!.auditLog[1].at },
      { token: admin },
    );
    for (const entry of next.data!.auditLog)
      expect(Date.parse(entry.at)).toBeLessThan(Date.parse(first.data!.auditLog[1].at));
    const bad = await t.gql(LOG, { from: '2023-13-45' }, { token: admin });
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', errors: [{ path: 'from' }] });
  });

  it('records the admins’ own actions: what was done to whom, what was set, never a password or a secret', async () => {
    const unit = await t.gql<{ createUnit: { id: string } }>(
      'mutation { createUnit(input: { code: "au-w1", name: "审计测试窗口", kind: "service_window" }) { id } }',
      {},
      { token: admin },
    );
    const unitId = unit.data!.createUnit.id;
    const user = await t.gql<{ createUser: { id: string } }>(
      'mutation ($unitId: ID) { createUser(input: { username: "au-clerk", displayName: "审计员甲", role: CLERK, unitId: $unitId, password: "Audit@2026x" }) { id } }',
      { unitId },
      { token: admin },
    );
    const userId = user.data!.createUser.id;
    await t.gql(
      'mutation ($id: ID!) { updateUser(id: $id, input: { displayName: "审计员乙", phone: "13800138000" }) { id } }',
      { id: userId },
      { token: admin },
    );
    await t.gql(
      'mutation ($id: ID!) { resetPassword(userId: $id, newPassword: "Audit@2026y") }',
      { id: userId },
      { token: admin },
    );
    const hook = await t.gql<{ createWebhook: { webhook: { id: string } } }>(
      'mutation { createWebhook(input: { url: "http://127.0.0.1:9/audit-hook", events: ["row.saved"] }) { webhook { id } } }',
      {},
      { token: admin },
    );
    await t.gql(
      'mutation ($id: ID!) { deleteWebhook(id: $id) }',
      { id: hook.data?.createWebhook.webhook.id },
      { token: admin },
    );
    // a refused action leaves no entry
    const refused = await t.gql(
      'mutation { updateUser(id: "999999", input: { displayName: "无此人" }) { id } }',
      {},
      { token: admin },
    );
    expect(refused.errors).toBeDefined();

    const log = await t.gql<{ auditLog: Entry[] }>(LOG, { unitId }, { token: admin });
    expect(log.errors).toBeUndefined();
    const admins = log.data!.auditLog.filter((e) => e.kind === 'ADMIN');
    expect(admins.map((e) => [e.action, e.username, e.unitName, (e.detail as { target?: string }).target])).toEqual([
      ['password_reset', 'admin', '审计测试窗口', 'au-clerk'],
      ['user_changed', 'admin', '审计测试窗口', 'au-clerk'],
      ['user_created', 'admin', '审计测试窗口', 'au-clerk'],
      ['unit_created', 'admin', '审计测试窗口', '审计测试窗口'],
    ]);
    expect(admins[1].detail).toEqual({
      target: 'au-clerk',
      targetKind: 'user',
      set: { displayName: '审计员乙', phone: '13800138000' },
    });
    expect(admins[0].detail).toEqual({ target: 'au-clerk', targetKind: 'user' });
    expect(JSON.stringify(log.data!.auditLog)).not.toContain('Audit@2026');

    // the deleted webhook keeps its address in the log, and its secret is not there
    const all = await t.gql<{ auditLog: Entry[] }>(LOG, { first: 20 }, { token: admin });
    const hooks = all.data!.auditLog.filter((e) => e.action.startsWith('webhook_'));
    expect(hooks.map((e) => [e.action, (e.detail as { target?: string }).target])).toEqual([
      ['webhook_deleted', 'http://127.0.0.1:9/audit-hook'],
      ['webhook_created', 'http://127.0.0.1:9/audit-hook'],
    ]);
    expect(JSON.stringify(hooks)).not.toMatch(/secret/i);
  });
});
