import { useEffect, useRef } from 'react';
import { useLiveRows } from './use-live-rows';

/** How often at most a board is read again for rows saved (a county saves many a minute). */
const ROWS_EVERY_MS = 3_000;

/**
 * A board of a ledger's sheets in a period (the submission board, the today panel) kept live: read
 * again at once when a sheet is submitted, returned or withdrawn, and at most every few seconds
 * while rows are saved (a sheet going from 未开始 to 草稿). `refetch` reads the board.
 */
export function useLiveBoard(ledger: string | null, period: string | null, refetch: () => unknown): void {
  const latest = useRef(refetch);
  latest.current = refetch;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  useLiveRows(ledger && period ? { ledger, unitId: null, period } : null, {
    event: (event) => {
      if (event.kind === 'SUBMITTED' || event.kind === 'RETURNED' || event.kind === 'WITHDRAWN') {
        void latest.current();
        return;
      }
      timer.current ??= setTimeout(() => {
        timer.current = null;
        void latest.current();
      }, ROWS_EVERY_MS);
    },
    reconnected: () => void latest.current(),
  });
}
