import { useApolloClient, useQuery } from '@apollo/client';
import { lazy, Suspense, useMemo } from 'react';
import { Navigate, Route, Routes, useParams } from 'react-router';
import { AppShell } from './components/app-shell';
import { ME, roleOf, type CurrentUser } from './features/auth/auth.graphql';
import { isUnauthenticated } from './features/auth/graphql-error';
import { useI18n } from './i18n/i18n';
import { LedgersPage } from './pages/ledgers-page';
import { SignInPage } from './pages/sign-in-page';
import { ChangePasswordPage } from './pages/change-password-page';
import { readLedgerEarly } from './features/ledgers/read-ledger-early';

// The grid (Handsontable) is the largest part of the app: loaded when a ledger is opened.
const LedgerPage = lazy(() => import('./pages/ledger-page').then((module) => ({ default: module.LedgerPage })));
const PrintSheetPage = lazy(() =>
  import('./features/excel/print-sheet-page').then((module) => ({ default: module.PrintSheetPage })),
);
// So are the charts (ECharts).
const DashboardPage = lazy(() =>
  import('./pages/dashboard-page').then((module) => ({ default: module.DashboardPage })),
);

// The clerk's one-row form for a phone: small, without the grid.
const RowFormPage = lazy(() => import('./pages/row-form-page').then((module) => ({ default: module.RowFormPage })));

const PublicSurveyPage = lazy(() =>
  import('./pages/public-survey-page').then((module) => ({ default: module.PublicSurveyPage })),
);
const SurveyLinksPage = lazy(() =>
  import('./pages/survey-links-page').then((module) => ({ default: module.SurveyLinksPage })),
);

const AdminLedgersPage = lazy(() =>
  import('./pages/ledger-designer-page').then((module) => ({ default: module.AdminLedgersPage })),
);
const LedgerDesignerPage = lazy(() =>
  import('./pages/ledger-designer-page').then((module) => ({ default: module.LedgerDesignerPage })),
);

const WebhooksPage = lazy(() => import('./pages/webhooks-page').then((module) => ({ default: module.WebhooksPage })));
const AdminUnitsPage = lazy(() =>
  import('./pages/admin-units-page').then((module) => ({ default: module.AdminUnitsPage })),
);
const ApiTokensPage = lazy(() =>
  import('./pages/api-tokens-page').then((module) => ({ default: module.ApiTokensPage })),
);
const AuditLogPage = lazy(() => import('./pages/audit-log-page').then((module) => ({ default: module.AuditLogPage })));

/**
 * A ledger's grid: its definition and views are asked for while the page's code loads
 * (readLedgerEarly), during this render so that they go out before the page's own queries.
 */
function LedgerRoute({ user }: { user: CurrentUser }) {
  const { t } = useI18n();
  const { key = '' } = useParams();
  const client = useApolloClient();
  useMemo(() => readLedgerEarly(client, key), [client, key]);
  return (
    <Suspense fallback={<p className="muted">{t('common.loading')}</p>}>
      <LedgerPage user={user} />
    </Suspense>
  );
}

/** Pages behind sign-in: without a session, the sign-in page. */
function SignedIn() {
  const { t } = useI18n();
  const { data, loading, error } = useQuery<{ me: CurrentUser }>(ME, { fetchPolicy: 'cache-first' });
  if (loading) return <p className="centered muted">{t('common.loading')}</p>;
  if (isUnauthenticated(error) || (!error && !data)) return <Navigate to="/sign-in" replace />;
  if (error || !data)
    return (
      <p className="centered form-error">
        {t('common.error')}
        {error?.message}
      </p>
    );
  // nothing else answers until the user has chosen a new password
  if (data.me.mustChangePassword) return <ChangePasswordPage user={data.me} />;
  return (
    <AppShell user={data.me}>
      <Routes>
        <Route index element={<LedgersPage seesAllUnits={roleOf(data.me) !== 'clerk'} />} />
        <Route path="password" element={<ChangePasswordPage user={data.me} voluntary />} />
        <Route path="ledgers/:key" element={<LedgerRoute user={data.me} />} />
        <Route
          path="ledgers/:key/new"
          element={
            <Suspense fallback={<p className="muted">{t('common.loading')}</p>}>
              <RowFormPage user={data.me} />
            </Suspense>
          }
        />
        <Route
          path="ledgers/:key/rows/:id"
          element={
            <Suspense fallback={<p className="muted">{t('common.loading')}</p>}>
              <RowFormPage user={data.me} />
            </Suspense>
          }
        />
        <Route
          path="ledgers/:key/print"
          element={
            <Suspense fallback={<p className="muted">{t('common.loading')}</p>}>
              <PrintSheetPage user={data.me} />
            </Suspense>
          }
        />
        <Route
          path="dashboard"
          element={
            <Suspense fallback={<p className="muted">{t('common.loading')}</p>}>
              <DashboardPage user={data.me} />
            </Suspense>
          }
        />
        <Route
          path="admin/ledgers"
          element={
            <Suspense fallback={<p className="muted">{t('common.loading')}</p>}>
              <AdminLedgersPage />
            </Suspense>
          }
        />
        <Route
          path="admin/ledgers/:key"
          element={
            <Suspense fallback={<p className="muted">{t('common.loading')}</p>}>
              <LedgerDesignerPage />
            </Suspense>
          }
        />
        <Route
          path="admin/units"
          element={
            <Suspense fallback={<p className="muted">{t('common.loading')}</p>}>
              <AdminUnitsPage />
            </Suspense>
          }
        />
        <Route
          path="admin/audit"
          element={
            <Suspense fallback={<p className="muted">{t('common.loading')}</p>}>
              <AuditLogPage />
            </Suspense>
          }
        />
        <Route
          path="admin/webhooks"
          element={
            <Suspense fallback={<p className="muted">{t('common.loading')}</p>}>
              <WebhooksPage />
            </Suspense>
          }
        />
        <Route
          path="admin/tokens"
          element={
            <Suspense fallback={<p className="muted">{t('common.loading')}</p>}>
              <ApiTokensPage />
            </Suspense>
          }
        />
        <Route
          path="survey-links"
          element={
            <Suspense fallback={<p className="muted">{t('common.loading')}</p>}>
              <SurveyLinksPage />
            </Suspense>
          }
        />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
    </AppShell>
  );
}

export function App() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      {/* the public survey: no sign-in */}
      <Route
        path="/s/:unitCode"
        element={
          <Suspense fallback={null}>
            <PublicSurveyPage />
          </Suspense>
        }
      />
      <Route path="/*" element={<SignedIn />} />
    </Routes>
  );
}
