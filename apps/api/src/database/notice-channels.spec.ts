import type { QueryRunner } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { AuthChangeNotices1764400000000 } from './migrations/1764400000000-auth-change-notices';
import { LedgerWriteGuards1764500000000 } from './migrations/1764500000000-ledger-write-guards';
import {
  AUTH_CHANGED_CHANNEL,
  LEDGERS_CHANGED_CHANNEL,
  PRESENCE_CHANNEL,
  ROW_EVENTS_CHANNEL,
  WEBHOOKS_CHANNEL,
} from './notice-channels';

/** The SQL a migration's `up` sends, recorded instead of run. */
async function sqlOf(migration: { up(db: QueryRunner): Promise<void> }): Promise<string> {
  const sent: string[] = [];
  await migration.up({ query: async (sql: string) => void sent.push(sql) } as unknown as QueryRunner);
  return sent.join('\n');
}

/**
 * The migrations keep their own copy of each channel's name (they are frozen as they ran); the
 * running code listens on notice-channels.ts. The two must name the same channel, or a process
 * would wait for notices that never come and keep sessions and definitions too long.
 */
describe('notice channels', () => {
  it("are the channels the migrations' triggers notify on", async () => {
    expect(await sqlOf(new AuthChangeNotices1764400000000())).toContain(`pg_notify('${AUTH_CHANGED_CHANNEL}',`);
    expect(await sqlOf(new LedgerWriteGuards1764500000000())).toContain(`pg_notify('${LEDGERS_CHANGED_CHANNEL}',`);
  });

  it('are told apart', () => {
    const channels = [
      AUTH_CHANGED_CHANNEL,
      LEDGERS_CHANGED_CHANNEL,
      ROW_EVENTS_CHANNEL,
      WEBHOOKS_CHANNEL,
      PRESENCE_CHANNEL,
    ];
    expect(new Set(channels).size).toBe(channels.length);
  });
});
