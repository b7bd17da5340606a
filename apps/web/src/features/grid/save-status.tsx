import { useI18n } from '../../i18n/i18n';
import type { GridSnapshot } from './grid-controller';
import { searchOf } from './server-query';

interface SaveStatusProps {
  snapshot: GridSnapshot | null;
  readOnly: boolean;
  /** Sends a held save again (GridSaver.retry). */
  onRetry(): void;
  /** 清除筛选: every filter off. */
  onClearFilters(): void;
}

/** 保存中 / 已保存 / 有 N 处错误 / 离线，稍后重试 / 已暂停自动保存 — where the clerk's work stands. */
export function SaveStatus({ snapshot, readOnly, onRetry, onClearFilters }: SaveStatusProps) {
  const { t, tf, locale } = useI18n();
  if (!snapshot) return null;
  // a million rows read as 1,000,000 (both languages group by thousands with a comma)
  const count = (n: number) => n.toLocaleString(locale === 'en' ? 'en-GB' : 'zh-CN');
  const errorCells = new Set(snapshot.errors.map((p) => `${p.rowKey}/${p.field}`)).size;
  const state = snapshot.state;
  const holdReason = snapshot.holdReason ?? 'server';
  return (
    <div
      className="save-status"
      data-testid="save-status"
      data-state={state}
      data-errors={errorCells}
      data-pending={snapshot.pending}
    >
      {readOnly && <span className="badge">{t('grid.readOnly')}</span>}
      {state === 'saving' && <span>{t('grid.saving')}</span>}
      {state === 'saved' && snapshot.pending === 0 && <span className="ok">{t('grid.saved')}</span>}
      {/* from the first keystroke until the batch goes out: never a blind spot that looks saved */}
      {(state === 'saved' || state === 'idle') && snapshot.pending > 0 && (
        <span className="muted" data-testid="unsaved">
          {t('grid.unsaved')}
        </span>
      )}
      {state === 'offline' && <span className="warn">{t('grid.offline')}</span>}
      {state === 'reloading' && <span className="warn">{t('grid.reloadingDefinition')}</span>}
      {state === 'failed' && (
        <span className="form-error">
          {t('grid.saveFailed')}
          {snapshot.failure}
          {t('grid.willRetry')}
        </span>
      )}
      {state === 'held' && (
        <>
          <span className="form-error" data-testid="save-held" data-reason={holdReason}>
            {t(`grid.held.${holdReason}`)}
            {holdReason !== 'network' && snapshot.failure}
          </span>
          <button type="button" onClick={onRetry} data-testid="save-retry">
            {t('grid.retry')}
          </button>
        </>
      )}
      {errorCells > 0 && (
        <span className="form-error" data-testid="error-count">
          {tf('grid.errors', { n: errorCells })}
        </span>
      )}
      {snapshot.conflicts.length > 0 && (
        <span className="warn">{tf('grid.conflicts', { n: snapshot.conflicts.length })}</span>
      )}
      {snapshot.unsupportedFilter && <span className="warn">{t('grid.unsupportedFilter')}</span>}
      <span
        className="muted rows-count"
        data-testid="rows-count"
        data-search={searchOf(snapshot.query) !== null || undefined}
      >
        {snapshot.loading
          ? t('common.loading')
          : snapshot.unfilteredTotal !== null
            ? t(searchOf(snapshot.query) !== null ? 'grid.rowsSearched' : 'grid.rowsFiltered')
                .replace('{shown}', count(snapshot.total))
                .replace('{total}', count(snapshot.unfilteredTotal)) +
              (snapshot.loaded < snapshot.total
                ? t('grid.rowsFilteredLoaded').replace('{loaded}', count(snapshot.loaded))
                : '')
            : t('grid.rowsLoaded')
                .replace('{loaded}', count(snapshot.loaded))
                .replace('{total}', count(snapshot.total))}
      </span>
      {snapshot.filteredFields.length > 0 && (
        <button type="button" className="link-button" onClick={onClearFilters} data-testid="clear-filters">
          {t('grid.clearFilters')}
        </button>
      )}
    </div>
  );
}
