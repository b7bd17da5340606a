import { useQuery } from '@apollo/client';
import { useState } from 'react';
import {
  ADMIN_UNITS,
  ADMIN_USERS,
  AUDIT_LOG,
  type AdminUnit,
  type AdminUser,
  type AuditEntry,
} from '../features/admin/admin.graphql';
import { ADMIN_LEDGERS, type AdminLedger } from '../features/designer/designer.graphql';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';

interface Filters {
  userId: string;
  unitId: string;
  ledger: string;
  from: string;
  to: string;
}

/** Admins: the audit log, searchable by user, unit, ledger and days, newest first. */
export function AuditLogPage() {
  const { t, locale } = useI18n();
  const [filters, setFilters] = useState<Filters>({ userId: '', unitId: '', ledger: '', from: '', to: '' });
  const variables = {
    userId: filters.userId || null,
    unitId: filters.unitId || null,
    ledger: filters.ledger || null,
    from: filters.from || null,
    to: filters.to || null,
  };
  const log = useQuery<{ auditLog: AuditEntry[] }>(AUDIT_LOG, { variables, fetchPolicy: 'network-only' });
  const units = useQuery<{ units: AdminUnit[] }>(ADMIN_UNITS);
  const users = useQuery<{ users: AdminUser[] }>(ADMIN_USERS, { variables: { unitId: null } });
  const ledgers = useQuery<{ ledgers: AdminLedger[] }>(ADMIN_LEDGERS);
  const set = (key: keyof Filters) => (event: { target: { value: string } }) =>
    setFilters((now) => ({ ...now, [key]: event.target.value }));
  const entries = log.data?.auditLog ?? [];
  const actionLabel = (action: string) => t(`admin.action.${action}` as MessageKey) ?? action;
  const time = (iso: string) =>
    new Date(iso).toLocaleString(locale === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'Asia/Shanghai' });
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">{t('admin.auditTitle')}</h2>
      <div className="dashboard-head">
        <label className="inline-field">
          {t('admin.who')}
          <select value={filters.userId} onChange={set('userId')} data-testid="audit-user">
            <option value="">—</option>
            {users.data?.users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.displayName}（{u.username}）
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          {t('admin.unit')}
          <select value={filters.unitId} onChange={set('unitId')} data-testid="audit-unit">
            <option value="">{t('shell.allUnits')}</option>
            {units.data?.units.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          {t('designer.ledger')}
          <select value={filters.ledger} onChange={set('ledger')} data-testid="audit-ledger">
            <option value="">—</option>
            {ledgers.data?.ledgers.map((l) => (
              <option key={l.key} value={l.key}>
                {l.title}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          {t('dashboard.from')}
          <input type="date" value={filters.from} onChange={set('from')} />
        </label>
        <label className="inline-field">
          {t('dashboard.to')}
          <input type="date" value={filters.to} onChange={set('to')} />
        </label>
      </div>
      {log.error && <p className="form-error">{log.error.message}</p>}
      <table className="data-table audit" data-testid="audit-entries">
        <thead>
          <tr>
            <th>{t('admin.when')}</th>
            <th>{t('admin.who')}</th>
            <th>{t('admin.unit')}</th>
            <th>{t('admin.what')}</th>
            <th>{t('admin.detail')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry, i) => (
            <tr key={`${entry.at}-${i}`} data-kind={entry.kind} data-action={entry.action}>
              <td>{time(entry.at)}</td>
              <td>{entry.username ?? t('admin.anonymous')}</td>
              <td>{entry.unitName ?? '—'}</td>
              <td>
                {actionLabel(entry.action)}
                {entry.ledgerKey && ` · ${entry.ledgerKey}`}
                {entry.rowId && ` #${entry.rowId}`}
                {entry.period && ` · ${entry.period}`}
              </td>
              <td className="detail">{entry.detail ? JSON.stringify(entry.detail) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries.length === 100 && (
        <button
          type="button"
          onClick={() =>
            void log.fetchMore({
              variables: { ...variables, before: entries[entries.length - 1].at },
              updateQuery: (previous, { fetchMoreResult }) => ({
                auditLog: [...previous.auditLog, ...fetchMoreResult.auditLog],
              }),
            })
          }
        >
          {t('admin.more')}
        </button>
      )}
    </section>
  );
}
