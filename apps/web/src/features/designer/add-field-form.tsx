import { useState } from 'react';
import { FIELD_TYPES, type FieldDefinition, type FieldType } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';

/** The form way to add a field: key, title, type, required, and the options of a choice. */
export function AddFieldForm({ disabled, onAdd }: { disabled: boolean; onAdd(field: FieldDefinition): void }) {
  const { t } = useI18n();
  const [key, setKey] = useState('');
  const [title, setTitle] = useState('');
  const [type, setType] = useState<FieldType>('text');
  const [required, setRequired] = useState(false);
  const [options, setOptions] = useState('');
  const [min, setMin] = useState('');
  const [max, setMax] = useState('');
  const [formula, setFormula] = useState('');
  const choosing = type === 'choice' || type === 'multichoice';
  const numeric = type === 'integer' || type === 'decimal' || type === 'percent';
  return (
    <form
      className="add-field"
      data-testid="add-field"
      onSubmit={(event) => {
        event.preventDefault();
        const field: FieldDefinition = {
          key: key.trim(),
          title: title.trim(),
          type,
          ...(required ? { required } : {}),
        };
        if (choosing)
          field.options = options
            .split(/[,，、\n]+/)
            .map((o) => o.trim())
            .filter(Boolean)
            .map((value) => ({ value }));
        if (numeric && min !== '') field.min = Number(min);
        if (numeric && max !== '') field.max = Number(max);
        if (formula.trim()) field.formula = formula.trim();
        onAdd(field);
        setKey('');
        setTitle('');
        setOptions('');
        setMin('');
        setMax('');
        setFormula('');
      }}
    >
      <strong>{t('designer.addField')}</strong>
      <label>
        {t('designer.fieldKey')}
        <input value={key} onChange={(e) => setKey(e.target.value)} pattern="[a-z][a-z0-9_]*" required name="key" />
      </label>
      <label>
        {t('designer.fieldTitle')}
        <input value={title} onChange={(e) => setTitle(e.target.value)} required name="title" />
      </label>
      <label>
        {t('designer.fieldType')}
        <select value={type} onChange={(e) => setType(e.target.value as FieldType)} name="type">
          {FIELD_TYPES.map((fieldType) => (
            <option key={fieldType} value={fieldType}>
              {fieldType}
            </option>
          ))}
        </select>
      </label>
      <label className="inline-field">
        <input type="checkbox" checked={required} onChange={(e) => setRequired(e.target.checked)} />
        {t('designer.required')}
      </label>
      {choosing && (
        <label>
          {t('designer.options')}
          <input value={options} onChange={(e) => setOptions(e.target.value)} placeholder="甲、乙、丙" name="options" />
        </label>
      )}
      {numeric && (
        <>
          <label>
            {t('designer.min')}
            <input value={min} onChange={(e) => setMin(e.target.value)} inputMode="decimal" name="min" size={6} />
          </label>
          <label>
            {t('designer.max')}
            <input value={max} onChange={(e) => setMax(e.target.value)} inputMode="decimal" name="max" size={6} />
          </label>
        </>
      )}
      <label>
        {t('designer.formula')}
        <input
          value={formula}
          onChange={(e) => setFormula(e.target.value)}
          placeholder="follow_ups / cases"
          name="formula"
        />
      </label>
      <button type="submit" disabled={disabled}>
        + {t('designer.add')}
      </button>
    </form>
  );
}
