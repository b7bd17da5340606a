import { describe, expect, it } from 'vitest';
import {
  LiveLimits,
  MAX_CONNECTIONS_PER_SESSION,
  MAX_SUBSCRIPTIONS_PER_CONNECTION,
  MAX_SUBSCRIPTIONS_PER_SESSION,
} from './live-limits';

/** A graphql-ws connection's context as the limits read it: its table of open operations. */
const connection = () => ({ subscriptions: {} as Record<string, unknown> });

/** Starts subscription `id` as graphql-ws does (in the table first), answering the limit it is over. */
function start(limits: LiveLimits, ctx: ReturnType<typeof connection>, id: string) {
  ctx.subscriptions[id] = null;
  const over = limits.admit(ctx, id);
  if (over) delete ctx.subscriptions[id];
  return over;
}

describe('LiveLimits', () => {
  it('counts what graphql-ws still has open: one ended by any path frees its place', () => {
    const limits = new LiveLimits();
    const ctx = connection();
    limits.open(ctx, 'session');
    for (let i = 0; i < MAX_SUBSCRIPTIONS_PER_CONNECTION; i += 1) expect(start(limits, ctx, String(i))).toBeNull();
    expect(start(limits, ctx, 'over')).toBe('connection');
    delete ctx.subscriptions['3'];
    expect(start(limits, ctx, 'next')).toBeNull();
    // the same id again after it ended is one subscription, not two
    delete ctx.subscriptions.next;
    expect(start(limits, ctx, 'next')).toBeNull();
    expect(start(limits, ctx, 'over')).toBe('connection');
  });

  it("counts a session's subscriptions across its connections, the same ids on each counted apart", () => {
    const limits = new LiveLimits();
    const connections = [connection(), connection(), connection(), connection()];
    for (const ctx of connections) expect(limits.open(ctx, 'session')).toBe(true);
    for (const ctx of connections.slice(0, 3))
      for (let i = 0; i < MAX_SUBSCRIPTIONS_PER_SESSION / 3; i += 1) expect(start(limits, ctx, String(i))).toBeNull();
    expect(start(limits, connections[3], '0')).toBe('session');
    // another session, and a connection without a credential, are not this one's
    const other = connection();
    limits.open(other, 'another');
    expect(start(limits, other, '0')).toBeNull();
    const anonymous = connection();
    limits.open(anonymous, null);
    expect(start(limits, anonymous, '0')).toBeNull();
    // a closed connection's subscriptions leave the session's count
    limits.close(connections[0]);
    expect(start(limits, connections[3], '0')).toBeNull();
  });

  it("refuses a session's connection past the limit until one closes", () => {
    const limits = new LiveLimits();
    const open = Array.from({ length: MAX_CONNECTIONS_PER_SESSION }, connection);
    for (const ctx of open) expect(limits.open(ctx, 'session')).toBe(true);
    expect(limits.open(connection(), 'session')).toBe(false);
    limits.close(open[0]);
    expect(limits.open(connection(), 'session')).toBe(true);
  });
});
