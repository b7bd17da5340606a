import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** Raw graphql-ws clients against the built API, as another system or a grid uses the live socket (docs/live.md). */

export const SUBSCRIBE = `subscription ($ledger: String!, $unitId: ID, $period: String) {
  rowsChanged(ledger: $ledger, unitId: $unitId, period: $period) { ledger unitId period kind ids versions reason }
}`;

export interface RowEvent {
  ledger: string;
  unitId: string;
  period: string | null;
  kind: string;
  ids: string[];
  versions: number[];
  reason: string | null;
}

/** The errors that ended a subscription, as they arrived: the first's code, reason and message, every reason. */
export interface Refusal {
  code: string;
  reason?: string;
  message: string;
  reasons: string[];
}

type SentError = { message: string; extensions?: Record<string, unknown> };

/** One subscription: what it received, and how it ended (an error's code, 'complete', or 'closed <code>'). */
export interface Watch {
  events: RowEvent[];
  ended: Promise<string>;
  /** The error that ended it, if one did. */
  refusal: () => Refusal | null;
  client: Client;
  stop: () => void;
}

const clients: Client[] = [];

/** A client of the live socket; `token` in connectionParams (as a client that cannot set headers sends it). */
export function connect(
  baseUrl: string,
  options: { token?: string; headers?: Record<string, string>; onClosed?: (code: number, reason: string) => void } = {},
): Client {
  const client = createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: class extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers: options.headers });
      }
    },
    connectionParams: options.token ? { authorization: `Bearer ${options.token}` } : undefined,
    retryAttempts: 0,
    lazy: true,
    on: options.onClosed
      ? {
          closed: (event) => {
            const closed = event as { code: number; reason: string };
            options.onClosed!(closed.code, closed.reason);
          },
        }
      : undefined,
  });
  clients.push(client);
  return client;
}

/** Every client made by connect, closed. */
export async function disposeClients(): Promise<void> {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
}

export function watch(client: Client, variables: Record<string, unknown>, query = SUBSCRIBE): Watch {
  const events: RowEvent[] = [];
  let refusal: Refusal | null = null;
  let stop: () => void = () => undefined;
  const ended = new Promise<string>((resolve) => {
    const refused = (errors: readonly SentError[]) => {
      const error = errors[0];
      refusal = {
        code: String(error.extensions?.code ?? ''),
        reason: error.extensions?.reason as string | undefined,
        message: error.message,
        reasons: errors.map((e) => String(e.extensions?.reason ?? '')),
      };
      resolve(refusal.code || error.message);
    };
    stop = client.subscribe<{ rowsChanged: RowEvent }>(
      { query, variables },
      {
        next: (message) => {
          if (message.errors) refused(message.errors);
          else events.push(message.data!.rowsChanged);
        },
        error: (error) => {
          if (Array.isArray(error)) refused(error as SentError[]);
          else resolve(`closed ${(error as { code?: number }).code ?? String(error)}`);
        },
        complete: () => resolve('complete'),
      },
    );
  });
  return { events, ended, refusal: () => refusal, client, stop: () => stop() };
}

/** A subscription is in place once the server has answered its subscribe (a first save is then heard). */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

export async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
