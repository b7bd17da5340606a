import { useEffect, useRef } from 'react';
import { acquireLiveClient } from './live-client';

/** What changed in a sheet (docs/live.md): ids and versions; the grid reads the rows itself. */
export interface RowEvent {
  ledger: string;
  unitId: string;
  period: string | null;
  kind: 'SAVED' | 'DELETED' | 'RESTORED' | 'SUBMITTED' | 'RETURNED' | 'WITHDRAWN' | 'DEFINITION' | 'REFRESHED';
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
    const { client, release } = acquireLiveClient(() => latest.current.reconnected());
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
