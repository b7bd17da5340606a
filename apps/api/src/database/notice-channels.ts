/**
 * The channels on which PostgreSQL tells every API process that something it may keep has
 * changed. The migrations that made the triggers keep their own copy of each name (a migration is
 * history, frozen as it ran); these are what the running code listens on.
 */

/** Sessions, users, units: who may do what (migration 1764400000000-auth-change-notices). */
export const AUTH_CHANGED_CHANNEL = 'taizhang_auth_changed';

/** A ledger published or its current version moved; the payload is its key (migration 1764500000000-ledger-write-guards). */
export const LEDGERS_CHANGED_CHANNEL = 'taizhang_ledgers_changed';

/** A webhook delivery was written to the outbox (sent with its transaction's commit; docs/integration.md, Webhooks). */
export const WEBHOOKS_CHANNEL = 'taizhang_webhooks';

/** Rows saved, deleted or restored, sheets submitted or returned (docs/live.md): sent with the write's commit. */
export const ROW_EVENTS_CHANNEL = 'taizhang_row_events';

/** Someone opened, moved in or left a sheet (docs/live.md, Presence); the payload is the sheet. */
export const PRESENCE_CHANNEL = 'taizhang_presence';
