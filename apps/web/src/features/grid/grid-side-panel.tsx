import { useQuery } from '@apollo/client';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { textOf, type LedgerModel } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import { bracketed } from '../../i18n/punctuation';
import { ConflictChoice } from './conflict-choice';
import { rowLabel } from './grid-columns';
import type { CellProblem, GridController, GridSnapshot } from './grid-controller';
import { ROW_HISTORY, type HistoryEntry } from './grid.graphql';

interface GridSidePanelProps {
  model: LedgerModel;
  controller: GridController;
  snapshot: GridSnapshot | null;
  historyOf: string | null;
  onCloseHistory(): void;
  /** The recycle bin, when open: shown first. */
  bin?: ReactNode;
  /** A sheet to read: nothing to fix, so only a row's history opens the panel by itself. */
  readOnly: boolean;
  /** The record pane is open and shows the row's problems beside its fields: they need not open the panel. */
  besideRecord?: boolean;
}

/**
 * Whether the panel is open: by itself when there is something to see (see docs/grid.md), else as
 * the clerk last left it with its toggle, until something new calls for it.
 */
function usePanelOpen(wanted: boolean, asked: string): [boolean, (open: boolean) => void] {
  const [choice, setChoice] = useState<boolean | null>(null);
  const before = useRef(wanted);
  useEffect(() => {
    // nothing to see, then something: the panel opens again even if it was closed by hand
    if (wanted && !before.current) setChoice(null);
    before.current = wanted;
  }, [wanted]);
  // a row's history or the recycle bin asked for (or closed): as things are again
  useEffect(() => setChoice(null), [asked]);
  return [choice ?? wanted, setChoice];
}

const MAX_LISTED = 100;

/** Beside the grid: the errors to fix, the conflicts to decide, a row's history. */
export function GridSidePanel({
  model,
  controller,
  snapshot,
  historyOf,
  onCloseHistory,
  bin,
  readOnly,
  besideRecord = false,
}: GridSidePanelProps) {
  const { t, tf, locale, p } = useI18n();
  const fieldTitle = (key: string) => {
    const field = model.byKey.get(key);
    return field ? textOf(field.title, locale) : t('grid.wholeRow');
  };
  const show = (key: string, value: unknown) => {
    const field = model.byKey.get(key);
    // a reference by what its row says, when the grid knows it
    return field ? controller.cellText(field, value) || '—' : String(value ?? '—');
  };
  const errors = snapshot?.errors ?? [];
  const warnings = snapshot?.warnings ?? [];
  const conflicts = snapshot?.conflicts ?? [];
  const notices = snapshot?.notices ?? [];
  // On a 1366 px laptop 320 px are three columns of the grid: the panel takes them only when it
  // has something to show — what to fix or decide on a sheet being filled, a row's history, the
  // recycle bin. Otherwise a slim toggle with the counts stays, so it is one click away.
  const toFix = errors.length + warnings.length > 0 && !besideRecord;
  const wanted =
    Boolean(historyOf) || Boolean(bin) || (!readOnly && (toFix || conflicts.length > 0 || notices.length > 0));
  const [open, setOpen] = usePanelOpen(wanted, `${historyOf ?? ''}/${bin ? 'bin' : ''}`);
  const counts = (
    <>
      {errors.length > 0 && (
        <span className="side-chip chip-error" data-testid="side-errors">
          {errors.length}
        </span>
      )}
      {warnings.length > 0 && (
        <span className="side-chip chip-warning" data-testid="side-warnings">
          {warnings.length}
        </span>
      )}
      {conflicts.length > 0 && <span className="side-chip chip-conflict">{conflicts.length}</span>}
    </>
  );
  if (!open) {
    return (
      <aside className="grid-side is-collapsed" data-testid="grid-side" data-open="false">
        <button
          type="button"
          className="side-toggle"
          data-testid="side-toggle"
          aria-expanded={false}
          title={t('grid.sideOpen')}
          onClick={() => setOpen(true)}
        >
          <span className="side-toggle-label">{t('grid.sideTitle')}</span>
          {counts}
        </button>
      </aside>
    );
  }
  return (
    <aside className="grid-side" data-testid="grid-side" data-open="true">
      <div className="side-head">
        <strong>{t('grid.sideTitle')}</strong>
        <button
          type="button"
          className="link-button"
          data-testid="side-collapse"
          aria-expanded
          onClick={() => setOpen(false)}
        >
          {t('grid.sideClose')}
        </button>
      </div>
      {bin}
      {errors.length === 0 &&
        warnings.length === 0 &&
        conflicts.length === 0 &&
        notices.length === 0 &&
        !historyOf &&
        !bin && (
          <p className="muted" data-testid="no-problems">
            {t('grid.noProblems')}
          </p>
        )}
      {notices.length > 0 && (
        <section data-testid="save-notices" className="save-notices">
          <ul>
            {notices.map((notice, i) => (
              <li key={`${notice.rowKey}/${i}`}>
                {t('grid.row').replace('{n}', String(controller.rowNumber(notice.rowKey) ?? '?'))}
                {p.colon}
                {notice.message}
              </li>
            ))}
          </ul>
          <button type="button" className="link-button" onClick={() => controller.dismissNotices()}>
            {t('grid.dismiss')}
          </button>
        </section>
      )}
      {conflicts.length > 0 && (
        <section data-testid="conflicts">
          <h3>{t('grid.conflictTitle')}</h3>
          {conflicts.map((conflict) => (
            <ConflictChoice
              key={conflict.rowKey}
              conflict={conflict}
              heading={t('grid.row').replace('{n}', String(controller.rowNumber(conflict.rowKey) ?? '?'))}
              fieldTitle={fieldTitle}
              show={show}
              onKeepMine={() => controller.keepMine(conflict.rowKey)}
              onTakeTheirs={() => controller.takeTheirs(conflict.rowKey)}
            />
          ))}
        </section>
      )}
      {errors.length > 0 && (
        <ProblemList
          testId="error-list"
          title={tf('grid.errors', { n: errors.length })}
          problems={errors}
          controller={controller}
          fieldTitle={fieldTitle}
        />
      )}
      {warnings.length > 0 && (
        <ProblemList
          testId="warning-list"
          title={tf('grid.warnings', { n: warnings.length })}
          problems={warnings}
          controller={controller}
          fieldTitle={fieldTitle}
        />
      )}
      {historyOf && (
        <RowHistory model={model} id={historyOf} fieldTitle={fieldTitle} show={show} onClose={onCloseHistory} />
      )}
    </aside>
  );
}

