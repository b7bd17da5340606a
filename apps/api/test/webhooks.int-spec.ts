import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi } from '../src/bootstrap';
import { FixedClock } from '../src/common/time/clock';
import { loadConfig } from '../src/config/app-config';
import { NoticeChecks } from '../src/notices/notice-checks.service';
import { ScheduledReminders } from '../src/reporting/scheduled-reminders.service';
import { verifySignature } from '../src/webhooks/webhook-signature';
import { WebhookWorker } from '../src/webhooks/webhook-worker.service';
import { handTyped } from '@taizhang/testing';
import { startTestApi, type TestApi } from './api-harness';
import { visitedCase } from './window-cases';
import { startReceiver, waitFor, type Receiver, type Received } from './webhook-receiver';

/**
 * Webhooks (issue 23, docs/integration.md, Webhooks): a receiver on 127.0.0.1 gets signed deliveries for a
 * save (filtered or not), a submission, a return, a 催报 (by hand and scheduled) and a late sheet;
 * a 500 is retried on the injected clock; a rolled-back save sends nothing; hostile URLs are
 * refused; two API processes on one database send each delivery once.
 */
const DAY = '2023-05-10'; // daily_followup: reminder 16:30, deadline 17:00 in Shanghai (08:30, 09:00 UTC)
const clock = new FixedClock(new Date('2023-05-10T02:00:00Z'));
const CREATE = `mutation ($input: WebhookInput!) { createWebhook(input: $input) { secret webhook { id url events ledger active } } }`;
const DELIVERIES = `query ($id: ID!) { webhookDeliveries(webhookId: $id, first: 100) {
  id event state attempts nextAttemptAt responseStatus responseBody error payload } }`;
const SAVE = `mutation ($ledger: String!, $changes: [RowChangeInput!]!, $all: Boolean) {
  saveRows(ledger: $ledger, changes: $changes, allOrNothing: $all) { saved results { status row { id } errors { path message } } } }`;
const SUBMIT = `mutation { submitSheet(ledger: "daily_followup", period: "${DAY}") { state } }`;
const REMIND = `mutation { remindMissing(ledger: "daily_followup", period: "${DAY}") { webhooks units { unit { code } } } }`;

let t: TestApi;
let receiver: Receiver;
let admin: string;
const tokens: Record<string, string> = {};
const token = async (username: string) => (tokens[username] ??= await t.signIn(username));
/** Every webhook's secret by its id. */
const secrets = new Map<string, string>();
const worker = () => t.api.app.get(WebhookWorker);

async function create(input: Record<string, unknown>) {
  const answer = await t.gql(CREATE, { input }, { token: admin });
  if (answer.data?.createWebhook) {
    secrets.set(answer.data.createWebhook.webhook.id, answer.data.createWebhook.secret);
  }
  return answer;
}

/** A received delivery's signature checks out with its webhook's secret (found by the path /hook/<id>). */
function verified(r: Received): boolean {
  const id = r.path.split('/').pop()!;
  return verifySignature(secrets.get(id)!, r.body, String(r.headers['x-taizhang-signature']), clock.now());
}

async function save(username: string, ledger: string, values: Record<string, unknown>[], all = false) {
  return t.gql(
    SAVE,
    { ledger, changes: values.map((v) => handTyped({ op: 'INSERT', values: v })), all },
    { token: await token(username) },
  );
}

const at = (path: string, event: string) => receiver.received.filter((r) => r.path === path && r.json.event === event);

let all: string; // a webhook of every event, every ledger
let angry: string; // row.saved of window_case, only very dissatisfied

