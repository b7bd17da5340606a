import { useMutation, useQuery } from '@apollo/client';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { modelOf, textOf, type LedgerDefinition, type LedgerModel } from '@taizhang/ledger-core';
import { useToasts } from '../components/toast';
import {
  ADMIN_UNITS,
  ADMIN_USERS,
  AUDIT_LOG,
  type AdminUnit,
  type AdminUser,
  type AuditEntry,
} from '../features/admin/admin.graphql';
import {
  changeLines,
  rowLabelOf,
  shanghaiTime,
  stillDeleted,
  type RowChangeDetail,
} from '../features/admin/audit-text';
import { ADMIN_LEDGERS, type AdminLedger } from '../features/designer/designer.graphql';
import { RESTORE_ROW } from '../features/grid/grid.graphql';
import { useI18n } from '../i18n/i18n';
import { bracketed } from '../i18n/punctuation';
import type { MessageKey } from '../i18n/messages';
import type { Role } from '@taizhang/domain';

interface Filters {
  userId: string;
  unitId: string;
  ledger: string;
  from: string;
  to: string;
}

/** What a sheet event or a sign-in's detail says, in words. */
function EventDetail({ entry }: { entry: AuditEntry }) {
  const { t, p } = useI18n();
  const detail = (entry.detail ?? {}) as Record<string, unknown>;
  const colon = p.colon;
  const parts: string[] = [];
  if (entry.kind === 'SHEET') {
    if (detail.late) parts.push(t('audit.late'));
    if (typeof detail.warnings === 'number' && detail.warnings > 0)
      parts.push(
        t('audit.warnings')
          .replace('{n}', String(detail.warnings))
          .replace('{acknowledged}', String(detail.acknowledgedWarnings ?? 0)),
      );
    if (detail.reason) parts.push(`${t('audit.reason')}${colon}${String(detail.reason)}`);
  } else {
    if (detail.reason) {
      const key = `audit.signInReason.${String(detail.reason)}` as MessageKey;
      parts.push(t(key) ?? String(detail.reason));
    }
    if (detail.ip) parts.push(`${t('audit.address')}${colon}${String(detail.ip)}`);
  }
  return <>{parts.join(p.semi)}</>;
}

