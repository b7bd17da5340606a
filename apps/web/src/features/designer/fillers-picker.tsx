import { UNIT_KINDS } from '@taizhang/domain';
import type { LedgerDefinition } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';

/** Which kinds of unit fill the ledger (the definition's fillers; none ticked: every unit). */
export function FillersPicker({
  definition,
  onChange,
}: {
  definition: LedgerDefinition | null;
  onChange(kinds: string[]): void;
}) {
  const { t, unitKindLabel, p } = useI18n();
  const kinds = definition?.fillers?.unitKinds ?? [];
  return (
    <fieldset className="fillers" data-testid="fillers" disabled={!definition}>
      <legend>{t('designer.fillers')}</legend>
      {UNIT_KINDS.map((kind) => (
        <label key={kind} className="inline-field">
          <input
            type="checkbox"
            checked={kinds.includes(kind)}
            onChange={(e) => onChange(e.target.checked ? [...kinds, kind] : kinds.filter((k) => k !== kind))}
          />
          {unitKindLabel(kind)}
        </label>
      ))}
      {definition?.fillers?.units?.length ? (
        <span className="muted">+ {definition.fillers.units.join(p.list)}</span>
      ) : null}
    </fieldset>
  );
}
