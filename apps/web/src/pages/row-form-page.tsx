import { useApolloClient, useQuery } from '@apollo/client';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { currentPeriod, isPeriod, periodOfRow, textOf, unitFills, type LedgerModel } from '@taizhang/ledger-core';
import { roleOf, type CurrentUser } from '../features/auth/auth.graphql';
import { RowForm, type FormTarget } from '../features/forms/row-form';
import { SheetRows, WaitingRows } from '../features/forms/sheet-rows';
import { UNITS_FOR_FORM, type UnitForForm } from '../features/forms/forms.graphql';
import { useSheetSaver, type SheetSaving } from '../features/forms/use-sheet-saver';
import { apolloGridBackend, type SheetScope } from '../features/grid/grid-backend';
import { newRow, serverRowKey, type ServerRow } from '../features/grid/grid-row';
import { sheetQueueKey } from '../features/grid/save-queue';
import { INPUT_TYPE } from '../features/grid/sheet-bar';
import { useLedgerModel } from '../features/ledgers/use-ledger-model';
import { UnitOptions } from '../features/ledgers/unit-options';
import { useI18n } from '../i18n/i18n';

/**
 * A clerk's ledger on a phone (/ledgers/:key/new, /ledgers/:key/rows/:id): the sheet picked
 * (period; unit for an admin), one row as a form — a new one, or one of the sheet's rows opened from
 * the list below it or by a link — saved through the grid's save queue, offline included
 * (docs/grid.md, "The phone form").
 */
export function RowFormPage({ user }: { user: CurrentUser }) {
  const { key = '' } = useParams();
  const ledger = useLedgerModel(key);
  if (ledger.placeholder) return ledger.placeholder;
  return <PhoneSheet key={`${key}:${ledger.version}`} user={user} model={ledger.model} />;
}

/** The address of a row's form, the sheet's period and unit kept. */
function rowAddress(ledger: string, id: string | null, search: URLSearchParams, draft?: string): string {
  const query = new URLSearchParams(search);
  query.delete('draft');
  if (draft) query.set('draft', draft);
  const text = query.toString();
  return `/ledgers/${ledger}/${id ? `rows/${encodeURIComponent(id)}` : 'new'}${text ? `?${text}` : ''}`;
}

function PhoneSheet({ user, model }: { user: CurrentUser; model: LedgerModel }) {
  const { t, locale } = useI18n();
  const client = useApolloClient();
  const navigate = useNavigate();
  const { id: rowId = null } = useParams();
  const [searchParams, setSearchParams] = useSearchParams();
  const role = roleOf(user);
  const definition = model.definition;
  const ledger = definition.key;
  const periodic = (definition.period ?? 'none') !== 'none';
  const today = currentPeriod(definition.period, new Date());
  const asked = searchParams.get('period');
  const period = periodic ? (asked && isPeriod(definition.period, asked) ? asked : today) : null;
  const unitId = role === 'admin' ? (searchParams.get('unit') ?? '') : '';
  const units = useQuery<{ units: UnitForForm[] }>(UNITS_FOR_FORM, { skip: role !== 'admin' });
  const scopeUnit = role === 'admin' ? unitId || null : null;
  const canSave = role === 'clerk' || (role === 'admin' && scopeUnit !== null);
  const setParam = useCallback(
    (name: string, value: string | null) =>
      setSearchParams(
        (now) => {
          const next = new URLSearchParams(now);
          if (value) next.set(name, value);
          else next.delete(name);
          next.delete('draft');
          return next;
        },
        { replace: true },
      ),
    [setSearchParams],
  );

  // the grid's queue of this sheet (same key as its grid): one queue per sheet in this browser
  const scope = useMemo<SheetScope>(() => ({ ledger, unitId: scopeUnit, period }), [ledger, scopeUnit, period]);
  const storageKey = sheetQueueKey(user, ledger, scopeUnit, period ?? '');
  const saving = useSheetSaver(scope, storageKey);
  const backend = useMemo(() => apolloGridBackend(client, scope), [client, scope]);
  const draft = searchParams.get('draft');
  const open = (id: string | null, draftKey?: string) => void navigate(rowAddress(ledger, id, searchParams, draftKey));

  return (
    <section className="row-form-page" aria-labelledby="row-form-title">
      <Link to={`/ledgers/${ledger}`} className="back-link">
        ← {t('rowForm.back')}
      </Link>
      <h2 id="row-form-title">{textOf(definition.title, locale)}</h2>
      <div className="row-form-sheet">
        {periodic && (
          <label className="row-form-unit">
            {t('rowForm.period')}
            <input
              className="field-box"
              type={INPUT_TYPE[definition.period ?? 'none']}
              value={period ?? ''}
              max={today ?? undefined}
              onChange={(event) => event.target.value && setParam('period', event.target.value)}
              data-testid="row-form-period"
            />
          </label>
        )}
        {role === 'admin' && (
          <label className="row-form-unit">
            {t('rowForm.unit')}
            <select
              className="field-box field-select"
              value={unitId}
              onChange={(event) => setParam('unit', event.target.value || null)}
              data-testid="row-form-unit"
            >
              <option value="">{t('rowForm.pickUnit')}</option>
              <UnitOptions units={units.data?.units.filter((unit) => unitFills(definition, unit))} />
            </select>
          </label>
        )}
      </div>
      {role === 'leader' ? (
        <p className="muted">{t('rowForm.readOnly')}</p>
      ) : (
        <>
          <QueueLine saving={saving} />
          <KeptFiles saving={saving} />
          <OpenRow
            // a row opened, or the sheet changed: a form of its own; the queue stays (the page's)
            key={`${rowId ?? draft ?? 'new'}|${storageKey}`}
            model={model}
            rowId={rowId}
            draft={draft}
            saving={saving}
            scopeUnit={scopeUnit}
            canSave={canSave}
            period={period}
            onPeriod={(found) => setParam('period', found)}
            onNew={() => open(null)}
          />
          {canSave && (
            <>
              <WaitingRows
                model={model}
                saving={saving}
                onOpen={(change) => open(change.id, change.id ? undefined : change.key)}
              />
              <SheetRows
                model={model}
                backend={backend}
                refresh={saving.answered}
                openId={rowId}
                onOpen={(id) => open(id)}
              />
            </>
          )}
        </>
      )}
    </section>
  );
}

