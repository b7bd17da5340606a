import { useMutation, useQuery } from '@apollo/client';
import { useState } from 'react';
import { Link } from 'react-router';
import { CorrectionRequests } from '../corrections/correction-requests';
import { ExportLinks } from './export-links';
import { useLiveBoard } from '../live/use-live-board';
import { useI18n } from '../../i18n/i18n';
import {
  BOARD,
  RECONCILIATION,
  REMIND_MISSING,
  type Board,
  type BoardSheet,
  type FigureDifference,
  type Reminder,
} from './dashboard.graphql';
import { ledgerAddress } from '../ledgers/ledger-address';

const MISSING = new Set(['NOT_STARTED', 'DRAFT', 'RETURNED']);

/**
 * Today's sheets of a periodic ledger: who submitted, who is late, who is missing (逾期未报 once the
 * deadline has passed), who withdrew a submission (撤回) and who submitted with reminders — and 催报.
 */
export function BoardPanel({
  ledgerKey,
  title,
  period,
  canRemind,
  canCorrect = false,
}: {
  ledgerKey: string;
  title: string;
  period: string;
  canRemind: boolean;
  /** An admin: approves or rejects the period's correction requests (申请更正) here. */
  canCorrect?: boolean;
}) {
  const { t, tf, locale, p } = useI18n();
  const { data, error, refetch } = useQuery<{ submissionBoard: Board }>(BOARD, {
    variables: { ledger: ledgerKey, period },
    fetchPolicy: 'network-only',
  });
  // live: a sheet submitted or returned shows here at once (docs/live.md)
  useLiveBoard(ledgerKey, period, refetch);
  const [remind, reminding] = useMutation<{ remindMissing: Reminder }>(REMIND_MISSING);
  const board = data?.submissionBoard;
  const missing = board?.sheets.filter((s) => MISSING.has(s.state)) ?? [];
  const late = board?.sheets.filter((s) => s.state === 'SUBMITTED_LATE') ?? [];
  const submitted = board?.sheets.filter((s) => s.state === 'SUBMITTED' || s.state === 'SUBMITTED_LATE') ?? [];
  // which units the list under the counts shows: those missing until a count is clicked
  const [list, setList] = useState<'submitted' | 'late' | 'missing' | null>(null);
  const shown = list ?? (board && missing.length === 0 ? 'submitted' : 'missing');
  const withdrawn = board?.sheets.filter((s) => s.withdrawnCount > 0) ?? [];
  const withWarnings = board?.sheets.filter((s) => (s.submittedWarnings ?? 0) > 0) ?? [];
  const overridden = board?.sheets.filter((s) => s.figures.some((f) => f.overridden)) ?? [];
  const hasFigures = board?.sheets.some((s) => s.figures.length > 0) ?? false;
  const withCorrections = board?.sheets.filter((s) => s.pendingCorrections + s.appliedCorrections > 0) ?? [];
  const time = (iso: string) =>
    new Date(iso).toLocaleTimeString(locale === 'en' ? 'en-GB' : 'zh-CN', {
      timeZone: 'Asia/Shanghai',
      hour: '2-digit',
      minute: '2-digit',
    });
  const reminder = reminding.data?.remindMissing;
  /** 催报 to every missing unit (unitIds omitted) or to one. */
  async function remindUnits(unitIds?: string[]) {
    await remind({ variables: { ledger: ledgerKey, period, unitIds } }).catch(() => undefined);
    await refetch();
  }

  return (
    <article className="panel board" data-testid={`board-${ledgerKey}`}>
      <h4>
        <ExportLinks path={`board/${ledgerKey}`} params={{ period }} />
        {title} · {period}
      </h4>
      {error && <p className="form-error">{error.message}</p>}
      {board && (
        <>
          <dl className="counts">
            {(
              [
                ['submitted', t('grid.sheet.SUBMITTED'), submitted.length],
                ['late', t('dashboard.ofWhichLate'), late.length],
                ['missing', t('dashboard.missing'), missing.length],
              ] as const
            ).map(([list, label, n]) => (
              <div key={list}>
                <dt>{label}</dt>
                <dd>
                  {/* a count opens the list of its units */}
                  <button
                    type="button"
                    className="count-button"
                    aria-pressed={shown === list}
                    title={t('dashboard.showUnits')}
                    onClick={() => setList(list)}
                    data-testid={`count-${list}`}
                  >
                    {n}
                  </button>
                </dd>
              </div>
            ))}
            {board.counts.overdue > 0 && (
              <div>
                <dt>{t('grid.overdue')}</dt>
                <dd data-testid="count-overdue">{board.counts.overdue}</dd>
              </div>
            )}
          </dl>
          {shown === 'missing' && (
            <div data-testid="missing-units" className="board-units">
              <strong>
                {t('dashboard.missing')}
                {p.colon}
              </strong>
              {missing.length === 0 && <span className="muted">{t('dashboard.noUnits')}</span>}
              <ul>
                {missing.map((s) => (
                  <li
                    key={s.unit.id}
                    className="unit-chip"
                    data-unit={s.unit.name}
                    data-overdue={s.overdue || undefined}
                  >
                    <span className="board-unit">
                      <UnitLink ledgerKey={ledgerKey} period={period} sheet={s} />
                      {p.open}
                      {t(`grid.sheet.${s.state}`)}
                      {p.close}
                      {s.overdue && <span className="badge sheet-overdue">{t('grid.overdue')}</span>}
                      {/* 催报 recorded: when, by whom, and whether a clerk has read it */}
                      {s.remindedAt && (
                        <span className="board-reminded" data-testid="reminded">
                          {`${t('dashboard.remindedAt')} ${time(s.remindedAt)}`}
                          {s.lastReminder?.by && t('dashboard.remindedBy').replace('{who}', s.lastReminder.by)}
                          {s.reminderReadAt && ` · ${t('dashboard.reminderRead')} ${time(s.reminderReadAt)}`}
                        </span>
                      )}
                    </span>
                    {s.clerks && (
                      <span className="board-clerks" data-testid="unit-clerks">
                        {s.clerks.length === 0 && t('dashboard.noClerk')}
                        {s.clerks.map((c) => (
                          <span key={`${c.name}:${c.phone ?? ''}`} className="board-clerk">
                            {c.name}{' '}
                            {c.phone ? (
                              <a href={`tel:${c.phone}`} title={t('dashboard.clerkPhone')} data-testid="clerk-phone">
                                {c.phone}
                              </a>
                            ) : (
                              <span className="muted">{t('dashboard.noPhone')}</span>
                            )}
                          </span>
                        ))}
                      </span>
                    )}
                    {canRemind && (
                      <button
                        type="button"
                        className="link-button"
                        disabled={reminding.loading}
                        onClick={() => void remindUnits([s.unit.id])}
                        data-testid="remind-unit"
                      >
                        {t('dashboard.remindOne')}
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {shown !== 'missing' && (
            <p data-testid={`${shown}-units`} className="board-units">
              <strong>
                {shown === 'late' ? t('grid.late') : t('grid.sheet.SUBMITTED')}
                {p.colon}
              </strong>
              {(shown === 'late' ? late : submitted).length === 0 && (
                <span className="muted">{t('dashboard.noUnits')}</span>
              )}
              {(shown === 'late' ? late : submitted).map((s) => (
                <span key={s.unit.id} className="unit-chip" data-unit={s.unit.name}>
                  <UnitLink ledgerKey={ledgerKey} period={period} sheet={s} />
                  {s.submittedAt && (
                    <span className="muted">
                      {p.open}
                      {t('dashboard.submittedAtTime').replace('{time}', time(s.submittedAt))}
                      {p.close}
                    </span>
                  )}
                </span>
              ))}
            </p>
          )}
          {withdrawn.length > 0 && (
            <p data-testid="withdrawn-units">
              <strong>
                {t('dashboard.withdrawals')}
                {p.colon}
              </strong>
              {withdrawn.map((s) => (
                <span key={s.unit.id} className="unit-chip">
                  {s.unit.name}
                  {p.open}
                  {t('grid.withdrawnTimes').replace('{n}', String(s.withdrawnCount))}
                  {s.withdrawnAt && ` · ${t('dashboard.withdrawnAt')} ${time(s.withdrawnAt)}`} ·{' '}
                  {t(`grid.sheet.${s.state}`)}
                  {p.close}
                </span>
              ))}
            </p>
          )}
          {withWarnings.length > 0 && (
            <p data-testid="warned-units">
              <strong>
                {t('dashboard.withWarnings')}
                {p.colon}
              </strong>
              {withWarnings.map((s) => (
                <span key={s.unit.id} className="unit-chip">
                  {s.unit.name}
                  {p.open}
                  {t('grid.submittedWarnings').replace('{n}', String(s.submittedWarnings))}
                  {p.close}
                </span>
              ))}
            </p>
          )}
          {overridden.length > 0 && (
            <p data-testid="overridden-units">
              <strong>
                {t('dashboard.overridden')}
                {p.colon}
              </strong>
              {overridden.map((s) => (
                <span key={s.unit.id} className="unit-chip">
                  {s.unit.name}
                  {p.open}
                  {s.figures
                    .filter((f) => f.overridden)
                    .map(
                      (f) =>
                        `${f.title} ${f.value ?? '—'}${p.comma}${t('dashboard.derivedWas')} ${f.live}${p.colon}${f.reason}`,
                    )
                    .join(p.semi)}
                  {p.close}
                </span>
              ))}
            </p>
          )}
          {withCorrections.length > 0 && (
            <p data-testid="corrected-units">
              <strong>
                {t('dashboard.corrections')}
                {p.colon}
              </strong>
              {withCorrections.map((s) => (
                <span
                  key={s.unit.id}
                  className="unit-chip"
                  data-unit={s.unit.name}
                  data-pending={s.pendingCorrections}
                  data-applied={s.appliedCorrections}
                >
                  {s.unit.name}
                  {p.open}
                  {t('correction.sheetCounts')
                    .replace('{applied}', String(s.appliedCorrections))
                    .replace('{pending}', String(s.pendingCorrections))}
                  {p.close}
                </span>
              ))}
            </p>
          )}
          {/* every period's requests waiting: a correction of last week's sheet is asked for today */}
          <CorrectionRequests
            key={board.sheets.map((s) => `${s.pendingCorrections}/${s.appliedCorrections}`).join(',')}
            ledger={ledgerKey}
            period={null}
            canDecide={canCorrect}
            onDecided={() => void refetch()}
          />
          {canRemind && missing.length > 0 && (
            <button
              type="button"
              className="primary"
              disabled={reminding.loading}
              data-testid="remind-missing"
              onClick={async () => {
                if (!window.confirm(t('dashboard.remindConfirm').replace('{n}', String(missing.length)))) return;
                await remindUnits();
              }}
            >
              {t('dashboard.remind')}
            </button>
          )}
          {reminding.error && <p className="form-error">{reminding.error.message}</p>}
          {reminder && (
            <div className="reminder" data-testid="reminder" role="status">
              <p>{t('dashboard.reminded').replace('{n}', String(reminder.units.length))}</p>
              {reminder.webhooks > 0 && (
                <p className="muted" data-testid="reminder-webhooks">
                  {tf('dashboard.remindedWebhooks', { n: reminder.webhooks })}
                </p>
              )}
              <ul>
                {reminder.units.map((u) => (
                  <li key={u.unit.name}>
                    {u.unit.name}
                    {p.colon}
                    {u.clerks
                      .map((c) => `${c.displayName}${p.open}${c.username}${p.close}${c.phone ? ` ${c.phone}` : ''}`)
                      .join(p.list) || t('dashboard.noClerk')}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {hasFigures && <Reconciliation ledgerKey={ledgerKey} period={period} />}
        </>
      )}
    </article>
  );
}

/** A unit's name on the board, a link to its sheet of the period (the ledger page opens it). */
function UnitLink({ ledgerKey, period, sheet }: { ledgerKey: string; period: string; sheet: BoardSheet }) {
  const { t } = useI18n();
  return (
    <Link
      to={ledgerAddress(ledgerKey, { unit: sheet.unit.id, period })}
      title={t('dashboard.openSheet').replace('{unit}', sheet.unit.name)}
      data-testid="unit-link"
    >
      {sheet.unit.name}
    </Link>
  );
}

/** The 30 days up to a daily period (or the period's own days), as reconciliation takes them. */
function daysUpTo(period: string): { from: string; to: string } {
  const to = /^\d{4}-\d{2}-\d{2}$/.test(period) ? period : new Date().toISOString().slice(0, 10);
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
  return { from, to };
}

/**
 * 数据核对: the submitted sheets of the last 30 days whose derived figures the source ledger now
 * contradicts (a case entered late, a visit recorded after the submission), each with the
 * difference and links to the source rows changed since.
 */
function Reconciliation({ ledgerKey, period }: { ledgerKey: string; period: string }) {
  const { t, p } = useI18n();
  const { data, error } = useQuery<{ reconciliation: FigureDifference[] }>(RECONCILIATION, {
    variables: { ledger: ledgerKey, ...daysUpTo(period) },
    fetchPolicy: 'network-only',
  });
  const list = data?.reconciliation ?? [];
  // one line per unit and day: its figures that differ, and the source rows behind them
  const sheets: {
    key: string;
    period: string;
    unit: string;
    figures: FigureDifference['figure'][];
    rows: FigureDifference['changedRows'];
  }[] = [];
  for (const d of list) {
    const key = `${d.period}:${d.unit.id}`;
    const last = sheets[sheets.length - 1];
    if (last?.key === key) last.figures.push(d.figure);
    else sheets.push({ key, period: d.period, unit: d.unit.name, figures: [d.figure], rows: d.changedRows });
  }
  const signed = (n: number | null) => `${(n ?? 0) > 0 ? '+' : ''}${n ?? 0}`;
  return (
    <section className="reconciliation" data-testid="reconciliation">
      <h5>
        {t('dashboard.reconciliation')}
        <span className="muted">
          {p.open}
          {t('dashboard.reconciliationHint')}
          {p.close}
        </span>
      </h5>
      {error && <p className="form-error">{error.message}</p>}
      {data && list.length === 0 && <p className="muted">{t('dashboard.reconciled')}</p>}
      {sheets.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>{t('dashboard.day')}</th>
              <th>{t('dashboard.unit')}</th>
              <th>{t('dashboard.differences')}</th>
              <th>{t('dashboard.changedRows')}</th>
            </tr>
          </thead>
          <tbody>
            {sheets.map((sheet) => (
              <tr key={sheet.key} data-testid="difference">
                <td className="nowrap">{sheet.period}</td>
                <td>{sheet.unit}</td>
                <td>
                  {sheet.figures.map((f) => (
                    <div key={f.field} data-field={f.field}>
                      {f.title}
                      {p.colon}
                      {f.value ?? '—'} → {f.live}
                      <span className="difference">
                        {p.open}
                        {signed(f.difference)}
                        {p.close}
                      </span>
                    </div>
                  ))}
                </td>
                <td>
                  {sheet.rows.slice(0, 3).map((r) => (
                    <a key={`${r.ledger}:${r.id}`} href={ledgerAddress(r.ledger, { row: r.id })} className="unit-chip">
                      {r.label ?? `#${r.id}`}
                    </a>
                  ))}
                  {sheet.rows.length > 3 && (
                    <span className="muted">
                      {t('dashboard.moreRows').replace('{n}', String(sheet.rows.length - 3))}
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
