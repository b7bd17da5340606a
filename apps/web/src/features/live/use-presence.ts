import { useApolloClient, gql } from '@apollo/client';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { acquireLiveClient } from './live-client';
import { randomUuid } from '../../random-uuid';

/** Someone who has the sheet open, and the row they are on (docs/live.md, Presence). */
export interface Present {
  clientId: string;
  userId: string;
  name: string;
  rowId: string | null;
}

const SHEET_PRESENCE = `subscription SheetPresence($ledger: String!, $clientId: ID!, $unitId: ID, $period: String) {
  sheetPresence(ledger: $ledger, clientId: $clientId, unitId: $unitId, period: $period) { clientId userId name rowId }
}`;

const MOVE_PRESENCE = gql`
  mutation MovePresence($clientId: ID!, $rowId: ID) {
    movePresence(clientId: $clientId, rowId: $rowId)
  }
`;

/** How long a row must stay selected before the others are told (arrowing down a column tells nobody). */
const MOVE_AFTER_MS = 300;

/**
 * Who else has this sheet open while the page shows it: the page's own presence is the
 * subscription (gone when the page leaves), and `move` tells the others which row it is on.
 */
export function usePresence(sheet: { ledger: string; unitId: string | null; period: string | null } | null): {
  others: Present[];
  move(rowId: string | null): void;
} {
  const apollo = useApolloClient();
  const ledger = sheet?.ledger ?? null;
  const unitId = sheet?.unitId ?? null;
  const period = sheet?.period ?? null;
  // one id per page and sheet: this window's grid among the others
  const sheetKey = ledger ? JSON.stringify([ledger, unitId, period]) : '';
  const clientId = useMemo(() => (sheetKey ? randomUuid() : ''), [sheetKey]);
  const [present, setPresent] = useState<Present[]>([]);
  const rowNow = useRef<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    setPresent([]);
    if (!ledger) return;
    const { client, release } = acquireLiveClient();
    const stop = client.subscribe<{ sheetPresence: Present[] }>(
      { query: SHEET_PRESENCE, variables: { ledger, clientId, unitId, period } },
      {
        next: (message) => {
          if (message.data) setPresent(message.data.sheetPresence);
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    return () => {
      if (timer.current) clearTimeout(timer.current);
      stop();
      release();
    };
  }, [ledger, unitId, period, clientId]);
  const move = useCallback(
    (rowId: string | null) => {
      if (!ledger || rowId === rowNow.current) return;
      rowNow.current = rowId;
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        void apollo
          .mutate({ mutation: MOVE_PRESENCE, variables: { clientId, rowId: rowNow.current } })
          .catch(() => undefined);
      }, MOVE_AFTER_MS);
    },
    [apollo, clientId, ledger],
  );
  const others = useMemo(() => present.filter((p) => p.clientId !== clientId), [present, clientId]);
  return { others, move };
}