/** Where the sheet's queue stands: 待发送 n 条 (offline: sent once back), 正在保存…, 已保存, held. */
function QueueLine({ saving }: { saving: SheetSaving }) {
  const { t, tf } = useI18n();
  const { status, pending } = saving;
  // (a change holding a file taken offline is not tried: the browser's own word says offline)
  const offline = status.state === 'offline' || status.holdReason === 'network' || !navigator.onLine;
  const held = pending.filter((change) => change.held).length;
  const waiting = pending.length - held;
  return (
    <div className="row-form-queue" data-testid="row-form-status" data-state={status.state} data-pending={waiting}>
      {waiting > 0 && (
        <span className={offline ? 'warn' : 'muted'} data-testid="row-form-queue">
          {tf(offline ? 'rowForm.queueOffline' : 'rowForm.queue', { n: waiting })}
        </span>
      )}
      {pending.length === 0 && status.state === 'saved' && <span className="ok">{t('grid.saved')}</span>}
      {status.state === 'saving' && <span className="muted">{t('grid.saving')}</span>}
      {status.state === 'held' && status.holdReason !== 'network' && (
        <>
          <span className="form-error" data-testid="save-held">
            {t(`grid.held.${status.holdReason ?? 'server'}`)}
            {status.failure}
          </span>
          <button type="button" onClick={() => saving.saver.retry()} data-testid="save-retry">
            {t('grid.retry')}
          </button>
        </>
      )}
      {status.state === 'failed' && (
        <span className="form-error">
          {t('grid.saveFailed')}
          {status.failure}
          {t('grid.willRetry')}
        </span>
      )}
    </div>
  );
}

/**
 * The files taken offline for the sheet's rows (offline-files.ts): waiting, uploading with its
 * progress, or refused with the server's reason (the row went without it) until dismissed.
 */
