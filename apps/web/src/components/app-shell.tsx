import { useApolloClient, useMutation } from '@apollo/client';
import type { ReactNode } from 'react';
import { NavLink, useLocation, useNavigate } from 'react-router';
import { roleOf, SIGN_OUT, type CurrentUser } from '../features/auth/auth.graphql';
import { useI18n } from '../i18n/i18n';
import { NoticeBell } from '../features/notices/notice-bell';
import { LanguageSwitch } from './language-switch';
import { INTEGRATION_PAGES } from '../features/integration/integration-tabs';

/** The frame of every signed-in page: who you are, which unit, your notices, the language, sign-out. */
export function AppShell({ user, children }: { user: CurrentUser; children: ReactNode }) {
  const { t, roleLabel, unitKindLabel } = useI18n();
  const client = useApolloClient();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const [signOut, { loading }] = useMutation(SIGN_OUT);

  async function leave() {
    await signOut().catch(() => undefined); // an expired session is signed out already
    await client.clearStore();
    navigate('/sign-in', { replace: true });
  }

  return (
    <div className="shell">
      <header className="shell-header">
        <strong className="brand">{t('appName')}</strong>
        <nav className="shell-nav">
          <NavLink to="/" end>
            {t('shell.ledgers')}
          </NavLink>
          <NavLink to="/dashboard" data-testid="nav-dashboard">
            {t('shell.dashboard')}
          </NavLink>
          {roleOf(user) === 'admin' && (
            <>
              <NavLink to="/admin/ledgers" data-testid="nav-designer">
                {t('shell.designer')}
              </NavLink>
              <NavLink to="/admin/units" data-testid="nav-units">
                {t('shell.units')}
              </NavLink>
              <NavLink to="/admin/audit" data-testid="nav-audit">
                {t('shell.audit')}
              </NavLink>
              <NavLink
                to="/admin/tokens"
                data-testid="nav-integration"
                className={INTEGRATION_PAGES.some((page) => pathname.startsWith(page)) ? 'active' : undefined}
              >
                {t('shell.integration')}
              </NavLink>
              <NavLink to="/survey-links" data-testid="nav-survey-links">
                {t('shell.surveyLinks')}
              </NavLink>
            </>
          )}
        </nav>
        <div
          className="shell-unit"
          data-testid="current-unit"
          title={user.unit ? `${unitKindLabel(user.unit.kind)} ${user.unit.name}` : undefined}
        >
          {user.unit ? (
            <>
              <span className="muted">{unitKindLabel(user.unit.kind)}</span> {user.unit.name}
            </>
          ) : (
            t('shell.allUnits')
          )}
        </div>
        <div className="shell-user">
          <NoticeBell />
          <span data-testid="current-user">
            {user.displayName} · {roleLabel(roleOf(user))}
          </span>
          <NavLink to="/password" data-testid="change-password">
            {t('password.title')}
          </NavLink>
          <LanguageSwitch />
          <button type="button" onClick={leave} disabled={loading} data-testid="sign-out">
            {t('shell.signOut')}
          </button>
        </div>
      </header>
      <main className="shell-main">{children}</main>
    </div>
  );
}
