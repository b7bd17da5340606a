import { useEffect, useRef } from 'react';
import { createClient, type Client } from 'graphql-ws';

/** What changed in a sheet (docs/live.md): ids and versions; the grid reads the rows itself. */
export interface RowEvent {
  ledger: string;
  unitId: string;
  period: string | null;
  kind: 'SAVED' | 'DELETED' | 'RESTORED' | 'SUBMITTED' | 'RETURNED' | 'WITHDRAWN' | 'DEFINITION';
  ids: string[];
  versions: number[];
  reason: string | null;
}

const ROWS_CHANGED = `subscription RowsChanged($ledger: String!, $unitId: ID, $period: String) {
  rowsChanged(ledger: $ledger, unitId: $unitId, period: $period) { ledger unitId period kind ids versions reason }
}`;

export interface LiveRowsHandlers {
  event(event: RowEvent): void;
  /** The connection came back after a loss: what happened meanwhile was not heard. */
  reconnected(): void;
}

/** The API's WebSocket address: same origin and path as GraphQL over HTTP. */
function liveUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}/graphql`;
}

/**
 * One graphql-ws connection per tab, shared by every live subscription on the page (the grid, the
 * board, the today panel), authenticated by the session cookie the browser sends with the
 * upgrade; opened by the first subscriber, closed after the last (signing out leaves the pages
 * that hold it), reconnecting after a loss.
 */
let shared: { client: Client; users: number; reconnected: Set<() => void> } | null = null;

function acquire(onReconnect: () => void): { client: Client; release(): void } {
  if (!shared) {
    const reconnected = new Set<() => void>();
    let connectedBefore = false;
    const client = createClient({
      url: liveUrl(),
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => true,
      on: {
        connected: () => {
          if (connectedBefore) for (const listener of reconnected) listener();
          connectedBefore = true;
        },
      },
    });
    shared = { client, users: 0, reconnected };
  }
  const held = shared;
  held.users += 1;
  held.reconnected.add(onReconnect);
  return {
    client: held.client,
    release() {
      held.reconnected.delete(onReconnect);
      held.users -= 1;
      if (held.users === 0) {
        if (shared === held) shared = null;
        void held.client.dispose();
      }
    },
  };
}

/** A sheet's (or, without a unit, every readable unit's) live events while the component shows it. */
export function useLiveRows(
  sheet: { ledger: string; unitId: string | null; period: string | null } | null,
  handlers: LiveRowsHandlers,
): void {
  const latest = useRef(handlers);
  latest.current = handlers;
  const ledger = sheet?.ledger ?? null;
  const unitId = sheet?.unitId ?? null;
  const period = sheet?.period ?? null;
  useEffect(() => {
    if (!ledger) return;
    const { client, release } = acquire(() => latest.current.reconnected());
    const stop = client.subscribe<{ rowsChanged: RowEvent }>(
      { query: ROWS_CHANGED, variables: { ledger, unitId, period } },
      {
        next: (message) => {
          if (message.data?.rowsChanged) latest.current.event(message.data.rowsChanged);
        },
        // refused or ended (signed out, another unit): the page works on without live rows
        error: () => undefined,
        complete: () => undefined,
      },
    );
    return () => {
      stop();
      release();
    };
  }, [ledger, unitId, period]);
}
