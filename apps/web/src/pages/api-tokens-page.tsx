import { ApolloError, useMutation, useQuery } from '@apollo/client';
import { useState, type FormEvent } from 'react';
import { textOf, type LedgerDefinition } from '@taizhang/ledger-core';
import { ConfirmDialog, type ConfirmRequest } from '../components/confirm-dialog';
import { useToasts } from '../components/toast';
import { fieldProblems } from '../features/auth/graphql-error';
import {
  API_TOKENS,
  CREATE_API_TOKEN,
  REVOKE_API_TOKEN,
  TOKEN_SCOPES,
  type ApiToken,
  type TokenScope,
} from '../features/api-tokens/api-tokens.graphql';
import { IntegrationTabs } from '../features/integration/integration-tabs';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';

interface PageData {
  apiTokens: ApiToken[];
  units: { id: string; name: string; active: boolean }[];
  ledgers: { key: string; definition: LedgerDefinition }[];
}

/** Asia/Shanghai, to the minute: 2026-12-07 09:30. */
function shanghai(iso: string | null): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(iso));
}

/** The end of a chosen day in Beijing time, as the API takes it. */
function endOfShanghaiDay(day: string): string {
  return new Date(`${day}T23:59:59+08:00`).toISOString();
}

/**
 * Admins: API tokens for other systems (docs/integration.md) — create one (shown once, with a copy
 * button), list them with their last use, revoke one after a confirmation.
 */
