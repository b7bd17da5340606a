import { useApolloClient, useMutation } from '@apollo/client';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { LanguageSwitch } from '../components/language-switch';
import { CHANGE_PASSWORD, ME, SIGN_OUT, type CurrentUser } from '../features/auth/auth.graphql';
import { errorMessage, fieldProblems } from '../features/auth/graphql-error';
import { useI18n } from '../i18n/i18n';

/**
 * Shown instead of every page while the API says the user must choose a new password (an admin
 * set it, or a demo account in production): nothing else answers until they do. `voluntary`: the
 * same form reached from the header's 修改密码, with a way back and a word when it is done.
 */
export function ChangePasswordPage({ user, voluntary = false }: { user: CurrentUser; voluntary?: boolean }) {
  const { t, p } = useI18n();
  const client = useApolloClient();
  const navigate = useNavigate();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [changed, setChanged] = useState(false);
  const [changePassword, { loading }] = useMutation(CHANGE_PASSWORD);
  const [signOut] = useMutation(SIGN_OUT);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!current || !next) return setProblem(t('password.required'));
    if (next !== repeat) return setProblem(t('password.mismatch'));
    setProblem(null);
    try {
      await changePassword({ variables: { currentPassword: current, newPassword: next } });
      if (voluntary) {
        setChanged(true);
        setCurrent('');
        setNext('');
        setRepeat('');
        return;
      }
      // the signed-in pages follow once `me` says the change is made
      await client.query({ query: ME, fetchPolicy: 'network-only' });
    } catch (error) {
      const problems = fieldProblems(error);
      setProblem(
        problems.length > 0
          ? problems.map((problem) => problem.message).join(p.semi)
          : errorMessage(error as never, t('signIn.networkError')),
      );
      setCurrent('');
    }
  }

  async function leave() {
    await signOut().catch(() => undefined);
    await client.clearStore();
    navigate('/sign-in', { replace: true });
  }

  return (
    <main className="sign-in">
      <form className="sign-in-card" onSubmit={submit} noValidate aria-labelledby="change-password-title">
        <div className="sign-in-top">
          <div>
            <h1 id="change-password-title">{t('password.title')}</h1>
            <p className="muted">
              {user.displayName} ({user.username})
            </p>
          </div>
          <LanguageSwitch />
        </div>
        {!voluntary && (
          <p className="muted" data-testid="password-change-required">
            {t('password.forcedHint')}
          </p>
        )}
        {changed && (
          <p className="ok" role="status" data-testid="password-changed">
            {t('password.changed')}
          </p>
        )}
        <label>
          {t('password.current')}
          <input
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            maxLength={128}
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            autoFocus
          />
        </label>
        <label>
          {t('password.new')}
          <input
            name="newPassword"
            type="password"
            autoComplete="new-password"
            maxLength={128}
            value={next}
            onChange={(e) => setNext(e.target.value)}
          />
        </label>
        <label>
          {t('password.repeat')}
          <input
            name="repeatPassword"
            type="password"
            autoComplete="new-password"
            maxLength={128}
            value={repeat}
            onChange={(e) => setRepeat(e.target.value)}
          />
        </label>
        <p className="muted">{t('password.rules')}</p>
        {problem && (
          <p className="form-error" role="alert">
            {problem}
          </p>
        )}
        <button type="submit" disabled={loading}>
          {loading ? t('password.submitting') : t('password.submit')}
        </button>
        {voluntary ? (
          <button type="button" onClick={() => navigate('/')}>
            {t('password.back')}
          </button>
        ) : (
          <button type="button" onClick={() => void leave()}>
            {t('shell.signOut')}
          </button>
        )}
      </form>
    </main>
  );
}
