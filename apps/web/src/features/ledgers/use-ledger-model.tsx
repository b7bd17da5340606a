import { useQuery } from '@apollo/client';
import { useCallback, useMemo, type ReactElement } from 'react';
import { modelOf, type LedgerModel } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import { LEDGER_FOR_GRID, type LedgerForGrid } from '../grid/grid.graphql';

/**
 * A ledger's current definition as a model, for a page that works on its rows (the grid, the
 * phone form): the model and its version once loaded, else what to show meanwhile. `reload`
 * reads it again from the server (the grid, when a save meets DEFINITION_CHANGED); the model
 * already shown stays while it does, and if that read fails.
 */
export function useLedgerModel(
  key: string,
):
  | { model: LedgerModel; version: number; reload(): Promise<LedgerModel>; placeholder: null }
  | { placeholder: ReactElement } {
  const { t } = useI18n();
  const { data, loading, error, refetch } = useQuery<{ ledger: LedgerForGrid }>(LEDGER_FOR_GRID, {
    variables: { key },
  });
  const model = useMemo(() => (data ? modelOf(data.ledger.definition) : null), [data]);
  const reload = useCallback(async () => {
    // refetch skips the cache (network-only for a cache-first query); the hook then renders the new model
    const { data: fresh } = await refetch();
    return modelOf(fresh.ledger.definition);
  }, [refetch]);
  if (model && data) return { model, version: data.ledger.version, reload, placeholder: null };
  if (loading) return { placeholder: <p className="muted">{t('common.loading')}</p> };
  return {
    placeholder: (
      <p className="form-error" role="alert">
        {t('common.error')}
        {error?.message}
      </p>
    ),
  };
}
