/** How many subscriptions one WebSocket connection may hold open (one browser tab opens 3–4). */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 10;
/** How many one signed-in session (or API token) may hold, across its connections to this process. */
export const MAX_SUBSCRIPTIONS_PER_SESSION = 30;
/** How many connections one session (or API token) may hold to this process (one per tab). */
export const MAX_CONNECTIONS_PER_SESSION = 12;
/** The close code of a connection over that limit (graphql-ws's client does not retry it). */
export const TOO_MANY_CONNECTIONS_CLOSE = 4429;

/** A graphql-ws connection's context, as the limits read it. */
interface LiveOperations {
  /** graphql-ws's table of the connection's operations: one is in it from its subscribe until it ends. */
  subscriptions: Record<string, unknown>;
}

interface Connection {
  ctx: LiveOperations;
  /** Which of its operations are subscriptions admitted here. */
  subscriptions: Set<string>;
  session: string | null;
}

/**
 * The live socket's limits (docs/live.md, "Limits"), in this process: subscriptions per
 * connection and per session, connections per session. A session is the credential the
 * connection presents (session token or API token), counted before it is checked: a credential
 * that is not valid opens nothing anyway. What is open is read from graphql-ws's own table of
 * each connection's operations, so that an operation refused or ended by any path is no longer
 * counted without a hook having to see it end.
 */
export class LiveLimits {
  private readonly connections = new WeakMap<LiveOperations, Connection>();
  private readonly bySession = new Map<string, Set<Connection>>();

  /** A connection is acknowledged; false when its session has as many open as allowed. */
  open(ctx: LiveOperations, session: string | null): boolean {
    const sessions = session === null ? null : (this.bySession.get(session) ?? new Set<Connection>());
    if (sessions && sessions.size >= MAX_CONNECTIONS_PER_SESSION) return false;
    const connection: Connection = { ctx, subscriptions: new Set(), session };
    this.connections.set(ctx, connection);
    if (sessions && session !== null) {
      sessions.add(connection);
      this.bySession.set(session, sessions);
    }
    return true;
  }

  /** The connection is gone. */
  close(ctx: LiveOperations): void {
    const connection = this.connections.get(ctx);
    if (!connection) return;
    this.connections.delete(ctx);
    if (connection.session === null) return;
    const sessions = this.bySession.get(connection.session);
    sessions?.delete(connection);
    if (sessions?.size === 0) this.bySession.delete(connection.session);
  }

  /** Subscription `id` starts on the connection: null when it may, else the limit it is over. */
  admit(ctx: LiveOperations, id: string): 'connection' | 'session' | null {
    const connection = this.connections.get(ctx);
    if (!connection) return null;
    if (openOn(connection, id) >= MAX_SUBSCRIPTIONS_PER_CONNECTION) return 'connection';
    if (connection.session !== null) {
      let inSession = 0;
      for (const other of this.bySession.get(connection.session) ?? []) {
        inSession += openOn(other, other === connection ? id : null);
      }
      if (inSession >= MAX_SUBSCRIPTIONS_PER_SESSION) return 'session';
    }
    connection.subscriptions.add(id);
    return null;
  }
}

/** The subscriptions still open on a connection (ended ones forgotten), `except` not counted. */
function openOn(connection: Connection, except: string | null): number {
  const operations = connection.ctx.subscriptions;
  for (const open of connection.subscriptions) if (!(open in operations)) connection.subscriptions.delete(open);
  return connection.subscriptions.size - (except !== null && connection.subscriptions.has(except) ? 1 : 0);
}
