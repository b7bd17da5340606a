import { useState } from 'react';
import type { TrackingDefinition } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import { FormulaInput } from './formula-input';

/**
 * Whether the ledger's rows stay open until someone closes them (rectifications, tasks): the
 * submission board counts each unit's rows for which `open` is true and those `overdue`. Applied
 * with its button, as the other forms are (a formula half typed never reaches the definition);
 * the page gives it a new `key` when the definition's tracking changes elsewhere (the JSON).
 */
export function TrackingForm({
  tracking,
  onChange,
}: {
  tracking: TrackingDefinition | undefined;
  onChange(tracking: TrackingDefinition | undefined): void;
}) {
  const { t } = useI18n();
  const [on, setOn] = useState(tracking !== undefined);
  const [open, setOpen] = useState(tracking?.open ?? '');
  const [overdue, setOverdue] = useState(tracking?.overdue ?? '');
  return (
    <section className="field-list" aria-label={t('designer.tracking')}>
      <h3>{t('designer.tracking')}</h3>
      <form
        className="add-field"
        data-testid="tracking-form"
        onSubmit={(event) => {
          event.preventDefault();
          onChange(on ? { open: open.trim(), ...(overdue.trim() ? { overdue: overdue.trim() } : {}) } : undefined);
        }}
      >
        <label className="inline-field">
          <input type="checkbox" name="tracking" checked={on} onChange={(e) => setOn(e.target.checked)} />
          {t('designer.trackingOn')}
        </label>
        {on && (
          <>
            <FormulaInput
              name="open"
              label={t('designer.trackingOpen')}
              value={open}
              onChange={setOpen}
              placeholder="isblank(closed_on)"
              required
            />
            <FormulaInput
              name="overdue"
              label={t('designer.trackingOverdue')}
              value={overdue}
              onChange={setOverdue}
              placeholder="isblank(closed_on) and today() > due_on"
            />
          </>
        )}
        <button type="submit">{t('designer.apply')}</button>
      </form>
    </section>
  );
}
