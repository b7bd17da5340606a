import { useQuery } from '@apollo/client';
import { UNIT_KINDS } from '@taizhang/domain';
import type { FillersDefinition, LedgerDefinition } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import { ADMIN_UNITS } from '../admin/admin.graphql';

interface UnitChoice {
  code: string;
  name: string;
  kind: string;
  active: boolean;
}

/**
 * Who fills the ledger (the definition's fillers): kinds of unit, and units named one by one
 * besides them (by code); nothing ticked: every unit.
 */
export function FillersPicker({
  definition,
  onChange,
}: {
  definition: LedgerDefinition | null;
  onChange(fillers: FillersDefinition | undefined): void;
}) {
  const { t, unitKindLabel } = useI18n();
  const { data } = useQuery<{ units: UnitChoice[] }>(ADMIN_UNITS);
  const kinds = definition?.fillers?.unitKinds ?? [];
  const codes = definition?.fillers?.units ?? [];
  const set = (unitKinds: string[], units: string[]) =>
    onChange(
      unitKinds.length + units.length === 0
        ? undefined
        : { ...(unitKinds.length > 0 ? { unitKinds } : {}), ...(units.length > 0 ? { units } : {}) },
    );
  const units = (data?.units ?? []).filter((u) => u.active || codes.includes(u.code));
  return (
    <fieldset className="fillers" data-testid="fillers" disabled={!definition}>
      <legend>{t('designer.fillers')}</legend>
      {UNIT_KINDS.map((kind) => (
        <label key={kind} className="inline-field">
          <input
            type="checkbox"
            checked={kinds.includes(kind)}
            onChange={(e) => set(e.target.checked ? [...kinds, kind] : kinds.filter((k) => k !== kind), codes)}
          />
          {unitKindLabel(kind)}
        </label>
      ))}
      <details className="filler-units" open={codes.length > 0 || undefined}>
        <summary>
          {t('designer.fillerUnits')}
          {codes.length > 0 && ` (${codes.length})`}
        </summary>
        {UNIT_KINDS.map((kind) => {
          const ofKind = units.filter((u) => u.kind === kind);
          if (ofKind.length === 0) return null;
          return (
            <div key={kind} className="filler-units-kind">
              <span className="muted">{unitKindLabel(kind)}</span>
              {ofKind.map((unit) => (
                <label key={unit.code} className="inline-field">
                  <input
                    type="checkbox"
                    name={`unit-${unit.code}`}
                    // a unit of a ticked kind fills it already
                    disabled={kinds.includes(kind)}
                    checked={codes.includes(unit.code) || kinds.includes(kind)}
                    onChange={(e) =>
                      set(kinds, e.target.checked ? [...codes, unit.code] : codes.filter((c) => c !== unit.code))
                    }
                  />
                  {unit.name}
                </label>
              ))}
            </div>
          );
        })}
      </details>
    </fieldset>
  );
}
