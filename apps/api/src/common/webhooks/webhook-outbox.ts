import { randomUUID } from 'node:crypto';
import type { WebhookEventName } from '@taizhang/domain';
import { compileFormula, type FieldType } from '@taizhang/ledger-core';

/** The channel the worker listens on (database/notice-channels.ts keeps the same name). */
const CHANNEL = 'taizhang_webhooks';

/** A transaction's connection (TypeORM's EntityManager or the row pipeline's RowTransaction). */
interface Queries {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/** One thing that happened, as the place where it happened knows it. */
export interface WebhookEventDraft {
  event: WebhookEventName;
  ledgerKey: string;
  unitId: number | null;
  period?: string | null;
  /** For row.saved (and rectification.overdue): the row; its values are what a filter reads. */
  row?: { id: string | number; version?: number | null; op?: string; values?: Record<string, unknown> | null };
  /** The rest of the event's body (a return's reason, a reminder's units…). */
  data?: Record<string, unknown>;
  occurredAt: Date;
  /** The ledger's field types, for a row.saved filter. */
  types?: Record<string, FieldType>;
}

interface Subscription {
  id: string;
  events: string[];
  ledger_key: string | null;
  filter: string | null;
}

/** Whether a webhook's filter holds for a row's values (an error in it, or a non-true answer: no). */
function filterHolds(filter: string | null, draft: WebhookEventDraft): boolean {
  if (!filter) return true;
  if (!draft.row?.values || !draft.types) return false;
  try {
    return (
      compileFormula(filter).evaluate({ values: draft.row.values, types: draft.types, now: draft.occurredAt }) === true
    );
  } catch {
    return false;
  }
}

/**
 * The active subscriptions as a process read them last, with the webhooks' generation they were
 * read at (migration 1765300000100: every change of the webhooks table moves it). A write that
 * read the generation under its locks (ledgers/ledger-locks.ts, readWriteGuard) and finds it
 * unmoved takes the kept list without a round trip; a moved one reads the list again. One per
 * API process and database (the row writer keeps one).
 */
export class WebhookSubscriptions {
  private kept: { generation: string; list: Subscription[] } | null = null;

  /** The subscriptions at `generation` (null: not known, read them). */
  async at(tx: Queries, generation: string | null): Promise<Subscription[]> {
    if (generation !== null && this.kept?.generation === generation) return this.kept.list;
    // the list and its generation from one snapshot: a change committed between them cannot hide
    const [read] = (await tx.query(
      `SELECT (SELECT n::text FROM webhook_generation) AS generation,
              COALESCE((SELECT json_agg(json_build_object('id', id::text, 'events', events, 'ledger_key', ledger_key, 'filter', filter))
                          FROM webhooks WHERE active), '[]') AS list`,
    )) as { generation: string; list: Subscription[] }[];
    this.kept = read;
    return read.list;
  }
}

/**
 * Writes a delivery to the outbox for every active webhook that subscribes to each event, on the
 * caller's transaction, and a NOTIFY that PostgreSQL sends only when that transaction commits: a
 * rolled-back save leaves nothing, a committed one is delivered even if the process dies now
 * (webhooks/webhook-worker.service.ts picks it up). Costs one indexed read when nobody subscribes,
 * and none when the caller knows the webhooks' generation and its process has the list of it
 * (`kept`: the row writer, which reads the generation with its write guard).
 */
export async function writeWebhookEvents(
  tx: Queries,
  drafts: WebhookEventDraft[],
  kept?: { subscriptions: WebhookSubscriptions; generation: string | null },
): Promise<number> {
  if (drafts.length === 0) return 0;
  const names = [...new Set(drafts.map((d) => d.event))];
  const subscriptions = kept
    ? (await kept.subscriptions.at(tx, kept.generation)).filter((s) =>
        s.events.some((e) => names.includes(e as WebhookEventName)),
      )
    : ((await tx.query(
        `SELECT id::text AS id, events, ledger_key, filter FROM webhooks WHERE active AND events && $1::text[]`,
        [names],
      )) as Subscription[]);
  if (subscriptions.length === 0) return 0;
  const matches = drafts.flatMap((draft) =>
    subscriptions
      .filter(
        (s) =>
          s.events.includes(draft.event) &&
          (s.ledger_key === null || s.ledger_key === draft.ledgerKey) &&
          (draft.event !== 'row.saved' || filterHolds(s.filter, draft)),
      )
      .map((s) => ({ s, draft })),
  );
  if (matches.length === 0) return 0;
  const unitIds = [...new Set(matches.map((m) => m.draft.unitId).filter((id): id is number => id !== null))];
  const units = new Map(
    (
      (await tx.query(`SELECT id, code, name FROM units WHERE id = ANY($1::int[])`, [unitIds])) as {
        id: number;
        code: string;
        name: string;
      }[]
    ).map((u) => [Number(u.id), { id: String(u.id), code: u.code, name: u.name }]),
  );
  const records = matches.map(({ s, draft }) => {
    const id = randomUUID();
    // the contract's envelope: { id, event, occurredAt, data }
    const payload = {
      id,
      event: draft.event,
      occurredAt: draft.occurredAt.toISOString(),
      data: {
        ledger: draft.ledgerKey,
        unit: draft.unitId === null ? null : (units.get(draft.unitId) ?? { id: String(draft.unitId) }),
        period: draft.period ?? null,
        ...(draft.row
          ? {
              row: {
                id: String(draft.row.id),
                version: draft.row.version ?? null,
                ...(draft.row.op ? { op: draft.row.op } : {}),
                ...(draft.row.values !== undefined ? { values: draft.row.values } : {}),
              },
            }
          : {}),
        ...(draft.data ?? {}),
      },
    };
    return {
      id,
      webhook_id: s.id,
      event: draft.event,
      payload: JSON.stringify(payload),
      created_at: draft.occurredAt.toISOString(),
    };
  });
  await tx.query(
    `INSERT INTO webhook_deliveries (id, webhook_id, event, payload, state, next_attempt_at, created_at)
     SELECT d.id, d.webhook_id, d.event, d.payload, 'pending', d.created_at, d.created_at
       FROM jsonb_to_recordset($1::jsonb) AS d(id uuid, webhook_id bigint, event text, payload text, created_at timestamptz)`,
    [JSON.stringify(records)],
  );
  await tx.query(`SELECT pg_notify('${CHANNEL}', '')`);
  return records.length;
}

/** Whether any active webhook subscribes to an event (a scheduled check looks before it does work for none). */
export async function webhookSubscribed(tx: Queries, event: WebhookEventName): Promise<boolean> {
  const rows = (await tx.query(`SELECT 1 FROM webhooks WHERE active AND $1 = ANY(events) LIMIT 1`, [
    event,
  ])) as unknown[];
  return rows.length > 0;
}