/** Errors or reminders, each a link to its cell. */
function ProblemList({
  testId,
  title,
  problems,
  controller,
  fieldTitle,
}: {
  testId: string;
  title: string;
  problems: CellProblem[];
  controller: GridController;
  fieldTitle(key: string): string;
}) {
  const { t, p } = useI18n();
  return (
    <section data-testid={testId} className={testId}>
      <h3>{title}</h3>
      <ul>
        {problems.slice(0, MAX_LISTED).map((problem, i) => (
          <li key={`${problem.rowKey}/${problem.field}/${i}`}>
            <button
              type="button"
              className="link-button"
              onClick={() => controller.select(problem)}
              data-row={controller.rowNumber(problem.rowKey) ?? ''}
              data-field={problem.field}
            >
              {t('grid.row').replace('{n}', String(controller.rowNumber(problem.rowKey) ?? '?'))} ·{' '}
              {fieldTitle(problem.field)}
              {p.colon}
              {problem.message}
            </button>
          </li>
        ))}
      </ul>
      {problems.length > MAX_LISTED && <p className="muted">…</p>}
    </section>
  );
}

/** The fields an entry changed, blanks on both sides left out (an insert lists every field). */
function changedKeys(model: LedgerModel, entry: HistoryEntry): string[] {
  const blank = (value: unknown) => value === null || value === undefined || value === '';
  const keys = new Set([...Object.keys(entry.oldValues ?? {}), ...Object.keys(entry.newValues ?? {})]);
  // in the ledger's column order, computed fields left out (they follow from the others)
  const order = (key: string) => {
    const at = model.fields.findIndex((field) => field.key === key);
    return at < 0 ? model.fields.length : at;
  };
  return [...keys]
    .filter((key) => !model.byKey.get(key)?.formula)
    .filter((key) => !(blank(entry.oldValues?.[key]) && blank(entry.newValues?.[key])))
    .sort((a, b) => order(a) - order(b));
}

function RowHistory({
  model,
  id,
  fieldTitle,
  show,
  onClose,
}: {
  model: LedgerModel;
  id: string;
  fieldTitle(key: string): string;
  show(key: string, value: unknown): string;
  onClose(): void;
}) {
  const { t, tf, locale, p } = useI18n();
  const { data, loading, error } = useQuery<{ rowHistory: HistoryEntry[] }>(ROW_HISTORY, {
    variables: { ledger: model.definition.key, id },
    fetchPolicy: 'network-only',
  });
  // the row as its history leaves it, to name it
  const latest = Object.assign({}, ...(data?.rowHistory ?? []).map((entry) => entry.newValues ?? {}));
  return (
    <section data-testid="row-history">
      <h3>
        {t('grid.historyTitle')}
        <button type="button" className="link-button" onClick={onClose}>
          {t('grid.close')}
        </button>
      </h3>
      {data && (
        <p className="muted" data-testid="history-row">
          {rowLabel(model, latest, locale)}
        </p>
      )}
      {loading && <p className="muted">{t('common.loading')}</p>}
      {error && <p className="form-error">{error.message}</p>}
      <ol className="history">
        {data?.rowHistory.map((entry) => (
          <li key={entry.version + entry.op}>
            <strong>{t(`grid.op.${entry.op}`)}</strong>
            {entry.source !== 'save' && entry.source !== 'restore' && (
              <span className="muted">{bracketed(p, t(`grid.source.${entry.source}`))}</span>
            )}{' '}
            · {entry.apiToken ? tf('audit.viaToken', { name: entry.apiToken }) : (entry.changedBy ?? '—')} ·{' '}
            {new Date(entry.changedAt).toLocaleString(locale === 'en' ? 'en-GB' : 'zh-CN', {
              timeZone: 'Asia/Shanghai',
            })}
            {entry.correction && (
              <p className="correction-history" data-testid="history-correction">
                {t('correction.historyNote')
                  .replace('{reason}', entry.correction.reason)
                  .replace('{requestedBy}', entry.correction.requestedBy ?? '—')
                  .replace('{decidedBy}', entry.correction.decidedBy ?? '—')}
              </p>
            )}
            <ul>
              {changedKeys(model, entry).map((key) => (
                <li key={key}>
                  {fieldTitle(key)}
                  {p.colon}
                  {show(key, entry.oldValues?.[key] ?? null)} → {show(key, entry.newValues?.[key] ?? null)}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
    </section>
  );
}