/** An admin's action: what it was done to, then what was set, in words (units, roles, ledgers by name). */
function AdminDetail({
  entry,
  unitName,
  ledgerTitle,
}: {
  entry: AuditEntry;
  unitName: (id: string) => string;
  ledgerTitle: (key: string) => string;
}) {
  const { t, p, roleLabel, unitKindLabel } = useI18n();
  const detail = (entry.detail ?? {}) as { target?: string; targetKind?: string; set?: Record<string, unknown> };
  const label = (key: string) => t(`audit.set.${key}` as MessageKey) ?? key;
  const list = (value: unknown, one: (item: string) => string) =>
    Array.isArray(value) ? value.map((item) => one(String(item))).join(p.list) : one(String(value));
  const valueText = (key: string, value: unknown): string => {
    if (value === null || value === '') return t('audit.empty');
    if (key === 'unitId' || key === 'parentId') return unitName(String(value));
    if (key === 'role') return roleLabel(String(value).toLowerCase() as Role);
    if (key === 'kind') return unitKindLabel(String(value));
    if (key === 'active') return t(`audit.active.${String(value)}` as MessageKey) ?? String(value);
    if (key === 'scope') return t(`tokens.scope.${String(value)}` as MessageKey) ?? String(value);
    if (key === 'events') return list(value, (event) => t(`webhooks.event.${event}` as MessageKey) ?? event);
    if (key === 'ledgerKey' || key === 'ledgers') return list(value, ledgerTitle);
    return Array.isArray(value) ? value.join(p.list) : String(value);
  };
  return (
    <>
      {/* a setting is named by its line below */}
      {detail.target && detail.targetKind !== 'setting' && <div className="audit-row-label">{detail.target}</div>}
      {detail.set && (
        <ul className="audit-changes">
          {Object.entries(detail.set).map(([key, value]) => (
            <li key={key} data-field={key}>
              <span className="audit-field">{label(key)}</span>
              {p.colon}
              <span className="audit-after">{valueText(key, value)}</span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** A row change: which row, then field by field what it was and what it became. */
function RowDetail({ entry, model }: { entry: AuditEntry; model: LedgerModel | null }) {
  const { t, locale, p } = useI18n();
  const detail = entry.detail as RowChangeDetail | null;
  const lines = changeLines(model, entry.action, detail, locale);
  const empty = t('audit.empty');
  const colon = p.colon;
  return (
    <>
      {detail?.correction && (
        <div className="audit-note">
          {t('audit.correction')
            .replace('{reason}', detail.correction.reason ?? '')
            .replace('{requestedBy}', detail.correction.requestedBy ?? '—')
            .replace('{approvedBy}', detail.correction.approvedBy ?? '—')}
        </div>
      )}
      {detail?.source && detail.source !== 'save' && detail.source !== entry.action && (
        <div className="audit-note">{t(`audit.source.${detail.source}` as MessageKey) ?? detail.source}</div>
      )}
      <ul className={`audit-changes ${entry.action === 'update' ? '' : 'inline'}`}>
        {lines.map((line) => (
          <li key={line.key} data-field={line.key}>
            <span className="audit-field">{line.title}</span>
            {colon}
            {entry.action === 'update' ? (
              <>
                <span className="audit-before">{line.before || empty}</span>
                {' → '}
                <span className="audit-after">{line.after || empty}</span>
              </>
            ) : (
              <span>{entry.action === 'delete' ? line.before : line.after}</span>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

/**
 * Admins: the audit log, searchable by user, unit, ledger and days, newest first — in the ledger's
 * language: ledger and field titles, display values, Asia/Shanghai times, the user's name; a deleted
 * row is restored from its entry (docs/api.md, auditLog; restoreRow).
 */
export function AuditLogPage() {
  const { t, tf, locale, p } = useI18n();
  const { toasts, notify } = useToasts();
  const [filters, setFilters] = useState<Filters>({ userId: '', unitId: '', ledger: '', from: '', to: '' });
  const [raw, setRaw] = useState<Set<number>>(new Set());
  const [refused, setRefused] = useState<Map<string, string>>(new Map());
  const variables = {
    userId: filters.userId || null,
    unitId: filters.unitId || null,
    ledger: filters.ledger || null,
    from: filters.from || null,
    to: filters.to || null,
  };
  const log = useQuery<{ auditLog: AuditEntry[] }>(AUDIT_LOG, { variables, fetchPolicy: 'network-only' });
  // read again each time the log opens: a unit or user made since is in the log, so in the filters
  const units = useQuery<{ units: AdminUnit[] }>(ADMIN_UNITS, { fetchPolicy: 'cache-and-network' });
  const users = useQuery<{ users: AdminUser[] }>(ADMIN_USERS, {
    variables: { unitId: null },
    fetchPolicy: 'cache-and-network',
  });
  const ledgers = useQuery<{ ledgers: AdminLedger[] }>(ADMIN_LEDGERS);
  const [restoreRow] = useMutation(RESTORE_ROW);
  const models = useMemo(() => {
    const byKey = new Map<string, LedgerModel>();
    for (const ledger of ledgers.data?.ledgers ?? []) {
      try {
        byKey.set(ledger.key, modelOf(ledger.definition as LedgerDefinition));
      } catch {
        // a definition this build cannot read: its entries show keys
      }
    }
    return byKey;
  }, [ledgers.data]);
  const set = (key: keyof Filters) => (event: { target: { value: string } }) =>
    setFilters((now) => ({ ...now, [key]: event.target.value }));
  const entries = log.data?.auditLog ?? [];
  const restorable = stillDeleted(entries);
  const actionLabel = (action: string) => t(`admin.action.${action}` as MessageKey) ?? action;
  const unitName = (id: string) => units.data?.units.find((u) => u.id === id)?.name ?? `#${id}`;
  const ledgerTitle = (key: string) => {
    const model = models.get(key);
    return model ? textOf(model.definition.title, locale) : key;
  };

  const restore = async (entry: AuditEntry) => {
    const model = models.get(entry.ledgerKey!) ?? null;
    const label = rowLabelOf(model, 'delete', entry.detail as RowChangeDetail, locale) || `#${entry.rowId}`;
    const id = `${entry.ledgerKey}#${entry.rowId}`;
    try {
      await restoreRow({ variables: { ledger: entry.ledgerKey, unitId: entry.unitId, id: entry.rowId } });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      setRefused((now) => new Map(now).set(id, reason));
      notify('error', t('audit.restoreRefused').replace('{row}', label).replace('{reason}', reason));
      return;
    }
    setRefused((now) => {
      const next = new Map(now);
      next.delete(id);
      return next;
    });
    notify('success', t('audit.restored').replace('{row}', label).replace('{ledger}', ledgerTitle(entry.ledgerKey!)));
    await log.refetch();
  };

  return (
    <section aria-labelledby="audit-title" className="audit-page">
      {toasts}
      <h2 id="audit-title">{t('admin.auditTitle')}</h2>
      <div className="dashboard-head">
        <label className="inline-field">
          {t('admin.who')}
          <select value={filters.userId} onChange={set('userId')} data-testid="audit-user">
            <option value="">—</option>
            {users.data?.users.map((u) => (
              <option key={u.id} value={u.id}>
                {`${u.displayName}${bracketed(p, u.username)}`}
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
            <th className="audit-col-when">{t('admin.when')}</th>
            <th className="audit-col-who">{t('admin.who')}</th>
            <th className="audit-col-unit">{t('admin.unit')}</th>
            <th className="audit-col-what">{t('admin.what')}</th>
            <th>{t('admin.detail')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry, i) => {
            const model = entry.ledgerKey ? (models.get(entry.ledgerKey) ?? null) : null;
            const label =
              entry.kind === 'ROW' ? rowLabelOf(model, entry.action, entry.detail as RowChangeDetail, locale) : '';
            const rowKey = `${entry.ledgerKey}#${entry.rowId}`;
            const restoredLater = entry.kind === 'ROW' && entry.action === 'delete' && !restorable[i];
            return (
              <tr
                key={`${entry.at}-${i}`}
                data-kind={entry.kind}
                data-action={entry.action}
                data-row-id={entry.rowId ?? undefined}
              >
                <td className="audit-when" title={entry.at}>
                  {shanghaiTime(entry.at)}
                </td>
                <td className="audit-who" data-username={entry.username ?? undefined}>
                  {entry.apiToken ? (
                    <span data-testid="audit-via-token">{tf('audit.viaToken', { name: entry.apiToken })}</span>
                  ) : (
                    <>
                      {entry.displayName ?? entry.username ?? t('admin.anonymous')}
                      {entry.displayName && entry.username && <span className="muted"> {entry.username}</span>}
                    </>
                  )}
                </td>
                <td>{entry.unitName ?? '—'}</td>
                <td className="audit-what">
                  <strong>{actionLabel(entry.action)}</strong>
                  {entry.ledgerKey && <div>{ledgerTitle(entry.ledgerKey)}</div>}
                  {label && <div className="audit-row-label">{label}</div>}
                  {entry.period && (
                    <div className="muted">
                      {t('audit.period')} {entry.period}
                    </div>
                  )}
                </td>
                <td className="detail">
                  {entry.kind === 'ROW' ? (
                    <RowDetail entry={entry} model={model} />
                  ) : entry.kind === 'ADMIN' ? (
                    <AdminDetail entry={entry} unitName={unitName} ledgerTitle={ledgerTitle} />
                  ) : (
                    <EventDetail entry={entry} />
                  )}
                  <div className="audit-actions">
                    {restorable[i] && (
                      <button type="button" onClick={() => void restore(entry)} data-testid="audit-restore">
                        {t('bin.restore')}
                      </button>
                    )}
                    {entry.kind === 'ROW' && entry.rowId && entry.unitId && !restorable[i] && (
                      <Link
                        className="link-button"
                        to={`/ledgers/${entry.ledgerKey}?unit=${entry.unitId}&row=${entry.rowId}`}
                        data-testid="audit-open-row"
                      >
                        {t('audit.openRow')}
                      </Link>
                    )}
                    {restoredLater && (
                      <span className="audit-restored" data-testid="audit-restored">
                        {t('audit.restoredLater')}
                      </span>
                    )}
                    {entry.detail !== null && (
                      <button
                        type="button"
                        className="link-button"
                        aria-expanded={raw.has(i)}
                        onClick={() =>
                          setRaw((now) => {
                            const next = new Set(now);
                            if (next.has(i)) next.delete(i);
                            else next.add(i);
                            return next;
                          })
                        }
                      >
                        {t('audit.raw')}
                      </button>
                    )}
                  </div>
                  {refused.has(rowKey) && restorable[i] && (
                    <p className="form-error" data-testid="audit-restore-refused">
                      {refused.get(rowKey)}
                    </p>
                  )}
                  {raw.has(i) && (
                    <pre className="audit-raw">
                      {JSON.stringify(
                        { ledger: entry.ledgerKey, rowId: entry.rowId, at: entry.at, detail: entry.detail },
                        null,
                        2,
                      )}
                    </pre>
                  )}
                </td>
              </tr>
            );
          })}
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
