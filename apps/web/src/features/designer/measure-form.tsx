import { useState } from 'react';
import { textOf, type LedgerDefinition, type MeasureDefinition, type MeasureKind } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import { ItemSection } from './editable-rows';
import { FormulaInput } from './formula-input';
import { FormButtons, KeyAndTitle } from './form-parts';

const KINDS: MeasureKind[] = ['sum', 'count', 'countWhere', 'ratio', 'distribution'];

/** A measure's own properties, whatever its kind (the form's state). */
type MeasureParts = Partial<Record<'field' | 'numerator' | 'denominator' | 'where', string>> & { target?: number };

/**
 * The form way to add a statistic — or, given one, to edit it: sum of a field, a count (where), a
 * ratio of two sums (either side a field or a sum or count of this ledger) with its target, a
 * distribution.
 */
export function MeasureForm({
  definition,
  initial,
  onSubmit,
  onCancel,
}: {
  definition: LedgerDefinition | null;
  initial?: MeasureDefinition;
  onSubmit(measure: MeasureDefinition): void;
  onCancel?(): void;
}) {
  const { t, locale } = useI18n();
  const parts = (initial ?? {}) as MeasureParts;
  const format = (initial as { format?: string } | undefined)?.format;
  const [key, setKey] = useState(initial?.key ?? '');
  const [title, setTitle] = useState(initial ? textOf(initial.title, 'zh-CN') : '');
  const [kind, setKind] = useState<MeasureKind>(initial?.kind ?? 'sum');
  const [field, setField] = useState(parts.field ?? '');
  const [numerator, setNumerator] = useState(parts.numerator ?? '');
  const [denominator, setDenominator] = useState(parts.denominator ?? '');
  const [where, setWhere] = useState(parts.where ?? '');
  const [target, setTarget] = useState(parts.target === undefined ? '' : String(parts.target));
  const fields = definition?.fields ?? [];
  // a ratio's side may name a sum or a count of this ledger as well as a field
  const summed = (definition?.measures ?? []).filter(
    (m) => m.key !== initial?.key && (m.kind === 'sum' || m.kind === 'count' || m.kind === 'countWhere'),
  );
  const fieldSelect = (value: string, set: (v: string) => void, name: string, withMeasures = false) => (
    <select value={value} onChange={(e) => set(e.target.value)} name={name} required>
      <option value="" />
      {fields.map((f) => (
        <option key={f.key} value={f.key}>
          {textOf(f.title, locale)}
        </option>
      ))}
      {withMeasures &&
        summed.map((m) => (
          <option key={`measure-${m.key}`} value={m.key}>
            Σ {textOf(m.title, locale)}
          </option>
        ))}
    </select>
  );
  return (
    <form
      className="add-field"
      data-testid={initial ? 'edit-measure' : 'add-measure'}
      onSubmit={(event) => {
        event.preventDefault();
        const base = {
          key: key.trim(),
          title: initial && typeof initial.title === 'object' ? { ...initial.title, zh: title.trim() } : title.trim(),
          ...(target !== '' && kind !== 'distribution' ? { target: Number(target) } : {}),
          // how an edited measure is shown stays as it was
          ...(format && kind !== 'distribution' && kind !== 'ratio' ? { format } : {}),
        };
        const measure = (
          kind === 'sum'
            ? { ...base, kind, field }
            : kind === 'count'
              ? { ...base, kind }
              : kind === 'countWhere'
                ? { ...base, kind, where }
                : kind === 'ratio'
                  ? { ...base, kind, numerator, denominator, format: format ?? 'percent' }
                  : { key: base.key, title: base.title, kind, field }
        ) as MeasureDefinition;
        onSubmit(measure);
        if (initial) return;
        setKey('');
        setTitle('');
      }}
    >
      <strong>{initial ? t('designer.editMeasure') : t('designer.addMeasure')}</strong>
      <KeyAndTitle keyValue={key} title={title} onKey={setKey} onTitle={setTitle} />
      <label>
        {t('designer.measureKind')}
        <select value={kind} onChange={(e) => setKind(e.target.value as MeasureKind)} name="kind">
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`designer.kind.${k}`)}
            </option>
          ))}
        </select>
      </label>
      {(kind === 'sum' || kind === 'distribution') && (
        <label>
          {t('designer.ofField')}
          {fieldSelect(field, setField, 'field')}
        </label>
      )}
      {kind === 'ratio' && (
        <>
          <label>
            {t('designer.numerator')}
            {fieldSelect(numerator, setNumerator, 'numerator', true)}
          </label>
          <label>
            {t('designer.denominator')}
            {fieldSelect(denominator, setDenominator, 'denominator', true)}
          </label>
        </>
      )}
      {kind === 'countWhere' && (
        <FormulaInput
          name="where"
          label={t('designer.where')}
          value={where}
          onChange={setWhere}
          required
          placeholder='status = "办结"'
        />
      )}
      {kind !== 'distribution' && (
        <label>
          {t('designer.target')}
          <input
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            inputMode="decimal"
            placeholder="1"
            name="target"
            size={5}
          />
        </label>
      )}
      <FormButtons editing={initial !== undefined} disabled={!definition} onCancel={onCancel} />
    </form>
  );
}

/** The ledger's statistics by clicks: each with its kind and target; edited, removed, or added. */
export function MeasureList({
  definition,
  onChange,
}: {
  definition: LedgerDefinition | null;
  onChange(measures: MeasureDefinition[]): void;
}) {
  const { t, locale } = useI18n();
  if (!definition) return null;
  return (
    <ItemSection
      title={t('designer.measures')}
      testId="measure-list"
      items={definition.measures ?? []}
      onChange={onChange}
      rowProps={(m) => ({ 'data-measure': m.key })}
      cells={(m) => [
        textOf(m.title, locale),
        t(`designer.kind.${m.kind}`),
        'target' in m && m.target !== undefined ? `${t('designer.target')} ${m.target}` : '',
      ]}
      form={(props) => <MeasureForm definition={definition} {...props} />}
    />
  );
}
