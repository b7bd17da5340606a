import { useMutation } from '@apollo/client';
import { useEffect, useMemo, useRef, useState } from 'react';
import { specOf, textOf, type FieldDefinition, type LedgerModel } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import { FieldCard } from '../forms/field-input';
import { heldOf, inputOf, type HeldInput } from '../forms/form-inputs';
import { CORRECT_ROW, REQUEST_CORRECTION, type Correction } from './corrections.graphql';

/** Who corrects: a clerk asks (申请更正), an admin corrects at once (更正). */
export type CorrectionMode = 'request' | 'correct';

export interface CorrectionTarget {
  rowId: string;
  field: string;
  /** The cell's value now. */
  value: unknown;
  /** The cell as the grid shows it. */
  shown: string;
}

const MAX_REASON = 500;

/**
 * 申请更正 / 更正 of one cell of a submitted sheet: the new value (typed as the field's form input
 * takes it, checked by its type here and by the whole row's rules on the server) and a reason.
 */
export function CorrectionDialog({
  model,
  mode,
  unitId,
  target,
  onDone,
  onClose,
}: {
  model: LedgerModel;
  mode: CorrectionMode;
  unitId: string | null;
  target: CorrectionTarget;
  onDone(correction: Correction): void;
  onClose(): void;
}) {
  const { t, locale, p } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  const field = model.byKey.get(target.field) as FieldDefinition;
  const form = useMemo(() => specOf(field).form(field, locale), [field, locale]);
  const [held, setHeld] = useState<HeldInput>(() => heldOf(form, field, target.value, locale));
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [request, requesting] = useMutation<{ requestCorrection: Correction }>(REQUEST_CORRECTION);
  const [correct, correcting] = useMutation<{ correctRow: Correction }>(CORRECT_ROW);
  const sending = requesting.loading || correcting.loading;
  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  /** The value as the API takes it: typed text read by the field's type, else the input's value. */
  const valueOf = (): { ok: true; value: unknown } | { ok: false; message: string } => {
    const input = inputOf(form, held);
    if (input === null) return { ok: true, value: null };
    const spec = specOf(field);
    const outcome = typeof input === 'string' ? spec.parse(input, field) : spec.normalize(input, field);
    return outcome.ok ? { ok: true, value: outcome.value } : { ok: false, message: outcome.problem[locale] };
  };

  const send = async () => {
    setProblem(null);
    if (reason.trim() === '') {
      setProblem(t('correction.reasonRequired'));
      return;
    }
    const value = valueOf();
    if (!value.ok) {
      setProblem(value.message);
      return;
    }
    const variables = {
      ledger: model.definition.key,
      unitId,
      rowId: target.rowId,
      field: target.field,
      value: value.value,
      reason: reason.trim(),
    };
    try {
      if (mode === 'request') {
        const answer = await request({ variables });
        if (answer.data) onDone(answer.data.requestCorrection);
      } else {
        const answer = await correct({ variables });
        if (answer.data) onDone(answer.data.correctRow);
      }
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  };

  const title = textOf(field.title, locale);
  return (
    <dialog
      ref={dialog}
      className="correction-dialog"
      data-testid="correction-dialog"
      aria-labelledby="correction-title"
      onClose={onClose}
    >
      <h3 id="correction-title">
        {t(mode === 'request' ? 'correction.titleRequest' : 'correction.titleCorrect').replace('{field}', title)}
      </h3>
      <p className="muted">
        {t('correction.current')}
        {p.colon}
        <strong data-testid="correction-current">{target.shown || '—'}</strong>
      </p>
      <div data-testid="correction-value">
        <FieldCard
          field={{ ...field, title: { zh: t('correction.newValue'), en: t('correction.newValue') } }}
          form={form}
          value={held}
          onChange={setHeld}
          rowPicking={null}
          fileUploading={{ ledger: model.definition.key, unitId }}
        />
      </div>
      <label className="correction-reason">
        <span>
          {t('correction.reason')} <span className="required">*</span>
        </span>
        <textarea
          value={reason}
          maxLength={MAX_REASON}
          rows={3}
          placeholder={t('correction.reasonHint')}
          onChange={(event) => setReason(event.target.value)}
          data-testid="correction-reason"
        />
      </label>
      {problem && (
        <p className="form-error" role="alert" data-testid="correction-problem">
          {problem}
        </p>
      )}
      <div className="dialog-actions">
        <button
          type="button"
          className="primary"
          onClick={() => void send()}
          disabled={sending}
          data-testid="correction-send"
        >
          {sending
            ? t('correction.sending')
            : t(mode === 'request' ? 'correction.submitRequest' : 'correction.submitCorrect')}
        </button>
        <button type="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
      </div>
    </dialog>
  );
}
