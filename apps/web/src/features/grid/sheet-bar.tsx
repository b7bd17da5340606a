import { useState } from 'react';
import type { Period } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import { bracketed } from '../../i18n/punctuation';
import type { GridSnapshot } from './grid-controller';
import type { SheetStatus } from './grid.graphql';

/** The browser's own picker of a period of each kind (the phone form's too). */
export const INPUT_TYPE: Record<Period, string> = { none: 'text', daily: 'date', weekly: 'week', monthly: 'month' };

interface SheetBarProps {
  period: Period;
  value: string | null;
  onPeriod(period: string): void;
  sheet: SheetStatus | null;
  canSubmit: boolean;
  submitting: boolean;
  submitError: string | null;
  snapshot: GridSnapshot | null;
  onSubmit(): void;
  /** Before the confirmation: the edits saved and the sheet read again, so that it names the rows the server has. */
  onPrepareSubmit(): Promise<void>;
  /** The latest period that may be filled (the current one): the picker offers none after it. */
  maxPeriod: string | null;
  withdrawing: boolean;
  onWithdraw(): void;
}

/**
 * A periodic ledger's sheet: which period, its state and deadline (逾期未报 once it has passed
 * unsubmitted), the submit button, and 撤回 while the server says a withdrawal is open.
 */
export function SheetBar({
  period,
  value,
  onPeriod,
  sheet,
  canSubmit,
  submitting,
  submitError,
  snapshot,
  onSubmit,
  onPrepareSubmit,
  maxPeriod,
  withdrawing,
  onWithdraw,
}: SheetBarProps) {
  const { t, tf, locale, p } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const [confirmingWithdraw, setConfirmingWithdraw] = useState(false);
  const locked = sheet?.state === 'SUBMITTED' || sheet?.state === 'SUBMITTED_LATE';
  const errors = snapshot?.errors.length ?? 0;
  const warnings = snapshot?.warnings.length ?? 0;
  const time = (iso: string) =>
    new Date(iso).toLocaleString(locale === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'Asia/Shanghai' });
  return (
    <div className="sheet-bar" data-testid="sheet-bar">
      <label className="inline-field">
        {t('grid.period')}
        <input
          type={INPUT_TYPE[period]}
          value={value ?? ''}
          max={maxPeriod ?? undefined}
          onChange={(event) => event.target.value && onPeriod(event.target.value)}
          data-testid="period-picker"
        />
      </label>
      {sheet && (
        <span
          className={`badge sheet-${sheet.overdue ? 'overdue' : sheet.state.toLowerCase()}`}
          data-testid="sheet-state"
          data-state={sheet.state}
          data-overdue={sheet.overdue || undefined}
        >
          {sheet.overdue
            ? sheet.state === 'NOT_STARTED'
              ? t('grid.overdue')
              : `${t('grid.overdue')}${bracketed(p, t(`grid.sheet.${sheet.state}`))}`
            : sheet.future
              ? t('grid.future')
              : t(`grid.sheet.${sheet.state}`)}
        </span>
      )}
      {sheet?.state === 'SUBMITTED_LATE' && <span className="badge late">{t('grid.late')}</span>}
      {sheet?.deadline && (
        <span className="muted">
          {t('grid.deadline')} {time(sheet.deadline)}
        </span>
      )}
      {sheet?.submittedAt && (
        <span className="muted">
          {t('grid.submittedAt')} {time(sheet.submittedAt)}
        </span>
      )}
      {locked && (sheet?.submittedWarnings ?? 0) > 0 && (
        <span className="warn" data-testid="submitted-warnings">
          {t('grid.submittedWarnings').replace('{n}', String(sheet?.submittedWarnings))}
        </span>
      )}
      {locked && ((sheet?.appliedCorrections ?? 0) > 0 || (sheet?.pendingCorrections ?? 0) > 0) && (
        <span className="badge correction-count" data-testid="sheet-corrections">
          ✎{' '}
          {t('correction.sheetCounts')
            .replace('{applied}', String(sheet?.appliedCorrections ?? 0))
            .replace('{pending}', String(sheet?.pendingCorrections ?? 0))}
        </span>
      )}
      {(sheet?.withdrawnCount ?? 0) > 0 && (
        <span className="muted" data-testid="withdrawn-count">
          {t('grid.withdrawnTimes').replace('{n}', String(sheet?.withdrawnCount))}
        </span>
      )}
      {sheet?.future && <span className="muted">{t('grid.futureNote')}</span>}
      {sheet?.state === 'RETURNED' && sheet.returnedReason && (
        <span className="warn">
          {t('grid.returned')}
          {sheet.returnedReason}
        </span>
      )}
      {canSubmit && !locked && !sheet?.future && !confirming && (
        <button
          type="button"
          className="primary"
          onClick={() => void onPrepareSubmit().then(() => setConfirming(true))}
          disabled={submitting || errors > 0 || !snapshot || snapshot.loaded === 0}
          title={errors > 0 ? t('grid.fixFirst') : undefined}
          data-testid="submit-sheet"
        >
          {submitting ? t('grid.submitting') : t('grid.submit')}
        </button>
      )}
      {canSubmit && !locked && !sheet?.future && confirming && (
        // a submit locks the sheet: it names what is submitted, and the reminders not acted on
        <span className="confirm-strip" role="alertdialog" data-testid="submit-confirm">
          {tf('grid.submitConfirm', { period: value ?? '', n: sheet?.rowCount ?? snapshot?.total ?? 0 })}
          {warnings > 0 && <strong className="warn"> {tf('grid.submitWithWarnings', { n: warnings })}</strong>}
          <button
            type="button"
            className="primary"
            onClick={() => {
              setConfirming(false);
              onSubmit();
            }}
            data-testid="submit-confirmed"
          >
            {t('grid.submitConfirmed')}
          </button>
          <button type="button" onClick={() => setConfirming(false)} data-testid="submit-cancel">
            {t('common.cancel')}
          </button>
        </span>
      )}
      {canSubmit && sheet?.canWithdraw && !confirmingWithdraw && (
        <button
          type="button"
          onClick={() => setConfirmingWithdraw(true)}
          disabled={withdrawing}
          data-testid="withdraw-sheet"
        >
          {withdrawing ? t('grid.withdrawing') : t('grid.withdraw')}
        </button>
      )}
      {canSubmit && sheet?.canWithdraw && confirmingWithdraw && (
        <span className="confirm-strip" role="alertdialog" data-testid="withdraw-confirm">
          {t('grid.withdrawConfirm')
            .replace('{period}', value ?? '')
            .replace('{deadline}', sheet.deadline ? time(sheet.deadline) : '')}
          <button
            type="button"
            className="primary"
            onClick={() => {
              setConfirmingWithdraw(false);
              onWithdraw();
            }}
            data-testid="withdraw-confirmed"
          >
            {t('grid.withdrawConfirmed')}
          </button>
          <button type="button" onClick={() => setConfirmingWithdraw(false)} data-testid="withdraw-cancel">
            {t('common.cancel')}
          </button>
        </span>
      )}
      {submitError && (
        <span className="form-error" role="alert">
          {submitError}
        </span>
      )}
    </div>
  );
}
