import { useQuery } from '@apollo/client';
import { useMemo, type ReactElement } from 'react';
import { modelOf, type LedgerModel } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import { LEDGER_FOR_GRID, type LedgerForGrid } from '../grid/grid.graphql';

/**
 * A ledger's current definition as a model, for a page that works on its rows (the grid, the
 * phone form): the model and its version once loaded, else what to show meanwhile.
 */
export function useLedgerModel(
  key: string,
): { model: LedgerModel; version: number; placeholder: null } | { placeholder: ReactElement } {
  const { t } = useI18n();
  const { data, loading, error } = useQuery<{ ledger: LedgerForGrid }>(LEDGER_FOR_GRID, { variables: { key } });
  const model = useMemo(() => (data ? modelOf(data.ledger.definition) : null), [data]);
  if (loading) return { placeholder: <p className="muted">{t('common.loading')}</p> };
  if (error || !model || !data)
    return {
      placeholder: (
        <p className="form-error" role="alert">
          {t('common.error')}
          {error?.message}
        </p>
      ),
    };
  return { model, version: data.ledger.version, placeholder: null };
}
