import { useState } from 'react';
import type { Period } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import type { GridSnapshot } from './grid-controller';
import type { SheetStatus } from './grid.graphql';

const INPUT_TYPE: Record<Period, string> = { none: 'text', daily: 'date', weekly: 'week', monthly: 'month' };

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
}

/** A periodic ledger's sheet: which period, its state and deadline, and the submit button. */
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
}: SheetBarProps) {
  const { t, locale } = useI18n();
  const [confirming, setConfirming] = useState(false);
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
          onChange={(event) => event.target.value && onPeriod(event.target.value)}
          data-testid="period-picker"
        />
      </label>
      {sheet && (
        <span className={`badge sheet-${sheet.state.toLowerCase()}`} data-testid="sheet-state" data-state={sheet.state}>
          {t(`grid.sheet.${sheet.state}`)}
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
      {sheet?.state === 'RETURNED' && sheet.returnedReason && (
        <span className="warn">
          {t('grid.returned')}
          {sheet.returnedReason}
        </span>
      )}
      {canSubmit && !locked && !confirming && (
        <button
          type="button"
          className="primary"
          onClick={() => setConfirming(true)}
          disabled={submitting || errors > 0 || !snapshot || snapshot.loaded === 0}
          title={errors > 0 ? t('grid.fixFirst') : undefined}
          data-testid="submit-sheet"
        >
          {submitting ? t('grid.submitting') : t('grid.submit')}
        </button>
      )}
      {canSubmit && !locked && confirming && (
        // a submit locks the sheet: it names what is submitted, and the reminders not acted on
        <span className="confirm-strip" role="alertdialog" data-testid="submit-confirm">
          {t('grid.submitConfirm')
            .replace('{period}', value ?? '')
            .replace('{n}', String(snapshot?.total ?? 0))}
          {warnings > 0 && (
            <strong className="warn"> {t('grid.submitWithWarnings').replace('{n}', String(warnings))}</strong>
          )}
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
      {submitError && (
        <span className="form-error" role="alert">
          {submitError}
        </span>
      )}
    </div>
  );
}
