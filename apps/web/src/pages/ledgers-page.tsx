import { useI18n } from '../i18n/i18n';

/**
 * The unit's ledgers. Ledger definitions (schemas/*.json) arrive with the ledger-definitions
 * work; until then the list is empty and says so.
 */
export function LedgersPage() {
  const { t } = useI18n();
  return (
    <section aria-labelledby="ledgers-title">
      <h2 id="ledgers-title">{t('ledgers.title')}</h2>
      <p className="empty" data-testid="ledgers-empty">
        {t('ledgers.empty')}
      </p>
    </section>
  );
}
