import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  freePort,
  handTyped,
  postGraphQL,
  signInToken,
  startProductServer,
  type ProductServer,
  type TestDatabase,
} from '@taizhang/testing';
import { waitFor } from './webhook-receiver';

/**
 * The outbox survives the process (issue 23): the built product, SIGKILLed after a save and a 催报
 * committed while the receiver was down, delivers both after a restart. The receiver is
 * docs/examples/webhook-receiver.mjs, as an integrator would run it: it verifies the real
 * signatures and prints the reminder as the SMS a gateway would send (so the example cannot rot).
 */
const ROOT = path.resolve(__dirname, '../../..');
const RECEIVER = path.join(ROOT, 'docs/examples/webhook-receiver.mjs');
const ENV = { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' };

let db: TestDatabase;
let server: ProductServer | null = null;
let receiver: ChildProcess | null = null;
let receiverOutput = '';

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startProductServer({ DATABASE_URL: db.url, ...ENV });
});
afterAll(async () => {
  receiver?.kill('SIGTERM');
  await server?.stop();
  await db?.drop();
});

/** Shanghai's today, the daily report's current period. */
const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

describe('a delivery committed before the API died', () => {
  it('is delivered after a restart, and the example receiver verifies it and prints the SMS', async () => {
    const admin = await signInToken(server!.url, 'admin');
    const clerk = await signInToken(server!.url, 'clerk02');
    await db.query(`UPDATE users SET phone = '13912345678' WHERE username = 'clerk02'`);
    const port = await freePort(); // nobody listens there yet
    const created = await postGraphQL<{ createWebhook: { secret: string } }>(
      server!.url,
      `mutation ($url: String!) { createWebhook(input: { url: $url, events: ["row.saved", "reminder.issued"] }) { secret } }`,
      { url: `http://127.0.0.1:${port}/taizhang` },
      { token: admin },
    );
    expect(created.errors).toBeUndefined();
    const secret = created.data!.createWebhook.secret;

    const saved = await postGraphQL(
      server!.url,
      `mutation ($changes: [RowChangeInput!]!) { saveRows(ledger: "window_case", changes: $changes) { saved } }`,
      {
        changes: [
          handTyped({
            op: 'INSERT',
            values: {
              case_no: 'KILL-1',
              accepted_at: `${today()}T09:00:00+08:00`,
              service_item: '营业执照变更',
              applicant: '李四',
              status: '受理',
            },
          }),
        ],
      },
      { token: clerk },
    );
    expect(saved.errors).toBeUndefined();
    const reminded = await postGraphQL(
      server!.url,
      `mutation ($period: String!) { remindMissing(ledger: "daily_followup", period: $period) { units { unit { code } } } }`,
      { period: today() },
      { token: admin },
    );
    expect(reminded.errors).toBeUndefined();

    server!.process.kill('SIGKILL');
    await server!.stop();
    server = null;
    const pending = await db.query<{ event: string; state: string }>(
      `SELECT event, state FROM webhook_deliveries ORDER BY event`,
    );
    expect(pending).toEqual([
      { event: 'reminder.issued', state: 'pending' },
      { event: 'row.saved', state: 'pending' },
    ]);

    receiver = spawn(process.execPath, [RECEIVER], {
      env: { ...process.env, WEBHOOK_SECRET: secret, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    receiver.stdout!.on('data', (chunk) => (receiverOutput += chunk));
    receiver.stderr!.on('data', (chunk) => (receiverOutput += chunk));
    await waitFor(() => receiverOutput.includes('listening'), 'the example receiver');

    server = await startProductServer({ DATABASE_URL: db.url, ...ENV });
    // a retry is due 10 s after the failed first attempt; the worker polls every 5 s
    await waitFor(
      async () => (await db.query(`SELECT 1 FROM webhook_deliveries WHERE state = 'delivered'`)).length === 2,
      'both deliveries',
      40_000,
    );
    expect(receiverOutput).toMatch(/SMS to 13912345678: 请于17:00前报送「政务服务大回访日报台账」\d{4}-\d\d-\d\d（/);
    expect(receiverOutput).toMatch(/row\.saved [0-9a-f-]{36} window_case/);
    expect(receiverOutput).not.toContain('REFUSED');

    // a forged delivery is refused by the example
    const forged = await fetch(`http://127.0.0.1:${port}/taizhang`, {
      method: 'POST',
      headers: { 'x-taizhang-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` },
      body: '{"event":"row.saved","id":"x","data":{}}',
    });
    expect(forged.status).toBe(401);
    await waitFor(() => receiverOutput.includes('REFUSED'), 'the refusal printed');
  }, 120_000);
});