beforeAll(async () => {
  receiver = await startReceiver();
  t = await startTestApi({ WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' }, {}, clock);
  admin = await t.signIn('admin');
  await t.db.query(`UPDATE users SET phone = '13912345678' WHERE username = 'clerk02'`);
});
afterAll(async () => {
  await t?.close();
  await receiver?.close();
});

describe('creating a webhook', () => {
  it('refuses hostile URLs, naming the reason', async () => {
    const hostile: [string, RegExp][] = [
      ['ftp://127.0.0.1/x', /只允许 http 或 https/],
      ['file:///etc/passwd', /只允许 http 或 https/],
      [`${t.url}/graphql`, /本系统自身/],
      ['http://10.0.0.1/hook', /内网地址/],
      ['http://169.254.169.254/latest/meta-data', /元数据/],
      ['http://100.64.1.2/hook', /CGNAT/],
      [`http://localhost:${receiver.port}/hook`, /回环地址/],
      [`http://[::1]:${receiver.port}/hook`, /回环地址/],
      ['not a url', /不是有效的网址/],
    ];
    for (const [url, reason] of hostile) {
      const answer = await create({ url, events: ['row.saved'] });
      expect(answer.data, url).toBeNull();
      expect(answer.errors![0].extensions!.code, url).toBe('BAD_USER_INPUT');
      expect(answer.errors![0].message, url).toMatch(reason);
    }
    const english = await t.gql(
      CREATE,
      { input: { url: 'http://10.0.0.1/hook', events: ['row.saved'] } },
      { token: admin, language: 'en' },
    );
    expect(english.errors![0].message).toMatch(/private address/);
    expect(await t.db.query(`SELECT * FROM webhooks`)).toEqual([]);
  });

  it('refuses an unknown event, an unknown ledger, and a bad filter naming its position', async () => {
    const url = receiver.url('/hook/x');
    expect((await create({ url, events: ['row.exploded'] })).errors![0].message).toMatch(/未知事件「row\.exploded」/);
    expect((await create({ url, events: [] })).errors![0].message).toMatch(/至少选择一个事件/);
    expect((await create({ url, events: ['row.saved'], ledger: 'nope' })).errors![0].message).toMatch(
      /台账「nope」不存在/,
    );
    const syntax = await create({ url, events: ['row.saved'], ledger: 'window_case', filter: 'visit_result = ' });
    expect(syntax.errors![0].message).toMatch(/筛选公式：第 \d+ 个字符处语法错误/);
    const unknown = await create({ url, events: ['row.saved'], ledger: 'window_case', filter: 'mood = "坏"' });
    expect(unknown.errors![0].message).toMatch(/未知字段「mood」/);
    expect(
      (await create({ url, events: ['row.saved'], filter: 'visit_result = "非常不满意"' })).errors![0].message,
    ).toMatch(/须指定台账/);
  });

  it('creates webhooks for a local receiver on the allow-list, showing the secret once', async () => {
    const first = await create({ url: receiver.url('/hook/pending'), events: ['row.saved'] });
    expect(first.errors).toBeUndefined();
    // the URL names its own id, so each delivery says which secret signs it
    const id1 = first.data!.createWebhook.webhook.id as string;
    await t.gql(`mutation ($id: ID!) { deleteWebhook(id: $id) }`, { id: id1 }, { token: admin });
    const everything = await create({
      url: receiver.url(`/hook/${Number(id1) + 1}`),
      events: [
        'row.saved',
        'sheet.submitted',
        'sheet.late',
        'sheet.returned',
        'reminder.issued',
        'rectification.overdue',
      ],
    });
    expect(everything.errors).toBeUndefined();
    all = everything.data!.createWebhook.webhook.id;
    expect(all).toBe(String(Number(id1) + 1));
    expect(everything.data!.createWebhook.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    const filtered = await create({
      url: receiver.url(`/hook/${Number(all) + 1}`),
      events: ['row.saved'],
      ledger: 'window_case',
      filter: 'visit_result = "非常不满意"',
    });
    expect(filtered.errors).toBeUndefined();
    angry = filtered.data!.createWebhook.webhook.id;
    expect(angry).toBe(String(Number(all) + 1));
    const listed = await t.gql(`{ webhooks { id url events ledger active } }`, {}, { token: admin });
    expect(listed.data!.webhooks.map((w: { id: string }) => w.id)).toEqual([all, angry]);
    expect(JSON.stringify(listed.data)).not.toContain('whsec_');
  });
});

describe('deliveries', () => {
  it('a save is delivered signed, and the filter decides who gets it', async () => {
    const calm = await save('clerk03', 'window_case', [visitedCase('WH-1', '比较满意')]);
    expect(calm.errors).toBeUndefined();
    const angryRow = await save('clerk03', 'window_case', [visitedCase('WH-2', '非常不满意')]);
    expect(angryRow.errors).toBeUndefined();
    const angryId = angryRow.data!.saveRows.results[0].row.id;
    await waitFor(
      () => at(`/hook/${all}`, 'row.saved').length >= 2 && at(`/hook/${angry}`, 'row.saved').length >= 1,
      'row.saved',
    );
    const toAngry = at(`/hook/${angry}`, 'row.saved');
    expect(toAngry).toHaveLength(1);
    expect(toAngry[0].json.data).toMatchObject({
      ledger: 'window_case',
      unit: { code: 'xz03' },
      row: { id: angryId, version: 1, op: 'INSERT', values: { case_no: 'WH-2', visit_result: '非常不满意' } },
    });
    for (const r of receiver.received) {
      expect(verified(r)).toBe(true);
      expect(r.headers['x-taizhang-event']).toBe(r.json.event);
      expect(r.headers['x-taizhang-delivery']).toBe(r.json.id);
    }
    // a tampered body does not verify
    const r = toAngry[0];
    expect(
      verifySignature(
        secrets.get(angry)!,
        r.body.replace('WH-2', 'WH-3'),
        String(r.headers['x-taizhang-signature']),
        clock.now(),
      ),
    ).toBe(false);
  });

  it('a rolled-back save (all or nothing, one row bad) writes no delivery', async () => {
    const before = await t.db.query(`SELECT count(*)::int AS n FROM webhook_deliveries`);
    const failed = await save('clerk03', 'window_case', [visitedCase('WH-4', '非常不满意'), { case_no: 'WH-5' }], true);
    expect(failed.data!.saveRows.saved).toBe(0);
    expect(await t.db.query(`SELECT count(*)::int AS n FROM webhook_deliveries`)).toEqual(before);
  });

  it('a submission, a return and a 催报 are delivered; the reminder names clerks and phones', async () => {
    const report = { report_date: DAY, cases: 4, follow_ups: 4, dissatisfied: 0 };
    expect((await save('clerk01', 'daily_followup', [report])).errors).toBeUndefined();
    expect((await t.gql(SUBMIT, {}, { token: await token('clerk01') })).errors).toBeUndefined();
    const xz01 = String((await t.db.query<{ id: number }>(`SELECT id FROM units WHERE code = 'xz01'`))[0].id);
    const returned = await t.gql(
      `mutation ($unit: ID!) { returnSheet(ledger: "daily_followup", unitId: $unit, period: "${DAY}", reason: "回访数有误") { state } }`,
      { unit: xz01 },
      { token: admin },
    );
    expect(returned.errors).toBeUndefined();
    const reminded = await t.gql(REMIND, {}, { token: admin });
    expect(reminded.errors).toBeUndefined();
    // the board says it went to the one webhook of reminders
    expect(reminded.data!.remindMissing.webhooks).toBe(1);
    const hook = `/hook/${all}`;
    await waitFor(
      () =>
        at(hook, 'sheet.submitted').length + at(hook, 'sheet.returned').length + at(hook, 'reminder.issued').length >=
        3,
      'sheet events',
    );
    expect(at(hook, 'sheet.submitted')[0].json.data).toMatchObject({
      ledger: 'daily_followup',
      unit: { id: xz01, code: 'xz01' },
      period: DAY,
      late: false,
      rowCount: 1,
    });
    expect(at(hook, 'sheet.returned')[0].json.data).toMatchObject({ unit: { code: 'xz01' }, reason: '回访数有误' });
    const reminder = at(hook, 'reminder.issued')[0].json.data as {
      units: { unit: { code: string }; clerks: { name: string; phone: string | null }[] }[];
      message: string;
      scheduled: boolean;
    };
    expect(reminder.scheduled).toBe(false);
    expect(reminder.message).toContain('请在 2023-05-10 17:00 前提交');
    const xz02 = reminder.units.find((u) => u.unit.code === 'xz02')!;
    expect(xz02.clerks).toContainEqual({ name: expect.any(String), phone: '13912345678' });
    // returned: xz01 is missing again
    expect(reminder.units.map((u) => u.unit.code)).toContain('xz01');
    expect(JSON.stringify(reminder)).not.toMatch(/password|hash/i);
    for (const r of receiver.received) expect(verified(r)).toBe(true);
  });

  it('the scheduled 催报 runs once per period at its time, with the same event', async () => {
    const schedule = t.api.app.get(ScheduledReminders);
    clock.set('2023-05-10T08:29:00Z');
    expect(await schedule.check(clock.now())).toEqual([]);
    clock.set('2023-05-10T08:30:00Z');
    expect(await schedule.check(clock.now())).toEqual([`daily_followup/${DAY}`]);
    expect(await schedule.check(clock.now())).toEqual([]);
    clock.set('2023-05-10T08:31:00Z');
    expect(await schedule.check(clock.now())).toEqual([]);
    await waitFor(() => at(`/hook/${all}`, 'reminder.issued').length >= 2, 'the scheduled reminder');
    expect(at(`/hook/${all}`, 'reminder.issued')[1].json.data).toMatchObject({ scheduled: true, period: DAY });
  });

  it('a sheet not submitted by its deadline is announced late, once', async () => {
    const checks = t.api.app.get(NoticeChecks);
    clock.set('2023-05-10T08:59:00Z');
    await checks.check(clock.now());
    clock.set('2023-05-10T09:01:00Z');
    await checks.check(clock.now());
    await checks.check(clock.now());
    await worker().deliverDue();
    // yesterday's sheets are late too (nobody submitted them): each sheet once
    const late = at(`/hook/${all}`, 'sheet.late').filter((r) => r.json.data.period === DAY);
    expect(at(`/hook/${all}`, 'sheet.late').filter((r) => r.json.data.period === '2023-05-09').length).toBe(
      late.length,
    );
    const codes = late.map((r) => (r.json.data.unit as { code: string }).code);
    expect(codes).toContain('xz02');
    expect(codes).toContain('xz01'); // returned, not submitted again
    expect(new Set(codes).size).toBe(codes.length);
    expect(late[0].json.data).toMatchObject({
      ledger: 'daily_followup',
      period: DAY,
      deadline: '2023-05-10T09:00:00.000Z',
    });
  });

  it('a receiver that answers 500 is retried after the backoff, and its answer is in the log', async () => {
    receiver.answer(`/hook/${angry}`, 500);
    const before = receiver.received.length;
    expect((await save('clerk03', 'window_case', [visitedCase('WH-6', '非常不满意')])).errors).toBeUndefined();
    await waitFor(() => receiver.received.slice(before).some((r) => r.path === `/hook/${angry}`), 'the first attempt');
    const failed = receiver.received.slice(before).find((r) => r.path === `/hook/${angry}`)!;
    const log = async () =>
      (
        (await t.gql(DELIVERIES, { id: angry }, { token: admin })).data!.webhookDeliveries as {
          id: string;
          state: string;
          attempts: number;
          nextAttemptAt: string | null;
          responseStatus: number | null;
          responseBody: string | null;
        }[]
      ).find((d) => d.id === failed.json.id)!;
    await waitFor(async () => (await log()).attempts === 1, 'the failure recorded');
    const entry = await log();
    expect(entry).toMatchObject({ state: 'PENDING', attempts: 1, responseStatus: 500 });
    expect(entry.responseBody!.length).toBe(2048);
    expect(new Date(entry.nextAttemptAt!).getTime() - clock.now().getTime()).toBe(10_000);
    // not before its time
    await worker().deliverDue();
    expect((await log()).state).toBe('PENDING');
    clock.set(new Date(clock.now().getTime() + 10_000));
    await worker().deliverDue();
    expect(await log()).toMatchObject({ state: 'DELIVERED', attempts: 2, responseStatus: 200, responseBody: 'ok' });
    const both = receiver.received.filter((r) => r.json.id === failed.json.id);
    expect(both).toHaveLength(2);
    expect(both[1].body).toBe(both[0].body);
    for (const r of both) expect(verified(r)).toBe(true);
  });

  it('an admin re-sends a delivery: the same id and body, signed again', async () => {
    const [one] = (await t.gql(DELIVERIES, { id: angry }, { token: admin })).data!.webhookDeliveries;
    const before = receiver.received.filter((r) => r.json.id === one.id).length;
    const resent = await t.gql(
      `mutation ($id: ID!) { resendDelivery(id: $id) { state attempts } }`,
      { id: one.id },
      { token: admin },
    );
    expect(resent.data!.resendDelivery).toEqual({ state: 'PENDING', attempts: 0 });
    await waitFor(() => receiver.received.filter((r) => r.json.id === one.id).length > before, 'the re-sent delivery');
    const again = receiver.received.filter((r) => r.json.id === one.id).at(-1)!;
    expect(again.body).toBe(one.payload);
    expect(verified(again)).toBe(true);
    const missing = await t.gql(
      `mutation { resendDelivery(id: "00000000-0000-0000-0000-000000000000") { id } }`,
      {},
      { token: admin },
    );
    expect(missing.errors![0].extensions!.code).toBe('NOT_FOUND');
  });

  it('two API processes on one database send each delivery once', async () => {
    const second = await startApi(
      loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        WEB_DIR: '/nonexistent',
        DEMO_ROWS: '0',
        WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      }),
      t.db.url,
      clock,
    );
    try {
      const before = receiver.received.length;
      const rows = Array.from({ length: 20 }, (_, i) => visitedCase(`WH-P${i}`, '非常不满意'));
      expect((await save('clerk03', 'window_case', rows)).data!.saveRows.saved).toBe(20);
      await Promise.all([worker().deliverDue(), second.app.get(WebhookWorker).deliverDue()]);
      await waitFor(() => receiver.received.length - before >= 40, '40 deliveries');
      await new Promise((r) => setTimeout(r, 300));
      const ids = receiver.received.slice(before).map((r) => r.json.id);
      expect(ids).toHaveLength(40);
      expect(new Set(ids).size).toBe(40);
    } finally {
      await second.close();
    }
  });

  it('checks the address again at delivery: one that now points somewhere private is refused, and logged', async () => {
    // as if its host had answered DNS with a public address at creation and a private one now
    const [{ id }] = await t.db.query<{ id: string }>(
      `INSERT INTO webhooks (url, events, ledger_key, secret) VALUES ('http://10.0.0.1:9/hook', '{row.saved}', 'window_case', 'whsec_x')
       RETURNING id::text AS id`,
    );
    expect((await save('clerk03', 'window_case', [visitedCase('WH-R1', '一般')])).errors).toBeUndefined();
    await worker().deliverDue();
    const tried = () =>
      t.db.query<{ state: string; attempts: number; error: string; response_status: number | null }>(
        `SELECT state, attempts, error, response_status FROM webhook_deliveries WHERE webhook_id = $1`,
        [id],
      );
    // the worker's own run, woken by the save's NOTIFY, may hold the delivery while the call above
    // skips it (SKIP LOCKED): wait for the attempt, whichever run makes it
    await expect.poll(async () => (await tried())[0]?.attempts).toBe(1);
    const [delivery] = await tried();
    expect(delivery).toMatchObject({ state: 'pending', attempts: 1, response_status: null });
    expect(delivery.error).toMatch(/a private address \(10\.0\.0\.1\)/);
    await t.db.query(`DELETE FROM webhooks WHERE id = $1`, [id]);
  });

  it('a deleted webhook gets nothing more, and its log goes with it', async () => {
    const deleted = await t.gql(`mutation ($id: ID!) { deleteWebhook(id: $id) }`, { id: angry }, { token: admin });
    expect(deleted.data!.deleteWebhook).toBe(true);
    expect(await t.db.query(`SELECT * FROM webhook_deliveries WHERE webhook_id = $1`, [angry])).toEqual([]);
    const again = await t.gql(`mutation ($id: ID!) { deleteWebhook(id: $id) }`, { id: angry }, { token: admin });
    expect(again.errors![0].extensions!.code).toBe('NOT_FOUND');
  });
});
