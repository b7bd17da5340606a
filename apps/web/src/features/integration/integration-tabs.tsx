import { NavLink } from 'react-router';
import { useI18n } from '../../i18n/i18n';

/** The pages of 系统对接 (other systems): who may call us (tokens) and whom we call (webhooks). */
export const INTEGRATION_PAGES = ['/admin/tokens', '/admin/webhooks'] as const;

/** The tabs over both pages of 系统对接, so the header keeps one entry for them. */
export function IntegrationTabs() {
  const { t } = useI18n();
  return (
    <nav className="page-tabs" aria-label={t('shell.integration')}>
      <NavLink to="/admin/tokens" data-testid="nav-tokens">
        {t('shell.tokens')}
      </NavLink>
      <NavLink to="/admin/webhooks" data-testid="nav-webhooks">
        {t('shell.webhooks')}
      </NavLink>
    </nav>
  );
}
