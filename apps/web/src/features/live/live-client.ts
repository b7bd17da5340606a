import { createClient, type Client } from 'graphql-ws';

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

export function acquireLiveClient(onReconnect: () => void = () => undefined): { client: Client; release(): void } {
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
