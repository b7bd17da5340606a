import { createContext, useContext, type ReactNode } from 'react';
import {
  specOf,
  validateRow,
  type FieldDefinition,
  type FieldValue,
  type LedgerDefinition,
  type LedgerModel,
  type Locale,
  type ValidatedRow,
} from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import { FieldCard } from '../forms/field-input';
import { formInputs, heldOf, type FormField, type HeldInput } from '../forms/form-inputs';

/**
 * The draft being designed and its sample row: what the formula boxes complete from and evaluate
 * on, what the phone form preview fills. One per designer (the page provides it).
 */
export interface DraftSample {
  definition: LedgerDefinition | null;
  model: LedgerModel | null;
  /** The sample row as the draft reads it (validateRow's values: typed, computed fields included). */
  values: Record<string, FieldValue>;
}

const DraftContext = createContext<DraftSample>({ definition: null, model: null, values: {} });

export const DraftSampleProvider = ({ sample, children }: { sample: DraftSample; children: ReactNode }) => (
  <DraftContext.Provider value={sample}>{children}</DraftContext.Provider>
);

export const useDraftSample = (): DraftSample => useContext(DraftContext);

/** Sample row `i` as a form holds it: each field's fake value from its type (ledger-core's `fake`). */
export function fakeInputs(fields: readonly FormField[], locale: Locale, i: number): Record<string, HeldInput> {
  return Object.fromEntries(
    fields.map(({ field, form }) => [field.key, heldOf(form, field, fakeValue(field, i), locale)]),
  );
}

/** A type's fake value; a field whose options are not written yet has none. */
function fakeValue(field: FieldDefinition, i: number): unknown {
  try {
    return specOf(field).fake(field, i);
  } catch {
    return null;
  }
}

/** The sample row checked as a clerk's form checks it: types, required, computed fields, the draft's rules. */
export function checkSample(
  model: LedgerModel,
  fields: readonly FormField[],
  held: Record<string, HeldInput>,
): ValidatedRow {
  return validateRow(model, formInputs(fields, held), { input: 'text' });
}

/**
 * The phone form a clerk gets for this draft (the same field cards as /form), filled with the
 * sample row and checked by the draft's rules as it is edited; editing it changes the row every
 * formula box evaluates.
 */
export function PhonePreview({
  fields,
  held,
  checked,
  onChange,
}: {
  fields: readonly FormField[];
  held: Record<string, HeldInput>;
  checked: ValidatedRow;
  onChange(key: string, value: HeldInput): void;
}) {
  const { locale } = useI18n();
  const of = (problems: ValidatedRow['errors'], key: string) =>
    problems.filter((p) => p.field === key).map((p) => p.message[locale]);
  const asked = new Set(fields.map(({ field }) => field.key));
  const elsewhere = [...checked.errors, ...checked.warnings].filter((p) => !asked.has(p.field));
  return (
    <div className="phone-preview" data-testid="phone-preview">
      {fields.map(({ field, form }) => (
        <FieldCard
          key={field.key}
          field={field}
          form={form}
          value={held[field.key] ?? null}
          onChange={(value) => onChange(field.key, value)}
          errors={of(checked.errors, field.key)}
          warnings={of(checked.warnings, field.key)}
        />
      ))}
      {elsewhere.map((p, i) => (
        <p key={i} className="form-error">
          {p.message[locale]}
        </p>
      ))}
    </div>
  );
}
