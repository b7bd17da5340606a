import { useQuery } from '@apollo/client';
import { Link } from 'react-router';
import { LEDGERS, type LedgerSummary } from '../features/ledgers/ledgers.graphql';
import { TodaySheet } from '../features/ledgers/today-sheet';
import { useI18n } from '../i18n/i18n';

/** The ledgers the signed-in user may fill or read: a clerk's unit's, or every one for admins and leaders. */
export function LedgersPage({ seesAllUnits }: { seesAllUnits: boolean }) {
  const { t } = useI18n();
  const { data, loading, error } = useQuery<{ ledgers: LedgerSummary[] }>(LEDGERS);
  const ledgers = data?.ledgers ?? [];
  return (
    <section aria-labelledby="ledgers-title">
      <h2 id="ledgers-title">{seesAllUnits ? t('ledgers.allTitle') : t('ledgers.title')}</h2>
      {loading && <p className="muted">{t('common.loading')}</p>}
      {error && (
        <p className="form-error" role="alert">
          {t('common.error')}
          {error.message}
        </p>
      )}
      {!loading && !error && ledgers.length === 0 && (
        <p className="empty" data-testid="ledgers-empty">
          {t('ledgers.empty')}
        </p>
      )}
      <ul className="ledger-list" data-testid="ledger-list">
        {ledgers.map((ledger) => (
          <li key={ledger.key} className="ledger-card" data-ledger={ledger.key}>
            <h3>
              <Link to={`/ledgers/${ledger.key}`}>{ledger.title}</Link>
            </h3>
            <p className="muted">
              {t(`ledgers.period.${ledger.period}`)}
              {ledger.deadline && ` · ${t('ledgers.deadline')} ${ledger.deadline}`}
              {` · ${ledger.fields.length} ${t('ledgers.fields')} · ${t('ledgers.version')} ${ledger.version}`}
            </p>
            {ledger.period !== 'none' && <TodaySheet ledger={ledger} seesAllUnits={seesAllUnits} />}
            {ledger.description && <p className="ledger-description">{ledger.description}</p>}
          </li>
        ))}
      </ul>
    </section>
  );
}
