import { useQuery } from '@apollo/client';
import { useNavigate } from 'react-router';
import { currentPeriod } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import { useLiveBoard } from '../live/use-live-board';
import { TODAY_BOARD, type LedgerSummary, type TodayBoard } from './ledgers.graphql';

/**
 * Where a periodic ledger's current sheet stands. For a clerk, what is due, as a call to action:
 * 「今日日报：草稿，17:00 截止」 and a button straight into the sheet (逾期未报 once the deadline has
 * passed unsubmitted), marked 已催报 once the county has reminded the unit. For admins and leaders, the county's counts.
 */
export function TodaySheet({ ledger, seesAllUnits }: { ledger: LedgerSummary; seesAllUnits: boolean }) {
  const { t, locale, p, tf } = useI18n();
  const navigate = useNavigate();
  const period = currentPeriod(ledger.period, new Date());
  const { data, refetch } = useQuery<TodayBoard>(TODAY_BOARD, {
    variables: { ledger: ledger.key, period },
    skip: !period,
    fetchPolicy: 'network-only',
  });
  // live: the county's counts move as units submit (docs/live.md)
  useLiveBoard(ledger.key, period, refetch);
  const board = data?.submissionBoard;
  if (!board) return null;
  if (!seesAllUnits) {
    const sheet = board.sheets[0];
    if (!sheet) return null;
    const { state, overdue, deadline, remindedAt } = sheet;
    const submitted = state === 'SUBMITTED' || state === 'SUBMITTED_LATE';
    // a daily deadline is a time of today; a weekly or monthly one names its day too
    const due = deadline
      ? new Date(deadline).toLocaleString(locale === 'en' ? 'en-GB' : 'zh-CN', {
          timeZone: 'Asia/Shanghai',
          ...(ledger.period === 'daily'
            ? { hour: '2-digit', minute: '2-digit' }
            : { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' }),
        })
      : null;
    return (
      <p className={`today-sheet due${overdue ? ' overdue' : ''}`} data-testid="today-due">
        <span>
          {t(`ledgers.due.${ledger.period}`)}
          {p.colon}
          <span
            className={`badge sheet-${overdue ? 'overdue' : state.toLowerCase()}`}
            data-testid="today-state"
            data-state={state}
            data-overdue={overdue || undefined}
          >
            {overdue ? t('grid.overdue') : t(`grid.sheet.${state}`)}
          </span>
          {due && !submitted && !overdue && (
            <>
              {p.comma}
              {tf('ledgers.dueAt', { time: due })}
            </>
          )}
          {deadline && !submitted && !overdue && <TimeLeft deadline={deadline} />}
          {/* 催报 of this sheet: the county is waiting for it */}
          {remindedAt && !submitted && (
            <span className="badge sheet-reminded" data-testid="today-reminded">
              {t('ledgers.reminded')}
            </span>
          )}
        </span>
        {/* a button, so that the card keeps one link (its title) to the ledger */}
        <button
          type="button"
          className={submitted ? 'today-open' : 'today-open primary'}
          onClick={() => void navigate(`/ledgers/${ledger.key}`)}
          data-testid="today-open"
        >
          {submitted ? t('ledgers.view') : t('ledgers.fill')}
        </button>
      </p>
    );
  }
  const { counts } = board;
  const total = counts.notStarted + counts.draft + counts.submitted + counts.submittedLate + counts.returned;
  return (
    <p className="today-sheet muted" data-testid="today-counts">
      {t('ledgers.todayCounts')
        .replace('{submitted}', String(counts.submitted + counts.submittedLate))
        .replace('{total}', String(total))
        .replace('{late}', String(counts.submittedLate))
        .replace('{missing}', String(counts.notStarted + counts.draft + counts.returned))}
    </p>
  );
}

/** The time left until a deadline less than a day away (还剩 2 小时 5 分钟); nothing further off. */
function TimeLeft({ deadline }: { deadline: string }) {
  const { t } = useI18n();
  const minutes = Math.ceil((Date.parse(deadline) - Date.now()) / 60_000);
  if (minutes <= 0 || minutes >= 24 * 60) return null;
  const text = (minutes >= 60 ? t('ledgers.hoursMinutes') : t('ledgers.minutes'))
    .replace('{h}', String(Math.floor(minutes / 60)))
    .replace('{m}', String(minutes % 60));
  return (
    <span className="muted" data-testid="today-time-left">
      {t('ledgers.timeLeft').replace('{time}', text)}
    </span>
  );
}
