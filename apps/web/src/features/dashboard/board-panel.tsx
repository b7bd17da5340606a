import { useMutation, useQuery } from '@apollo/client';
import { CorrectionRequests } from '../corrections/correction-requests';
import { ExportLinks } from './export-links';
import { useI18n } from '../../i18n/i18n';
import { BOARD, REMIND_MISSING, type Board, type Reminder } from './dashboard.graphql';

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
  const { t, locale } = useI18n();
  const { data, error, refetch } = useQuery<{ submissionBoard: Board }>(BOARD, {
    variables: { ledger: ledgerKey, period },
    fetchPolicy: 'network-only',
  });
  const [remind, reminding] = useMutation<{ remindMissing: Reminder }>(REMIND_MISSING);
  const board = data?.submissionBoard;
  const missing = board?.sheets.filter((s) => MISSING.has(s.state)) ?? [];
  const late = board?.sheets.filter((s) => s.state === 'SUBMITTED_LATE') ?? [];
  const withdrawn = board?.sheets.filter((s) => s.withdrawnCount > 0) ?? [];
  const withWarnings = board?.sheets.filter((s) => (s.submittedWarnings ?? 0) > 0) ?? [];
  const withCorrections = board?.sheets.filter((s) => s.pendingCorrections + s.appliedCorrections > 0) ?? [];
  const time = (iso: string) =>
    new Date(iso).toLocaleTimeString(locale === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'Asia/Shanghai' });
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
            <div>
              <dt>{t('grid.sheet.SUBMITTED')}</dt>
              <dd data-testid="count-submitted">{board.counts.submitted + board.counts.submittedLate}</dd>
            </div>
            <div>
              <dt>{t('dashboard.ofWhichLate')}</dt>
              <dd data-testid="count-late">{board.counts.submittedLate}</dd>
            </div>
            <div>
              <dt>{t('dashboard.missing')}</dt>
              <dd data-testid="count-missing">{missing.length}</dd>
            </div>
            {board.counts.overdue > 0 && (
              <div>
                <dt>{t('grid.overdue')}</dt>
                <dd data-testid="count-overdue">{board.counts.overdue}</dd>
              </div>
            )}
          </dl>
          {missing.length > 0 && (
            <p data-testid="missing-units">
              <strong>{t('dashboard.missing')}：</strong>
              {missing.map((s) => (
                <span key={s.unit.id} className="unit-chip" data-overdue={s.overdue || undefined}>
                  {s.unit.name}（{t(`grid.sheet.${s.state}`)}
                  {s.remindedAt && ` · ${t('dashboard.remindedAt')} ${time(s.remindedAt)}`}
                  {s.reminderReadAt && ` · ${t('dashboard.reminderRead')} ${time(s.reminderReadAt)}`}）
                  {s.overdue && <span className="badge sheet-overdue">{t('grid.overdue')}</span>}
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
                </span>
              ))}
            </p>
          )}
          {late.length > 0 && (
            <p data-testid="late-units">
              <strong>{t('grid.late')}：</strong>
              {late.map((s) => (
                <span key={s.unit.id} className="unit-chip">
                  {s.unit.name}
                </span>
              ))}
            </p>
          )}
          {withdrawn.length > 0 && (
            <p data-testid="withdrawn-units">
              <strong>{t('dashboard.withdrawals')}：</strong>
              {withdrawn.map((s) => (
                <span key={s.unit.id} className="unit-chip">
                  {s.unit.name}（{t('grid.withdrawnTimes').replace('{n}', String(s.withdrawnCount))}
                  {s.withdrawnAt && ` · ${t('dashboard.withdrawnAt')} ${time(s.withdrawnAt)}`} ·{' '}
                  {t(`grid.sheet.${s.state}`)}）
                </span>
              ))}
            </p>
          )}
          {withWarnings.length > 0 && (
            <p data-testid="warned-units">
              <strong>{t('dashboard.withWarnings')}：</strong>
              {withWarnings.map((s) => (
                <span key={s.unit.id} className="unit-chip">
                  {s.unit.name}（{t('grid.submittedWarnings').replace('{n}', String(s.submittedWarnings))}）
                </span>
              ))}
            </p>
          )}
          {withCorrections.length > 0 && (
            <p data-testid="corrected-units">
              <strong>{t('dashboard.corrections')}：</strong>
              {withCorrections.map((s) => (
                <span
                  key={s.unit.id}
                  className="unit-chip"
                  data-unit={s.unit.name}
                  data-pending={s.pendingCorrections}
                  data-applied={s.appliedCorrections}
                >
                  {s.unit.name}（
                  {t('correction.sheetCounts')
                    .replace('{applied}', String(s.appliedCorrections))
                    .replace('{pending}', String(s.pendingCorrections))}
                  ）
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
              <ul>
                {reminder.units.map((u) => (
                  <li key={u.unit.name}>
                    {u.unit.name}：
                    {u.clerks.map((c) => `${c.displayName}（${c.username}）`).join('、') || t('dashboard.noClerk')}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </>
      )}
    </article>
  );
}
