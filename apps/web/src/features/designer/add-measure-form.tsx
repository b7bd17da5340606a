import { useState } from 'react';
import type { LedgerDefinition, MeasureDefinition, MeasureKind } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import { KeyAndTitle } from './key-and-title';

const KINDS: MeasureKind[] = ['sum', 'count', 'countWhere', 'ratio', 'distribution'];

/** The form way to add a statistic: sum of a field, a count (where), a ratio of two sums, a distribution. */
export function AddMeasureForm({
  definition,
  onAdd,
}: {
  definition: LedgerDefinition | null;
  onAdd(measure: MeasureDefinition): void;
}) {
  const { t } = useI18n();
  const [key, setKey] = useState('');
  const [title, setTitle] = useState('');
  const [kind, setKind] = useState<MeasureKind>('sum');
  const [field, setField] = useState('');
  const [numerator, setNumerator] = useState('');
  const [denominator, setDenominator] = useState('');
  const [where, setWhere] = useState('');
  const [target, setTarget] = useState('');
  const fields = definition?.fields ?? [];
  const fieldSelect = (value: string, set: (v: string) => void, name: string) => (
    <select value={value} onChange={(e) => set(e.target.value)} name={name} required>
      <option value="" />
      {fields.map((f) => (
        <option key={f.key} value={f.key}>
          {f.key}
        </option>
      ))}
    </select>
  );
  return (
    <form
      className="add-field"
      data-testid="add-measure"
      onSubmit={(event) => {
        event.preventDefault();
        const base = {
          key: key.trim(),
          title: title.trim(),
          ...(target !== '' && kind !== 'distribution' ? { target: Number(target) } : {}),
        };
        const measure = (
          kind === 'sum'
            ? { ...base, kind, field }
            : kind === 'count'
              ? { ...base, kind }
              : kind === 'countWhere'
                ? { ...base, kind, where }
                : kind === 'ratio'
                  ? { ...base, kind, numerator, denominator, format: 'percent' }
                  : { key: base.key, title: base.title, kind, field }
        ) as MeasureDefinition;
        onAdd(measure);
        setKey('');
        setTitle('');
      }}
    >
      <strong>{t('designer.addMeasure')}</strong>
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
            {fieldSelect(numerator, setNumerator, 'numerator')}
          </label>
          <label>
            {t('designer.denominator')}
            {fieldSelect(denominator, setDenominator, 'denominator')}
          </label>
        </>
      )}
      {kind === 'countWhere' && (
        <label>
          {t('designer.where')}
          <input
            value={where}
            onChange={(e) => setWhere(e.target.value)}
            required
            placeholder='status = "办结"'
            name="where"
          />
        </label>
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
      <button type="submit" disabled={!definition}>
        + {t('designer.add')}
      </button>
    </form>
  );
}
