import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handTyped, postGraphQL } from '@taizhang/testing';
import { startApi, type RunningApi } from '../src/bootstrap';
import { loadConfig } from '../src/config/app-config';
import { startTestApi, type TestApi } from './api-harness';

/**
 * A save does not read the webhooks table (issue 25): each API process keeps the subscriptions it
 * read last with the webhooks' generation, which every change of the table moves and every save
 * reads with its write guard. A webhook created, changed or deleted — through this process,
 * another one, or SQL by hand — is seen by the very next save of every process.
 */
const SAVE = `mutation ($changes: [RowChangeInput!]!) { saveRows(ledger: "daily_followup", changes: $changes) { saved } }`;
const CREATE = `mutation ($input: WebhookInput!) { createWebhook(input: $input) { webhook { id } } }`;
const env = { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' };

let t: TestApi;
let second: RunningApi;
let admin: string;
let clerk: string;
let day = 0;

/** One new daily report row of clerk01's unit through the given process; the new row's id. */
async function save(url: string): Promise<void> {
  day += 1;
  const date = `2023-02-${String(day).padStart(2, '0')}`;
  const values = { report_date: date, cases: 3, follow_ups: 2, dissatisfied: 0 };
  const answer = await postGraphQL<{ saveRows: { saved: number } }>(
    url,
    SAVE,
    { changes: [handTyped({ op: 'INSERT', values })] },
    { token: clerk },
  );
  expect(answer.errors, JSON.stringify(answer.errors)).toBeUndefined();
  expect(answer.data!.saveRows.saved).toBe(1);
}

/** How many deliveries each webhook has (by id), as the database holds them. */
async function deliveries(): Promise<Record<string, number>> {
  const rows = await t.db.query<{ id: string; n: number }>(
    `SELECT webhook_id::text AS id, count(*)::int AS n FROM webhook_deliveries GROUP BY webhook_id`,
  );
  return Object.fromEntries(rows.map((r) => [r.id, r.n]));
}

beforeAll(async () => {
  t = await startTestApi(env);
  second = await startApi(
    loadConfig({ PORT: '0', HOST: '127.0.0.1', WEB_DIR: '/nonexistent', DEMO_ROWS: '0', ...env }),
    t.db.url,
  );
  [admin, clerk] = await Promise.all([t.signIn('admin'), t.signIn('clerk01')]);
});
afterAll(async () => {
  await second?.close();
  await t?.close();
});

describe('the subscriptions a process keeps', () => {
  it("a webhook created just after a save gets the next save's event", async () => {
    await save(t.url); // this process now keeps "no webhooks"
    await save(second.url);
    expect(await deliveries()).toEqual({});
    const created = await t.gql(
      CREATE,
      { input: { url: 'http://127.0.0.1:9/hook/a', events: ['row.saved'], ledger: 'daily_followup' } },
      { token: admin },
    );
    expect(created.errors).toBeUndefined();
    const a = created.data!.createWebhook.webhook.id as string;
    await save(t.url);
    expect(await deliveries()).toEqual({ [a]: 1 });
    // the other process kept "no webhooks" too, and sees it at its next save
    await save(second.url);
    expect(await deliveries()).toEqual({ [a]: 2 });
  });

  it('a webhook added, deactivated or deleted in SQL, as by another process, counts at the next save', async () => {
    const [{ id: a }] = await t.db.query<{ id: string }>(`SELECT id::text AS id FROM webhooks`);
    const [{ id: b }] = await t.db.query<{ id: string }>(
      `INSERT INTO webhooks (url, events, ledger_key, secret) VALUES ('http://127.0.0.1:9/hook/b', '{row.saved}', NULL, 'whsec_b')
       RETURNING id::text AS id`,
    );
    await save(second.url);
    expect(await deliveries()).toEqual({ [a]: 3, [b]: 1 });
    await t.db.query(`UPDATE webhooks SET active = false WHERE id = $1`, [a]);
    await save(second.url);
    await save(t.url);
    expect(await deliveries()).toEqual({ [a]: 3, [b]: 3 });
    // a delivery to a deleted webhook would break the save (its foreign key): the save succeeds
    await t.db.query(`DELETE FROM webhooks WHERE id = $1`, [b]);
    await save(second.url);
    await save(t.url);
    expect(await deliveries()).toEqual({ [a]: 3 });
  });

  it('a changed filter or ledger holds from the next save on', async () => {
    const [{ id: a }] = await t.db.query<{ id: string }>(`SELECT id::text AS id FROM webhooks`);
    await t.db.query(`UPDATE webhooks SET active = true, ledger_key = 'window_case' WHERE id = $1`, [a]);
    await save(second.url);
    expect(await deliveries()).toEqual({ [a]: 3 });
    await t.db.query(`UPDATE webhooks SET ledger_key = NULL, filter = 'cases > 2' WHERE id = $1`, [a]);
    await save(second.url);
    expect(await deliveries()).toEqual({ [a]: 4 });
    await t.db.query(`UPDATE webhooks SET filter = 'cases > 3' WHERE id = $1`, [a]);
    await save(t.url);
    await save(second.url);
    expect(await deliveries()).toEqual({ [a]: 4 });
  });
});