function KeptFiles({ saving }: { saving: SheetSaving }) {
  const { t, tf } = useI18n();
  const kept = saving.files.list();
  if (kept.length === 0) return null;
  return (
    <div className="row-form-files" data-testid="kept-files">
      <p className="muted">{t('files.keptTitle')}</p>
      <ul>
        {kept.map((file) => (
          <li key={file.handle} data-state={file.state.state} data-testid="kept-file">
            {file.state.state === 'waiting' && (
              <span className="warn">{tf('files.keptWaiting', { name: file.name })}</span>
            )}
            {file.state.state === 'uploading' && (
              <span className="muted">
                {tf('files.keptUploading', {
                  name: file.name,
                  percent: file.state.total ? Math.round((file.state.loaded / file.state.total) * 100) : 0,
                })}
              </span>
            )}
            {file.state.state === 'refused' && (
              <>
                <span className="form-error" role="alert">
                  {tf('files.keptRefused', { name: file.name, reason: file.state.reason })}
                </span>{' '}
                <button type="button" className="link-button" onClick={() => void saving.files.discard(file.handle)}>
                  {t('files.dismiss')}
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

interface OpenRowProps {
  model: LedgerModel;
  rowId: string | null;
  /** A new row still in the queue (its key), opened from the list of rows waiting. */
  draft: string | null;
  saving: SheetSaving;
  scopeUnit: string | null;
  canSave: boolean;
  period: string | null;
  /** The row opened by a link belongs to another period: the sheet follows it. */
  onPeriod(period: string): void;
  onNew(): void;
}

const freshKey = (model: LedgerModel) => newRow(model, null).__key;

/** The row the form fills: a new one, one still waiting in the queue, or one read from the server. */
function OpenRow({ model, rowId, draft, saving, scopeUnit, canSave, period, onPeriod, onNew }: OpenRowProps) {
  const { t } = useI18n();
  const client = useApolloClient();
  const definition = model.definition;
  const [target, setTarget] = useState<FormTarget | null>(() =>
    rowId ? null : { key: draft ?? freshKey(model), base: null },
  );
  const [missing, setMissing] = useState(false);
  const [saved, setSaved] = useState<{ id: string; notes: string[]; created: boolean } | null>(null);
  const [round, setRound] = useState(0);

  useEffect(() => {
    if (!rowId) return;
    let live = true;
    // read in every period of the unit: a link names the row, not its sheet
    const reader = apolloGridBackend(client, { ledger: definition.key, unitId: scopeUnit, period: null });
    reader
      .page({ orderBy: [], filter: { id: { in: [rowId] } } }, 1, 0, false)
      .then(({ rows }) => {
        if (!live) return;
        const row = rows[0];
        if (!row) return setMissing(true);
        const its = periodOfRow(definition, row.values);
        if (its && period && its !== period) onPeriod(its);
        setTarget({ key: serverRowKey(row.id), base: row });
      })
      .catch(() => live && setMissing(true));
    return () => {
      live = false;
    };
    // read once per row opened (the page gives this component a key per row and sheet)
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  const shown = useRef(target);
  shown.current = target;
  const onSaved = useCallback(
    (key: string, row: ServerRow, notes: string[]) => {
      const now = shown.current;
      if (!now || now.key !== key) return;
      setSaved({ id: row.id, notes, created: now.base === null });
      // a new row saved: the form is empty again for the next one; an existing row shows as saved
      setTarget(now.base === null ? { key: freshKey(model), base: null } : { key, base: row });
      setRound((n) => n + 1);
      window.scrollTo({ top: 0 });
    },
    [model],
  );
  const onTheirs = useCallback((key: string, row: ServerRow) => {
    setTarget({ key, base: row });
    setRound((n) => n + 1);
  }, []);

  if (missing)
    return (
      <p className="form-error" role="alert" data-testid="row-form-missing">
        {t('rowForm.notFound')}
      </p>
    );
  if (!target) return <p className="muted">{t('common.loading')}</p>;
  return (
    <>
      <div className="row-form-head">
        <strong data-testid="row-form-which">
          {target.base ? t('rowForm.editing').replace('{id}', target.base.id) : t('rowForm.newRow')}
        </strong>
        <a href="#sheet-rows-title" className="link-button">
          {t('rowForm.toRows')} ↓
        </a>
        {(target.base || rowId || draft) && (
          <button type="button" onClick={onNew} data-testid="row-form-new">
            + {t('rowForm.newRow')}
          </button>
        )}
      </div>
      {saved && (
        <div className="row-form-saved" role="status" data-testid="row-form-saved">
          <p>{saved.created ? t('rowForm.saved').replace('{id}', saved.id) : t('rowForm.rowSaved')}</p>
          {saved.notes.map((note) => (
            <p key={note}>{note}</p>
          ))}
        </div>
      )}
      <RowForm
        key={`${target.key}|${round}`}
        model={model}
        target={target}
        saving={saving}
        unitId={scopeUnit}
        canSave={canSave}
        period={period}
        onSaved={onSaved}
        onTheirs={onTheirs}
      />
    </>
  );
}
