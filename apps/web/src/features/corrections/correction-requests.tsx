import { useMutation, useQuery } from '@apollo/client';
import { useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import { bracketed, type Punctuation } from '../../i18n/punctuation';
import { attachmentsOf } from '../attachments/attachment-value';
import { FileThumbnails } from '../attachments/file-thumbnails';
import { APPROVE_CORRECTION, CORRECTIONS, REJECT_CORRECTION, type Correction } from './corrections.graphql';

/**
 * A requested value as the admin judges it: its text as the field shows it, and files as their
 * thumbnails (a photo proposed for a submitted sheet is looked at before it is approved).
 */
function ProposedValue({ value, text }: { value: unknown; text: string }) {
  const files = attachmentsOf(value);
  if (files.length === 0) return <>{text || '—'}</>;
  return (
    <span data-testid="correction-files">
      <FileThumbnails files={files} onOpen={(ref) => window.open(`/attachments/${ref.handle}`, '_blank', 'noopener')} />
    </span>
  );
}

/** A correction's value as plain text (a list joined). */
export function correctionValueText(value: unknown, p: Punctuation): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.join(p.list);
  return String(value);
}

/**
 * The correction requests (申请更正) waiting for an admin — of one unit's sheet, or of every unit
 * and period (the board) — each with 批准 and 驳回 (with a reason) for an admin.
 */
export function CorrectionRequests({
  ledger,
  period,
  unitId = null,
  canDecide,
  onDecided,
}: {
  ledger: string;
  /** null: every period's. */
  period: string | null;
  unitId?: string | null;
  canDecide: boolean;
  onDecided?(): void;
}) {
  const { t, locale, p } = useI18n();
  const { data, error, refetch } = useQuery<{ corrections: Correction[] }>(CORRECTIONS, {
    variables: { ledger, period, unitId, state: 'REQUESTED' },
    fetchPolicy: 'network-only',
  });
  const [approve, approving] = useMutation(APPROVE_CORRECTION);
  const [reject, rejecting] = useMutation(REJECT_CORRECTION);
  const [rejectingId, setRejectingId] = useState<string | null>(null);
  const [rejectReason, setRejectReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const pending = data?.corrections ?? [];
  if (!error && pending.length === 0) return null;
  const time = (iso: string) =>
    new Date(iso).toLocaleString(locale === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'Asia/Shanghai' });
  const decided = async (work: Promise<unknown>) => {
    setProblem(null);
    try {
      await work;
      setRejectingId(null);
      setRejectReason('');
      onDecided?.();
    } catch (failure) {
      setProblem(failure instanceof Error ? failure.message : String(failure));
    }
    await refetch();
  };
  return (
    <section className="correction-requests" data-testid="correction-requests">
      <h5>{t('correction.pendingTitle').replace('{n}', String(pending.length))}</h5>
      {error && <p className="form-error">{error.message}</p>}
      <ul>
        {pending.map((c) => (
          <li key={c.id} data-testid="correction-request" data-id={c.id}>
            <span>
              {!unitId && <strong>{c.unitName} · </strong>}
              {!period && <span className="muted">{c.period} · </span>}
              {c.fieldTitle}
              {p.colon}
              <ProposedValue value={c.oldValue} text={c.oldText} /> →{' '}
              <strong>
                <ProposedValue value={c.newValue} text={c.newText} />
              </strong>
            </span>
            <span className="muted">
              {' '}
              {t('correction.reasonLabel')}
              {c.reason}
              {bracketed(p, `${c.requestedBy} · ${time(c.requestedAt)}`)}
            </span>
            {canDecide && rejectingId !== c.id && (
              <span className="correction-actions">
                <button
                  type="button"
                  className="primary"
                  disabled={approving.loading}
                  onClick={() => void decided(approve({ variables: { id: c.id } }))}
                  data-testid="approve-correction"
                >
                  {t('correction.approve')}
                </button>
                <button type="button" onClick={() => setRejectingId(c.id)} data-testid="reject-correction">
                  {t('correction.reject')}
                </button>
              </span>
            )}
            {canDecide && rejectingId === c.id && (
              <span className="correction-actions">
                <input
                  value={rejectReason}
                  maxLength={500}
                  placeholder={t('correction.rejectReason')}
                  aria-label={t('correction.rejectReason')}
                  onChange={(event) => setRejectReason(event.target.value)}
                  data-testid="reject-reason"
                />
                <button
                  type="button"
                  disabled={rejecting.loading}
                  onClick={() => void decided(reject({ variables: { id: c.id, reason: rejectReason } }))}
                  data-testid="reject-confirm"
                >
                  {t('correction.rejectConfirm')}
                </button>
                <button type="button" className="link-button" onClick={() => setRejectingId(null)}>
                  {t('common.cancel')}
                </button>
              </span>
            )}
          </li>
        ))}
      </ul>
      {problem && (
        <p className="form-error" role="alert" data-testid="correction-decide-problem">
          {problem}
        </p>
      )}
    </section>
  );
}

/** A clerk's requests of a sheet that an admin rejected, with the admin's reason. */
export function RejectedCorrections({ ledger, period }: { ledger: string; period: string }) {
  const { t, p } = useI18n();
  const { data } = useQuery<{ corrections: Correction[] }>(CORRECTIONS, {
    variables: { ledger, period, state: 'REJECTED' },
    fetchPolicy: 'network-only',
  });
  const rejected = data?.corrections ?? [];
  if (rejected.length === 0) return null;
  return (
    <section className="correction-requests is-rejected" data-testid="rejected-corrections">
      <h5>{t('correction.rejectedTitle').replace('{n}', String(rejected.length))}</h5>
      <ul>
        {rejected.map((c) => (
          <li key={c.id} data-testid="rejected-correction">
            {c.fieldTitle}
            {p.colon}
            {c.oldText || '—'} → {c.newText || '—'}
            <span className="muted">
              {' '}
              {t('correction.rejectedBecause')}
              {c.rejectReason}
              {bracketed(p, c.decidedBy ?? '')}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