export function ApiTokensPage() {
  const { t, tf, locale, p } = useI18n();
  const page = useQuery<PageData>(API_TOKENS, { fetchPolicy: 'network-only' });
  const [create, creating] = useMutation<{ createApiToken: { token: string; apiToken: ApiToken } }>(CREATE_API_TOKEN);
  const [revoke] = useMutation(REVOKE_API_TOKEN);
  const { toasts, notify } = useToasts();
  const [asking, setAsking] = useState<ConfirmRequest | null>(null);
  const [scope, setScope] = useState<TokenScope>('STATISTICS_READ');
  const [shown, setShown] = useState<{ name: string; token: string } | null>(null);
  const [problems, setProblems] = useState<{ path: string; message: string }[]>([]);

  const ledgerTitle = (key: string) => {
    const ledger = page.data?.ledgers.find((l) => l.key === key);
    return ledger ? textOf(ledger.definition.title, locale) : key;
  };
  const problemOf = (path: string) =>
    problems
      .filter((problem) => problem.path === path)
      .map((problem) => problem.message)
      .join(p.semi);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const form = new FormData(element);
    const day = String(form.get('expiresAt') ?? '');
    const input = {
      name: String(form.get('name') ?? ''),
      scope,
      unitId: scope === 'UNIT_WRITE' ? String(form.get('unitId') ?? '') || null : null,
      ledgers: form.getAll('ledgers').map(String),
      expiresAt: day ? endOfShanghaiDay(day) : null,
      allowedAddresses: String(form.get('allowedAddresses') ?? '')
        .split(/[,，、\n]+/)
        .flatMap((line) => line.trim().split(/\s+/))
        .filter(Boolean),
    };
    setProblems([]);
    try {
      const { data } = await create({ variables: { input } });
      const created = data!.createApiToken;
      setShown({ name: created.apiToken.name, token: created.token });
      element.reset();
      setScope('STATISTICS_READ');
      notify('success', tf('tokens.created', { name: created.apiToken.name }));
      await page.refetch();
    } catch (error) {
      if (error instanceof ApolloError) setProblems(fieldProblems(error));
      notify('error', error instanceof Error ? error.message : String(error));
    }
  }

  async function copy(token: string) {
    try {
      await navigator.clipboard.writeText(token);
      notify('success', t('tokens.copied'));
    } catch {
      notify('error', t('tokens.copyFailed'));
    }
  }

  function askRevoke(token: ApiToken) {
    setAsking({
      title: t('tokens.confirmTitle'),
      message: tf('tokens.confirm', { name: token.name }),
      confirm: t('tokens.revoke'),
      danger: true,
      onConfirm: () =>
        void (async () => {
          try {
            await revoke({ variables: { id: token.id } });
            notify('success', tf('tokens.revoked', { name: token.name }));
            await page.refetch();
          } catch (error) {
            notify('error', error instanceof Error ? error.message : String(error));
          }
        })(),
    });
  }

  const stateOf = (token: ApiToken): 'active' | 'revoked' | 'expired' =>
    token.revoked ? 'revoked' : token.expiresAt && new Date(token.expiresAt) <= new Date() ? 'expired' : 'active';

  return (
    <section className="tokens-page" data-testid="tokens-page">
      {toasts}
      <ConfirmDialog request={asking} onClose={() => setAsking(null)} />
      <IntegrationTabs />
      <h2>{t('tokens.title')}</h2>
      <p className="muted">
        {t('tokens.intro')} {t('tokens.docs')}
      </p>

      {shown && (
        <div className="token-once warning-box" role="alert" data-testid="token-once">
          <strong>{t('tokens.onceTitle')}</strong>
          <p>{t('tokens.onceWarning')}</p>
          <div className="token-once-value">
            <code data-testid="token-value">{shown.token}</code>
            <button type="button" onClick={() => void copy(shown.token)} data-testid="token-copy">
              {t('tokens.copy')}
            </button>
          </div>
          <button type="button" onClick={() => setShown(null)} data-testid="token-dismiss">
            {t('tokens.dismiss')}
          </button>
        </div>
      )}

      <form className="token-form" onSubmit={(event) => void submit(event)} data-testid="token-form" noValidate>
        <h3>{t('tokens.create')}</h3>
        <label>
          <span>{t('tokens.name')}</span>
          <input name="name" type="text" maxLength={60} placeholder={t('tokens.namePlaceholder')} />
          {problemOf('name') && <span className="form-error">{problemOf('name')}</span>}
        </label>
        <fieldset>
          <legend>{t('tokens.scope')}</legend>
          {TOKEN_SCOPES.map((value) => (
            <label key={value} className="token-scope">
              <input
                type="radio"
                name="scope"
                value={value}
                checked={scope === value}
                onChange={() => setScope(value)}
                data-testid={`token-scope-${value}`}
              />
              <span>
                <strong>{t(`tokens.scope.${value}` as MessageKey)}</strong>
                <span className="muted"> {t(`tokens.scopeHelp.${value}` as MessageKey)}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {scope === 'UNIT_WRITE' && (
          <label>
            <span>{t('tokens.unit')}</span>
            <select name="unitId" defaultValue="" data-testid="token-unit">
              <option value="">{t('tokens.pickUnit')}</option>
              {page.data?.units
                .filter((u) => u.active)
                .map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
            </select>
            {problemOf('unitId') && <span className="form-error">{problemOf('unitId')}</span>}
          </label>
        )}
        <fieldset className="token-ledgers">
          <legend>{t('tokens.ledgers')}</legend>
          <p className="muted">{t(scope === 'ROWS_READ' ? 'tokens.ledgersHelpRows' : 'tokens.ledgersHelpOther')}</p>
          <div className="token-ledger-list">
            {page.data?.ledgers.map((l) => (
              <label key={l.key}>
                <input type="checkbox" name="ledgers" value={l.key} data-testid={`token-ledger-${l.key}`} />{' '}
                {textOf(l.definition.title, locale)}
              </label>
            ))}
          </div>
          {problemOf('ledgers') && <span className="form-error">{problemOf('ledgers')}</span>}
        </fieldset>
        <label>
          <span>{t('tokens.expiresAt')}</span>
          <input name="expiresAt" type="date" data-testid="token-expires" />
          <span className="muted">{t('tokens.expiresHelp')}</span>
          {problemOf('expiresAt') && <span className="form-error">{problemOf('expiresAt')}</span>}
        </label>
        <label>
          <span>{t('tokens.addresses')}</span>
          <textarea
            name="allowedAddresses"
            rows={2}
            placeholder="10.1.2.3&#10;10.1.0.0/16"
          />
          <span className="muted">{t('tokens.addressesHelp')}</span>
          {problemOf('allowedAddresses') && <span className="form-error">{problemOf('allowedAddresses')}</span>}
        </label>
        <button type="submit" className="primary" disabled={creating.loading} data-testid="token-submit">
          {t('tokens.submit')}
        </button>
      </form>

      <h3>{t('tokens.list')}</h3>
      {page.data && page.data.apiTokens.length === 0 ? (
        <p className="muted">{t('tokens.empty')}</p>
      ) : (
        <table className="data-table token-table" data-testid="token-table">
          <thead>
            <tr>
              <th>{t('tokens.col.name')}</th>
              <th>{t('tokens.col.scope')}</th>
              <th>{t('tokens.col.limits')}</th>
              <th>{t('tokens.col.created')}</th>
              <th>{t('tokens.col.expires')}</th>
              <th>{t('tokens.col.lastUsed')}</th>
              <th>{t('tokens.col.state')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {page.data?.apiTokens.map((token) => {
              const state = stateOf(token);
              return (
                <tr key={token.id} data-token-id={token.id} data-state={state}>
                  <td>{token.name}</td>
                  <td>{t(`tokens.scope.${token.scope}` as MessageKey)}</td>
                  <td>
                    {token.unitName && <div>{token.unitName}</div>}
                    <div>{token.ledgers ? token.ledgers.map(ledgerTitle).join(p.list) : t('tokens.allLedgers')}</div>
                    <div className="muted">
                      {token.allowedAddresses.length ? token.allowedAddresses.join(p.list) : t('tokens.anyAddress')}
                    </div>
                  </td>
                  <td>
                    {shanghai(token.createdAt)}
                    {token.createdBy && <div className="muted">{token.createdBy}</div>}
                  </td>
                  <td>{shanghai(token.expiresAt)}</td>
                  <td data-testid="token-last-used">
                    {token.lastUsedAt ? shanghai(token.lastUsedAt) : t('tokens.neverUsed')}
                  </td>
                  <td className={`token-state token-state-${state}`}>{t(`tokens.state.${state}` as MessageKey)}</td>
                  <td>
                    {state !== 'revoked' && (
                      <button
                        type="button"
                        className="danger"
                        onClick={() => askRevoke(token)}
                        data-testid="token-revoke"
                      >
                        {t('tokens.revoke')}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
