import { WEBHOOK_EVENTS } from '@taizhang/domain';
import { useMutation, useQuery } from '@apollo/client';
import { useState, type FormEvent } from 'react';
import { ConfirmDialog, type ConfirmRequest } from '../components/confirm-dialog';
import { useToasts, type ToastKind } from '../components/toast';
import { shanghaiTime } from '../features/admin/audit-text';
import { fieldProblems } from '../features/auth/graphql-error';
import {
  CREATE_WEBHOOK,
  DELETE_WEBHOOK,
  RESEND_DELIVERY,
  WEBHOOK_DELIVERIES,
  WEBHOOKS,
  type Webhook,
  type WebhookDelivery,
} from '../features/webhooks/webhooks.graphql';
import { IntegrationTabs } from '../features/integration/integration-tabs';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';

/** How often the open delivery log is read again (a retry's outcome shows without a click). */
const LOG_POLL_MS = 5_000;

/** A webhook's deliveries: when, what, how it went, the receiver's answer, 重新发送. */
function DeliveryLog({ webhook, notify }: { webhook: Webhook; notify(kind: ToastKind, text: string): void }) {
  const { t, tf } = useI18n();
  const { data, loading, refetch } = useQuery<{ webhookDeliveries: WebhookDelivery[] }>(WEBHOOK_DELIVERIES, {
    variables: { webhookId: webhook.id },
    pollInterval: LOG_POLL_MS,
    fetchPolicy: 'cache-and-network',
  });
  const [resend] = useMutation(RESEND_DELIVERY);
  const deliveries = data?.webhookDeliveries ?? [];
  return (
    <section className="webhook-log" data-testid="delivery-log">
      <h3>
        {t('webhooks.log')} · <span className="webhook-url">{webhook.url}</span>
      </h3>
      {loading && !data && <p className="muted">{t('common.loading')}</p>}
      {data && deliveries.length === 0 && <p className="muted">{t('webhooks.noDeliveries')}</p>}
      {deliveries.length > 0 && (
        <table className="data-table webhook-table">
          <thead>
            <tr>
              <th>{t('webhooks.time')}</th>
              <th>{t('webhooks.event')}</th>
              <th>{t('webhooks.state')}</th>
              <th className="num">{t('webhooks.attempts')}</th>
              <th>{t('webhooks.nextTry')}</th>
              <th>{t('webhooks.response')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {deliveries.map((d) => (
              <tr key={d.id} data-testid="delivery" data-state={d.state} data-event={d.event}>
                <td className="webhook-when">{shanghaiTime(d.createdAt)}</td>
                <td>{t(`webhooks.event.${d.event}` as MessageKey) ?? d.event}</td>
                <td className={`webhook-state ${d.state.toLowerCase()}`}>
                  {t(`webhooks.state.${d.state}` as MessageKey)}
                </td>
                <td className="num">{d.attempts}</td>
                <td>{d.state === 'PENDING' && d.nextAttemptAt ? shanghaiTime(d.nextAttemptAt) : '—'}</td>
                <td className="webhook-response" title={d.responseBody ?? d.error ?? ''}>
                  {d.responseStatus !== null && <strong>HTTP {d.responseStatus}</strong>}{' '}
                  <span className="muted">{(d.responseBody ?? d.error ?? '').slice(0, 80)}</span>
                </td>
                <td>
                  <button
                    type="button"
                    className="link-button"
                    data-testid="resend"
                    onClick={() =>
                      void resend({ variables: { id: d.id } }).then(
                        () => {
                          notify('success', t('webhooks.resent'));
                          void refetch();
                        },
                        (error: Error) => notify('error', error.message),
                      )
                    }
                  >
                    {t('webhooks.resend')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {deliveries.length > 0 && <p className="muted">{tf('webhooks.deliveryCount', { n: deliveries.length })}</p>}
    </section>
  );
}

/** /admin/webhooks: an admin subscribes other systems to events and sees what was sent (docs/integration.md, Webhooks). */
export function WebhooksPage() {
  const { t } = useI18n();
  const { toasts, notify } = useToasts();
  const { data, refetch } = useQuery<{ webhooks: Webhook[]; ledgers: { key: string; title: string }[] }>(WEBHOOKS);
  const [createWebhook, creating] = useMutation<{ createWebhook: { secret: string; webhook: Webhook } }>(
    CREATE_WEBHOOK,
  );
  const [deleteWebhook] = useMutation(DELETE_WEBHOOK);
  const [events, setEvents] = useState<string[]>(['reminder.issued']);
  const [ledger, setLedger] = useState('');
  const [problems, setProblems] = useState<{ path: string; message: string }[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const webhooks = data?.webhooks ?? [];
  const ledgers = data?.ledgers ?? [];
  const ledgerTitle = (key: string | null) =>
    key === null ? t('webhooks.allLedgers') : (ledgers.find((l) => l.key === key)?.title ?? key);
  const filterAllowed = events.includes('row.saved') && ledger !== '';
  const problemAt = (path: string) => problems.filter((p) => p.path === path).map((p) => p.message);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const element = event.currentTarget;
    setProblems([]);
    setProblem(null);
    try {
      const filter = filterAllowed ? String(form.get('filter') ?? '').trim() : '';
      const { data: created } = await createWebhook({
        variables: {
          input: { url: String(form.get('url') ?? '').trim(), events, ledger: ledger || null, filter: filter || null },
        },
      });
      setSecret({ url: created!.createWebhook.webhook.url, secret: created!.createWebhook.secret });
      element.reset();
      setEvents(['reminder.issued']);
      setLedger('');
      notify('success', t('webhooks.created'));
      await refetch();
    } catch (error) {
      const found = fieldProblems(error);
      setProblems(found);
      if (found.length === 0) setProblem(error instanceof Error ? error.message : String(error));
    }
  };

  const askDelete = (webhook: Webhook) =>
    setConfirm({
      title: t('webhooks.deleteTitle'),
      message: t('webhooks.deleteMessage').replace('{url}', webhook.url),
      confirm: t('webhooks.delete'),
      danger: true,
      onConfirm: () =>
        void deleteWebhook({ variables: { id: webhook.id } }).then(
          async () => {
            if (selected === webhook.id) setSelected(null);
            notify('success', t('webhooks.deleted').replace('{url}', webhook.url));
            await refetch();
          },
          (error: Error) => notify('error', error.message),
        ),
    });

  const shown = webhooks.find((w) => w.id === selected) ?? null;
  return (
    <div className="webhooks-page" data-testid="webhooks-page">
      {toasts}
      <ConfirmDialog request={confirm} onClose={() => setConfirm(null)} />
      <IntegrationTabs />
      <h2>{t('webhooks.title')}</h2>
      <p className="muted">{t('webhooks.intro')}</p>

      <form className="webhook-form" data-testid="new-webhook" onSubmit={(event) => void submit(event)}>
        <label className="webhook-field">
          <strong>{t('webhooks.url')}</strong>
          <input
            name="url"
            type="text"
            inputMode="url"
            required
            placeholder="https://sms-gateway.example.gov.cn/taizhang"
            aria-invalid={problemAt('url').length > 0 ? true : undefined}
            data-testid="webhook-url"
          />
        </label>
        {problemAt('url').map((m) => (
          <p key={m} className="form-error" data-testid="problem-url">
            {m}
          </p>
        ))}
        <fieldset className="webhook-events">
          <legend>{t('webhooks.events')}</legend>
          {WEBHOOK_EVENTS.map((name) => (
            <label key={name} className="inline-field">
              <input
                type="checkbox"
                checked={events.includes(name)}
                data-testid={`event-${name}`}
                onChange={(e) =>
                  setEvents((now) => (e.target.checked ? [...now, name] : now.filter((n) => n !== name)))
                }
              />
              {t(`webhooks.event.${name}` as MessageKey)}
              <code className="muted">{name}</code>
            </label>
          ))}
        </fieldset>
        {problemAt('events').map((m) => (
          <p key={m} className="form-error">
            {m}
          </p>
        ))}
        <div className="webhook-row">
          <label className="inline-field">
            {t('webhooks.ledger')}
            <select value={ledger} onChange={(e) => setLedger(e.target.value)} data-testid="webhook-ledger">
              <option value="">{t('webhooks.allLedgers')}</option>
              {ledgers.map((l) => (
                <option key={l.key} value={l.key}>
                  {l.title}
                </option>
              ))}
            </select>
          </label>
          <label className="inline-field webhook-filter">
            {t('webhooks.filter')}
            <input
              name="filter"
              type="text"
              disabled={!filterAllowed}
              placeholder={filterAllowed ? 'visit_result = "非常不满意"' : t('webhooks.filterNeeds')}
              aria-invalid={problemAt('filter').length > 0 ? true : undefined}
              data-testid="webhook-filter"
            />
          </label>
        </div>
        {[...problemAt('ledger'), ...problemAt('filter')].map((m) => (
          <p key={m} className="form-error" data-testid="problem-filter">
            {m}
          </p>
        ))}
        {problem && <p className="form-error">{problem}</p>}
        <div>
          <button type="submit" disabled={creating.loading} data-testid="create-webhook">
            {t('webhooks.create')}
          </button>
        </div>
      </form>

      {secret && (
        <div className="webhook-secret" role="status" data-testid="webhook-secret">
          <strong>{t('webhooks.secretTitle')}</strong>
          <p>{t('webhooks.secretOnce').replace('{url}', secret.url)}</p>
          <code data-testid="secret-value">{secret.secret}</code>
          <div>
            <button type="button" onClick={() => setSecret(null)} data-testid="secret-saved">
              {t('webhooks.secretSaved')}
            </button>
          </div>
        </div>
      )}

      <h3>{t('webhooks.list')}</h3>
      {data && webhooks.length === 0 && <p className="muted">{t('webhooks.none')}</p>}
      {webhooks.length > 0 && (
        <table className="data-table webhook-table" data-testid="webhook-list">
          <thead>
            <tr>
              <th>{t('webhooks.url')}</th>
              <th>{t('webhooks.events')}</th>
              <th>{t('webhooks.ledger')}</th>
              <th>{t('webhooks.filter')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {webhooks.map((w) => (
              <tr key={w.id} data-testid="webhook" className={w.id === selected ? 'selected' : undefined}>
                <td className="webhook-url">{w.url}</td>
                <td>{w.events.map((e) => t(`webhooks.event.${e}` as MessageKey) ?? e).join(t('webhooks.joiner'))}</td>
                <td>{ledgerTitle(w.ledger)}</td>
                <td>{w.filter ? <code>{w.filter}</code> : '—'}</td>
                <td className="webhook-actions">
                  <button
                    type="button"
                    className="link-button"
                    data-testid="show-log"
                    onClick={() => setSelected(w.id)}
                  >
                    {t('webhooks.showLog')}
                  </button>
                  <button
                    type="button"
                    className="link-button webhook-delete"
                    data-testid="delete-webhook"
                    onClick={() => askDelete(w)}
                  >
                    {t('webhooks.delete')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {shown && <DeliveryLog webhook={shown} notify={notify} />}
    </div>
  );
}
