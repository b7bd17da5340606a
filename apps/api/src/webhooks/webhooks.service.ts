import { WEBHOOK_EVENTS } from '@taizhang/domain';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { LocalizedText } from '@taizhang/domain';
import { checkFormula } from '@taizhang/ledger-core';
import { parseId } from '../common/graphql/ids';
import type { Principal } from '../identity/principal';
import { LedgerRegistry } from '../ledgers/ledger-registry.service';
import { checkWebhookUrl } from './url-policy';
import { newWebhookSecret } from './webhook-signature';
import type { WebhookCreatedModel, WebhookDeliveryModel, WebhookInput, WebhookModel } from './webhook.model';
import { WebhookWorker } from './webhook-worker.service';
import { WebhooksException } from './webhooks.exception';

interface WebhookRow {
  id: string;
  url: string;
  events: string[];
  ledger_key: string | null;
  filter: string | null;
  active: boolean;
  created_at: Date;
}

interface DeliveryRow {
  id: string;
  webhook_id: string;
  event: string;
  state: string;
  attempts: number;
  created_at: Date;
  last_attempt_at: Date | null;
  next_attempt_at: Date | null;
  response_status: number | null;
  response_body: string | null;
  error: string | null;
  payload: string;
}

const webhookOf = (row: WebhookRow): WebhookModel => ({
  id: String(row.id),
  url: row.url,
  events: row.events,
  ledger: row.ledger_key,
  filter: row.filter,
  active: row.active,
  createdAt: row.created_at,
});

const deliveryOf = (row: DeliveryRow): WebhookDeliveryModel => ({
  id: row.id,
  webhookId: String(row.webhook_id),
  event: row.event,
  state: row.state.toUpperCase(),
  attempts: row.attempts,
  createdAt: row.created_at,
  lastAttemptAt: row.last_attempt_at,
  nextAttemptAt: row.next_attempt_at,
  responseStatus: row.response_status,
  responseBody: row.response_body,
  error: row.error,
  payload: row.payload,
});

const WEBHOOK_COLUMNS = `id::text AS id, url, events, ledger_key, filter, active, created_at`;
const MAX_WEBHOOKS = 100;

/** Webhooks (admins only, docs/integration.md, Webhooks): subscriptions, their delivery log, a re-send. */
@Injectable()
export class WebhooksService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly registry: LedgerRegistry,
    private readonly worker: WebhookWorker,
  ) {}

  async list(): Promise<WebhookModel[]> {
    const rows = (await this.db.query(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks ORDER BY id`)) as WebhookRow[];
    return rows.map(webhookOf);
  }

  async create(principal: Principal, input: WebhookInput): Promise<WebhookCreatedModel> {
    const problems: { path: string; message: LocalizedText }[] = [];
    const url = input.url.trim();
    // the admin's public address (/survey-links) is this system too
    const policy = this.worker.policy();
    const [setting] = (await this.db.query(
      `SELECT value #>> '{}' AS url FROM app_settings WHERE key = 'public_base_url'`,
    )) as {
      url: string | null;
    }[];
    if (setting?.url) policy.ownOrigins.push(setting.url);
    const urlProblem = await checkWebhookUrl(url, policy);
    if (urlProblem) problems.push({ path: 'url', message: urlProblem });
    const events = [...new Set(input.events)];
    if (events.length === 0)
      problems.push({ path: 'events', message: { 'zh-CN': '请至少选择一个事件', en: 'Choose at least one event' } });
    for (const event of events)
      if (!(WEBHOOK_EVENTS as readonly string[]).includes(event))
        problems.push({
          path: 'events',
          message: {
            'zh-CN': `未知事件「${event}」（可选：${WEBHOOK_EVENTS.join('、')}）`,
            en: `Unknown event "${event}" (one of ${WEBHOOK_EVENTS.join(', ')})`,
          },
        });
    const ledgerKey = input.ledger?.trim() || null;
    const ledger = ledgerKey === null ? null : await this.registry.find(ledgerKey);
    if (ledgerKey !== null && ledger === null)
      problems.push({
        path: 'ledger',
        message: { 'zh-CN': `台账「${ledgerKey}」不存在`, en: `The ledger "${ledgerKey}" does not exist` },
      });
    const filter = input.filter?.trim() || null;
    if (filter !== null) {
      if (!events.includes('row.saved'))
        problems.push({
          path: 'filter',
          message: {
            'zh-CN': '筛选公式只用于「行已保存」（row.saved）事件',
            en: 'A filter applies to the row.saved event only',
          },
        });
      else if (ledgerKey === null)
        problems.push({
          path: 'filter',
          message: { 'zh-CN': '使用筛选公式时须指定台账', en: 'A filter needs a ledger' },
        });
      else if (ledger)
        for (const problem of checkFormula(filter, ledger.model.types))
          problems.push({
            path: 'filter',
            message: { 'zh-CN': `筛选公式：${problem['zh-CN']}`, en: `Filter: ${problem.en}` },
          });
    }
    const [{ n }] = (await this.db.query(`SELECT count(*)::int AS n FROM webhooks`)) as { n: number }[];
    if (n >= MAX_WEBHOOKS)
      problems.push({
        path: 'url',
        message: { 'zh-CN': `最多 ${MAX_WEBHOOKS} 个 Webhook`, en: `At most ${MAX_WEBHOOKS} webhooks` },
      });
    if (problems.length > 0) throw WebhooksException.invalid(problems);
    const secret = newWebhookSecret();
    const [row] = (await this.db.query(
      `INSERT INTO webhooks (url, events, ledger_key, filter, secret, created_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${WEBHOOK_COLUMNS}`,
      [url, events, ledgerKey, filter, secret, principal.userId],
    )) as WebhookRow[];
    return { secret, webhook: webhookOf(row) };
  }

  async delete(idText: string): Promise<boolean> {
    const id = parseId(idText, 'id');
    const [, count] = (await this.db.query(`DELETE FROM webhooks WHERE id = $1`, [id])) as [unknown, number];
    if (count === 0) throw WebhooksException.notFound(idText);
    return true;
  }

  async deliveries(webhookIdText: string, first: number): Promise<WebhookDeliveryModel[]> {
    const webhookId = parseId(webhookIdText, 'webhookId');
    const limit = Math.max(1, Math.min(200, Number.isSafeInteger(first) ? first : 50));
    const rows = (await this.db.query(
      `SELECT id, webhook_id::text AS webhook_id, event, state, attempts, created_at, last_attempt_at, next_attempt_at,
              response_status, response_body, error, payload
         FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
      [webhookId, limit],
    )) as DeliveryRow[];
    return rows.map(deliveryOf);
  }

  /** Sends a delivery again, now, with the same id and body (a new signature), and the retries counted afresh. */
  async resend(id: string, now: Date): Promise<WebhookDeliveryModel> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw WebhooksException.deliveryNotFound(id);
    const rows = (await this.db.query(
      `UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_attempt_at = $2
        WHERE id = $1
        RETURNING id, webhook_id::text AS webhook_id, event, state, attempts, created_at, last_attempt_at, next_attempt_at,
                  response_status, response_body, error, payload`,
      [id, now],
    )) as [DeliveryRow[], number];
    const [row] = rows[0];
    if (!row) throw WebhooksException.deliveryNotFound(id);
    this.worker.kick();
    return deliveryOf(row);
  }
}
