import { ROW_EVENTS_CHANNEL } from '../../database/notice-channels';

/** What happened to a sheet's rows (docs/live.md). */
export const ROW_EVENT_KINDS = [
  'SAVED',
  'DELETED',
  'RESTORED',
  'SUBMITTED',
  'RETURNED',
  'WITHDRAWN',
  'DEFINITION',
  'REFRESHED',
] as const;
export type RowEventKind = (typeof ROW_EVENT_KINDS)[number];

/** One event as the place where it happened knows it, and as a listener reads it back. */
export interface RowEventNotice {
  ledger: string;
  /** null: every unit (a definition published). */
  unitId: number | null;
  period: string | null;
  kind: RowEventKind;
  /** The rows, and their versions after the change in the same order (empty for sheet events). */
  ids: string[];
  versions: number[];
  /** A return's reason. */
  reason?: string | null;
}

/**
 * A row whose derived values (a look-up, a roll-up, a figure) a write of other rows moved: no new
 * version, since nobody edited it (ledger-tables/row-derived.ts, derived-figures.ts). Announced as
 * REFRESHED, which a grid applies to the derived cells whatever versions it holds.
 */
export interface RefreshedRow {
  ledger: string;
  unitId: number;
  period: string | null;
  id: string;
  version: number;
}

/** The REFRESHED events of rows whose derived values moved, each row once (several of its fields may have). */
export function refreshedEvents(rows: RefreshedRow[]): RowEventNotice[] {
  const once = new Map(rows.map((row) => [`${row.ledger}/${row.id}`, row]));
  return [...once.values()].map((row) => ({
    ledger: row.ledger,
    unitId: row.unitId,
    period: row.period,
    kind: 'REFRESHED' as const,
    ids: [row.id],
    versions: [row.version],
  }));
}

/** A notice's payload must stay under PostgreSQL's 8,000 bytes: ids of ≤ 19 digits and versions. */
export const IDS_PER_NOTICE = 300;

/** A transaction's connection (TypeORM's EntityManager or the row pipeline's RowTransaction). */
interface Queries {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

interface Payload {
  l: string;
  u: number | null;
  p: string | null;
  k: RowEventKind;
  i: string[];
  v: number[];
  r?: string;
}

/** The payloads of the events, a batch's rows cut into chunks that each fit a notice. */
export function rowEventPayloads(events: RowEventNotice[]): string[] {
  const payloads: string[] = [];
  for (const event of events) {
    const base = { l: event.ledger, u: event.unitId, p: event.period, k: event.kind };
    // a return's reason is bounded where it is written (500 characters); cut anyway, a notice must fit
    const reason = event.reason ? { r: event.reason.slice(0, 1000) } : {};
    if (event.ids.length === 0) {
      payloads.push(JSON.stringify({ ...base, i: [], v: [], ...reason } satisfies Payload));
      continue;
    }
    for (let from = 0; from < event.ids.length; from += IDS_PER_NOTICE) {
      const i = event.ids.slice(from, from + IDS_PER_NOTICE).map(String);
      const v = event.versions.slice(from, from + IDS_PER_NOTICE);
      payloads.push(JSON.stringify({ ...base, i, v, ...reason } satisfies Payload));
    }
  }
  return payloads;
}

/**
 * Tells every API process what the transaction did (`pg_notify`: PostgreSQL sends it at COMMIT,
 * and never if the transaction rolls back). Events of one ledger, unit, period and kind are
 * merged first, so a batch sends one notice per 300 rows.
 */
export async function notifyRowEvents(tx: Queries, events: RowEventNotice[]): Promise<void> {
  const merged = new Map<string, RowEventNotice>();
  for (const event of events) {
    const key = JSON.stringify([event.ledger, event.unitId, event.period, event.kind, event.reason ?? null]);
    const kept = merged.get(key);
    if (kept && event.ids.length > 0) {
      kept.ids.push(...event.ids);
      kept.versions.push(...event.versions);
    } else if (!kept) merged.set(key, { ...event, ids: [...event.ids], versions: [...event.versions] });
  }
  const payloads = rowEventPayloads([...merged.values()]);
  if (payloads.length === 0) return;
  await tx.query(`SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload`, [ROW_EVENTS_CHANNEL, payloads]);
}

const isKind = (kind: unknown): kind is RowEventKind => ROW_EVENT_KINDS.includes(kind as RowEventKind);

/** A notice's payload read back; null when it is not one (never trusted blindly: it is parsed). */
export function parseRowEventNotice(payload: string): RowEventNotice | null {
  let raw: Partial<Payload>;
  try {
    raw = JSON.parse(payload) as Partial<Payload>;
  } catch {
    return null;
  }
  if (!raw || typeof raw.l !== 'string' || !isKind(raw.k)) return null;
  if (raw.u !== null && !Number.isSafeInteger(raw.u)) return null;
  if (!Array.isArray(raw.i) || !Array.isArray(raw.v) || raw.i.length !== raw.v.length) return null;
  return {
    ledger: raw.l,
    unitId: raw.u ?? null,
    period: typeof raw.p === 'string' ? raw.p : null,
    kind: raw.k,
    ids: raw.i.map(String),
    versions: raw.v.map(Number),
    reason: typeof raw.r === 'string' ? raw.r : null,
  };
}
