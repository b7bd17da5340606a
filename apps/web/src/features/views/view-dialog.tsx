import { useEffect, useRef, useState } from 'react';
import { textOf, VIEW_LIMITS, type LedgerModel } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import type { ViewLayout } from '../grid/column-layout';

/** What the dialog asks; the filter, sort and column order are the grid's as they stand. */
export interface ViewDraft extends Omit<ViewLayout, 'order'> {
  name: string;
  shared: boolean;
}

/** Row heights offered (px); null: the grid's own. */
const ROW_HEIGHTS = [
  { value: null, label: 'views.rowHeightDefault' },
  { value: 24, label: 'views.rowHeightCompact' },
  { value: 40, label: 'views.rowHeightTall' },
] as const;

/** 另存为视图 / 更新视图: a name, shared (admins), which columns show, how many are frozen, the row height. */
export function ViewDialog({
  model,
  title,
  initial,
  canShare,
  saving,
  problem,
  onSave,
  onClose,
}: {
  model: LedgerModel;
  title: string;
  initial: ViewDraft;
  canShare: boolean;
  saving: boolean;
  problem: string | null;
  onSave(draft: ViewDraft): void;
  onClose(): void;
}) {
  const { t, locale } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  const [draft, setDraft] = useState<ViewDraft>(initial);
  const [missing, setMissing] = useState<string | null>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const hidden = new Set(draft.hidden);
  const toggle = (key: string) =>
    setDraft({ ...draft, hidden: hidden.has(key) ? draft.hidden.filter((k) => k !== key) : [...draft.hidden, key] });
  const send = () => {
    if (draft.name.trim() === '') return setMissing(t('views.nameRequired'));
    if (draft.hidden.length >= model.fields.length) return setMissing(t('views.oneColumn'));
    setMissing(null);
    onSave({ ...draft, name: draft.name.trim() });
  };
  return (
    <dialog
      ref={dialog}
      className="view-dialog"
      data-testid="view-dialog"
      aria-labelledby="view-dialog-title"
      onClose={onClose}
    >
      <h3 id="view-dialog-title">{title}</h3>
      <p className="muted">{t('views.keepsQuery')}</p>
      <label className="view-field">
        <span>{t('views.name')}</span>
        <input
          value={draft.name}
          maxLength={VIEW_LIMITS.name}
          onChange={(event) => setDraft({ ...draft, name: event.target.value })}
          onKeyDown={(event) => {
            if (event.key === 'Enter') send();
          }}
          autoFocus
          data-testid="view-name"
        />
      </label>
      {canShare && (
        <label className="view-check">
          <input
            type="checkbox"
            checked={draft.shared}
            onChange={(event) => setDraft({ ...draft, shared: event.target.checked })}
            data-testid="view-shared"
          />
          {t('views.shared')}
        </label>
      )}
      <fieldset className="view-columns" data-testid="view-columns">
        <legend>{t('views.columns')}</legend>
        {model.fields.map((field) => (
          <label key={field.key} className="view-check">
            <input
              type="checkbox"
              checked={!hidden.has(field.key)}
              onChange={() => toggle(field.key)}
              data-field={field.key}
            />
            {textOf(field.title, locale)}
          </label>
        ))}
      </fieldset>
      <div className="view-row">
        <label className="view-field">
          <span>{t('views.frozen')}</span>
          <input
            type="number"
            min={0}
            max={VIEW_LIMITS.frozen}
            value={draft.frozen}
            onChange={(event) =>
              setDraft({
                ...draft,
                frozen: Math.min(VIEW_LIMITS.frozen, Math.max(0, Math.trunc(Number(event.target.value) || 0))),
              })
            }
            data-testid="view-frozen"
          />
        </label>
        <label className="view-field">
          <span>{t('views.rowHeight')}</span>
          <select
            value={draft.rowHeight ?? ''}
            onChange={(event) =>
              setDraft({ ...draft, rowHeight: event.target.value === '' ? null : Number(event.target.value) })
            }
            data-testid="view-row-height"
          >
            {ROW_HEIGHTS.map((height) => (
              <option key={height.label} value={height.value ?? ''}>
                {t(height.label)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {(missing ?? problem) && (
        <p className="form-error" role="alert" data-testid="view-dialog-problem">
          {missing ?? problem}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="primary" onClick={send} disabled={saving} data-testid="view-dialog-save">
          {saving ? t('views.saving') : t('views.save')}
        </button>
        <button type="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
      </div>
    </dialog>
  );
}
