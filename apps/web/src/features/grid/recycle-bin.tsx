import { useMutation, useQuery } from '@apollo/client';
import { useState } from 'react';
import type { LedgerModel } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import { rowLabel } from './grid-columns';
import { DELETED_ROWS, RESTORE_ROW, type DeletedRow } from './grid.graphql';

interface RecycleBinProps {
  model: LedgerModel;
  /** The sheet's scope: the unit an admin picked (a clerk's own unit: null) and the period. */
  unitId: string | null;
  period: string | null;
  /** A row came back: the grid reads its rows again. */
  onRestored(): void;
  onClose(): void;
}

/** 回收站: the unit's deleted rows, who deleted each and when, and 恢复 to bring one back. */
export function RecycleBin({ model, unitId, period, onRestored, onClose }: RecycleBinProps) {
  const { t, locale } = useI18n();
  const ledger = model.definition.key;
  const { data, loading, error, refetch } = useQuery<{ deletedRows: DeletedRow[] }>(DELETED_ROWS, {
    variables: { ledger, unitId, period },
    fetchPolicy: 'network-only',
  });
  const [restoreRow] = useMutation(RESTORE_ROW);
  const [failure, setFailure] = useState<string | null>(null);
  const restore = async (id: string) => {
    setFailure(null);
    try {
      await restoreRow({ variables: { ledger, unitId, id } });
      await refetch();
      onRestored();
    } catch (cause) {
      setFailure(cause instanceof Error ? cause.message : String(cause));
    }
  };
  const rows = data?.deletedRows ?? [];
  return (
    <section data-testid="recycle-bin" className="recycle-bin">
      <h3>
        {t('bin.title')}
        <button type="button" className="link-button" onClick={onClose}>
          {t('grid.close')}
        </button>
      </h3>
      <p className="muted">{t('grid.deletedToBin')}</p>
      {loading && <p className="muted">{t('common.loading')}</p>}
      {error && <p className="form-error">{error.message}</p>}
      {failure && (
        <p className="form-error" role="alert">
          {failure}
        </p>
      )}
      {!loading && rows.length === 0 && <p className="muted">{t('bin.empty')}</p>}
      <ul>
        {rows.map((deleted) => (
          <li key={deleted.row.id} data-row-id={deleted.row.id}>
            <div>{rowLabel(model, deleted.row.values, locale) || `#${deleted.row.id}`}</div>
            <div className="muted">
              {t('bin.deletedBy')
                .replace('{who}', deleted.deletedBy ?? '—')
                .replace(
                  '{when}',
                  new Date(deleted.deletedAt).toLocaleString(locale === 'en' ? 'en-GB' : 'zh-CN', {
                    timeZone: 'Asia/Shanghai',
                  }),
                )}
            </div>
            <button type="button" onClick={() => void restore(deleted.row.id)} data-testid="restore-row">
              {t('bin.restore')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
