import { useEffect, useState } from 'react';
import type { LedgerModel } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import type { GridBackend } from '../grid/grid-controller';
import { rowLabel } from '../grid/grid-columns';
import type { ServerRow } from '../grid/grid-row';
import type { PendingChange } from '../grid/save-queue';
import type { ServerQuery } from '../grid/server-query';
import type { SheetSaving } from './use-sheet-saver';

/** Newest first: the row just filled is on top. */
const NEWEST: ServerQuery = { orderBy: [{ field: 'id', desc: true }], filter: {} };
const PAGE = 20;

interface SheetRowsProps {
  model: LedgerModel;
  backend: GridBackend;
  /** Moves when the server saved something: the list is read again. */
  refresh: number;
  /** The row open in the form, marked in the list. */
  openId: string | null;
  onOpen(id: string): void;
}

/**
 * The sheet's rows as a phone lists them: each named by its first filled fields (as the recycle bin
 * and a history name it), newest first, 20 at a time with 加载更多; a tap opens the row in the form.
 */
export function SheetRows({ model, backend, refresh, openId, onOpen }: SheetRowsProps) {
  const { t, locale } = useI18n();
  const [rows, setRows] = useState<ServerRow[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [more, setMore] = useState(false);
  const [failed, setFailed] = useState(false);
  const [shown, setShown] = useState(PAGE);

  useEffect(() => {
    let live = true;
    backend
      .page(NEWEST, shown, 0, true)
      .then((page) => {
        if (!live) return;
        setRows(page.rows);
        setTotal(page.total);
        setMore(page.hasNextPage);
        setFailed(false);
      })
      // offline: what was listed stays
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [backend, refresh, shown]);

  return (
    <section
      className="sheet-rows"
      aria-labelledby="sheet-rows-title"
      data-testid="sheet-rows"
      data-total={total ?? undefined}
    >
      <h3 id="sheet-rows-title">
        {t('rowForm.rows')}
        {total !== null && <span className="muted"> · {total}</span>}
      </h3>
      {failed && rows.length === 0 && <p className="muted">{t('grid.offline')}</p>}
      {!failed && total === 0 && <p className="muted">{t('rowForm.noRows')}</p>}
      <ul>
        {rows.map((row) => (
          <li key={row.id}>
            <button
              type="button"
              className={row.id === openId ? 'sheet-row open' : 'sheet-row'}
              aria-current={row.id === openId || undefined}
              onClick={() => onOpen(row.id)}
              data-testid="sheet-row"
              data-id={row.id}
            >
              <span className="sheet-row-id">#{row.id}</span>
              <span className="sheet-row-label">{rowLabel(model, row.values, locale) || '—'}</span>
            </button>
          </li>
        ))}
      </ul>
      {more && (
        <button
          type="button"
          className="link-button"
          onClick={() => setShown((n) => n + PAGE)}
          data-testid="sheet-rows-more"
        >
          {t('rowForm.loadMore')}
        </button>
      )}
    </section>
  );
}

interface WaitingRowsProps {
  model: LedgerModel;
  saving: SheetSaving;
  onOpen(change: PendingChange): void;
}

/** The rows this browser still has to send (the grid's too), each openable: a held one to decide. */
export function WaitingRows({ model, saving, onOpen }: WaitingRowsProps) {
  const { t, locale } = useI18n();
  const changes = saving.pending.filter((change) => change.op !== 'DELETE');
  if (changes.length === 0) return null;
  return (
    <section className="sheet-rows waiting" aria-labelledby="waiting-rows-title" data-testid="waiting-rows">
      <h3 id="waiting-rows-title">{t('rowForm.waitingRows')}</h3>
      <ul>
        {changes.map((change) => (
          <li key={change.key}>
            <button type="button" className="sheet-row" onClick={() => onOpen(change)} data-testid="waiting-row">
              <span className="sheet-row-id">
                {change.held
                  ? t('rowForm.waitingHeld')
                  : change.op === 'INSERT'
                    ? t('rowForm.waitingNew')
                    : t('rowForm.waitingEdit')}
              </span>
              <span className="sheet-row-label">{rowLabel(model, change.values, locale) || '—'}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
