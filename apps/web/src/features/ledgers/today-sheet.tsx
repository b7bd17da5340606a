import { useQuery } from '@apollo/client';
import { currentPeriod } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import { TODAY_BOARD, type LedgerSummary, type TodayBoard } from './ledgers.graphql';

/**
 * Where a periodic ledger's current sheet stands: the unit's state for a clerk (未开始 / 草稿 /
 * 已提交 / 逾期), the county's counts for admins and leaders.
 */
export function TodaySheet({ ledger, seesAllUnits }: { ledger: LedgerSummary; seesAllUnits: boolean }) {
  const { t } = useI18n();
  const period = currentPeriod(ledger.period, new Date());
  const { data } = useQuery<TodayBoard>(TODAY_BOARD, {
    variables: { ledger: ledger.key, period },
    skip: !period,
    fetchPolicy: 'network-only',
  });
  const board = data?.submissionBoard;
  if (!board) return null;
  if (!seesAllUnits) {
    const state = board.sheets[0]?.state;
    if (!state) return null;
    return (
      <p className="today-sheet">
        {t('ledgers.today')}
        <span className={`badge sheet-${state.toLowerCase()}`} data-testid="today-state" data-state={state}>
          {t(`grid.sheet.${state}`)}
        </span>
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
