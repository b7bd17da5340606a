import { useApolloClient } from '@apollo/client';
import { useEffect, useMemo, useRef, useState } from 'react';
import { OfflineFiles } from '../attachments/offline-files';
import { apolloGridBackend, type SheetScope } from '../grid/grid-backend';
import { GridSaver, type SaverStatus } from '../grid/grid-saver';
import { localQueueStore, type PendingChange, type SaveResult } from '../grid/save-queue';
import { useI18n } from '../../i18n/i18n';

/** The phone form's view of its sheet's save queue. */
export interface SheetSaving {
  saver: GridSaver;
  /** The files taken offline for this sheet's rows, kept until they can be uploaded. */
  files: OfflineFiles;
  status: SaverStatus;
  /** Every change not yet acknowledged (the batch in flight first), as the grid's queue holds them. */
  pending: PendingChange[];
  /** The server's last answer per row key since the page opened (SAVED: the row as saved). */
  answers: ReadonlyMap<string, SaveResult>;
  /** Counts the server's answers: a list of the sheet's rows reads again when it moves. */
  answered: number;
  /** Re-render after the caller changed the queue (an edit, a decision). */
  touched(): void;
}

/**
 * The grid's save loop (GridSaver) for one sheet, with the grid's store: the same localStorage key
 * as the grid of that sheet (sheetQueueKey), so the phone form and the grid of one browser keep one
 * queue, and what the form queued offline is sent by whichever of them opens next. Sends when
 * online, retries, holds rejections and conflicts exactly as the grid does (docs/grid.md).
 */
export function useSheetSaver(scope: SheetScope, storageKey: string): SheetSaving {
  const client = useApolloClient();
  const [, setTick] = useState(0);
  const [answered, setAnswered] = useState(0);
  const answers = useRef(new Map<string, SaveResult>());
  const { ledger, unitId, period } = scope;
  const saver = useMemo(() => {
    answers.current = new Map();
    return new GridSaver({
      saveRows: apolloGridBackend(client, { ledger, unitId, period }).save,
      store: localQueueStore(storageKey),
      onAnswer: (outcomes) => {
        for (const { change, result } of outcomes) answers.current.set(change.key, result);
        setAnswered((n) => n + 1);
      },
      onStatus: () => setTick((n) => n + 1),
    });
  }, [client, ledger, unitId, period, storageKey]);
  const { locale } = useI18n();
  const language = useRef(locale);
  language.current = locale;
  const files = useMemo(() => new OfflineFiles(storageKey, saver, () => language.current), [storageKey, saver]);
  useEffect(() => {
    const stop = files.subscribe(() => setTick((n) => n + 1));
    files.start();
    return () => {
      stop();
      files.stop();
    };
  }, [files]);
  useEffect(() => {
    saver.start();
    // what an earlier visit (or the grid) left in the queue goes now
    if (saver.pending().length > 0) saver.schedule(0);
    return () => saver.stop();
  }, [saver]);
  return {
    saver,
    files,
    status: saver.status,
    pending: saver.pending(),
    answers: answers.current,
    answered,
    touched: () => setTick((n) => n + 1),
  };
}
