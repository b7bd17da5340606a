import { useApolloClient, useMutation } from '@apollo/client';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { LanguageSwitch } from '../components/language-switch';
import { ME, SIGN_IN, type CurrentUser } from '../features/auth/auth.graphql';
import { errorMessage } from '../features/auth/graphql-error';
import { useI18n } from '../i18n/i18n';

export function SignInPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const client = useApolloClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [signIn, { loading }] = useMutation<{ signIn: { user: CurrentUser } }>(SIGN_IN);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!username.trim() || !password) {
      setProblem(t('signIn.required'));
      return;
    }
    setProblem(null);
    try {
      const { data } = await signIn({ variables: { username: username.trim(), password } });
      if (data) {
        client.writeQuery({ query: ME, data: { me: data.signIn.user } });
        navigate('/', { replace: true });
      }
    } catch (error) {
      setProblem(errorMessage(error as never, t('signIn.networkError')));
      setPassword('');
    }
  }

  return (
    <main className="sign-in">
      <form className="sign-in-card" onSubmit={submit} noValidate aria-labelledby="sign-in-title">
        <div className="sign-in-top">
          <div>
            <h1 id="sign-in-title">{t('appName')}</h1>
            <p className="muted">{t('appTagline')}</p>
          </div>
          <LanguageSwitch />
        </div>
        <label>
          {t('signIn.username')}
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            autoFocus
          />
        </label>
        <label>
          {t('signIn.password')}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {problem && (
          <p className="form-error" role="alert">
            {problem}
          </p>
        )}
        <button type="submit" disabled={loading}>
          {loading ? t('signIn.submitting') : t('signIn.submit')}
        </button>
      </form>
    </main>
  );
}
