import { useState } from 'react';
import {
  FIELD_TYPES,
  fieldTypeOf,
  textOf,
  type FieldDefinition,
  type FieldType,
  type OptionSpec,
} from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import { bracketed } from '../../i18n/punctuation';

/** What an option's box holds → the definition's value (undefined: leave it out). */
function optionValue(option: OptionSpec, text: string, checked: boolean): unknown {
  switch (option.input) {
    case 'yesNo':
      return checked ? true : undefined;
    case 'number':
    case 'wholeNumber':
      return text.trim() === '' ? undefined : Number(text);
    case 'choices': {
      const values = text
        .split(/[,，、\n]+/)
        .map((o) => o.trim())
        .filter(Boolean);
      return values.length === 0 ? undefined : values.map((value) => ({ value }));
    }
    default:
      return text.trim() === '' ? undefined : text.trim();
  }
}

/**
 * The form way to add a field: key, title, type, required, `index` (where the type's values may
 * be unique), a formula, and the type's own options as its spec lists them (the designer never
 * lists types or their options by hand).
 */
export function AddFieldForm({ disabled, onAdd }: { disabled: boolean; onAdd(field: FieldDefinition): void }) {
  const { t, locale, p } = useI18n();
  const [key, setKey] = useState('');
  const [title, setTitle] = useState('');
  const [type, setType] = useState<FieldType>(FIELD_TYPES[0]);
  const [required, setRequired] = useState(false);
  const [indexed, setIndexed] = useState(false);
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [checks, setChecks] = useState<Record<string, boolean>>({});
  const [formula, setFormula] = useState('');
  const options = Object.entries(fieldTypeOf(type).options as Record<string, OptionSpec>);
  // `index` where `unique` may be set: the values fit an index entry
  const indexable = fieldTypeOf(type).canBeUnique;
  return (
    <form
      className="add-field"
      data-testid="add-field"
      onSubmit={(event) => {
        event.preventDefault();
        const own = Object.fromEntries(
          options
            .map(([name, option]) => [name, optionValue(option, texts[name] ?? '', Boolean(checks[name]))] as const)
            .filter(([, value]) => value !== undefined),
        );
        const field = {
          key: key.trim(),
          title: title.trim(),
          type,
          ...(required ? { required } : {}),
          ...(indexed && indexable ? { index: true } : {}),
          ...own,
          ...(formula.trim() ? { formula: formula.trim() } : {}),
        } as FieldDefinition;
        onAdd(field);
        setKey('');
        setTitle('');
        setTexts({});
        setChecks({});
        setFormula('');
        setIndexed(false);
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
              {textOf(fieldTypeOf(fieldType).title, locale)}
              {bracketed(p, fieldType)}
            </option>
          ))}
        </select>
      </label>
      <label className="inline-field">
        <input type="checkbox" checked={required} onChange={(e) => setRequired(e.target.checked)} />
        {t('designer.required')}
      </label>
      {indexable && (
        <label className="inline-field" title={t('designer.indexHint')}>
          <input type="checkbox" name="index" checked={indexed} onChange={(e) => setIndexed(e.target.checked)} />
          {t('designer.index')}
        </label>
      )}
      {options.map(([name, option]) =>
        option.input === 'yesNo' ? (
          <label key={name} className="inline-field">
            <input
              type="checkbox"
              name={name}
              checked={Boolean(checks[name])}
              onChange={(e) => setChecks({ ...checks, [name]: e.target.checked })}
            />
            {textOf(option.label, locale)}
          </label>
        ) : (
          <label key={name}>
            {textOf(option.label, locale)}
            <input
              name={name}
              value={texts[name] ?? ''}
              onChange={(e) => setTexts({ ...texts, [name]: e.target.value })}
              inputMode={option.input === 'number' ? 'decimal' : option.input === 'wholeNumber' ? 'numeric' : 'text'}
              placeholder={option.input === 'choices' ? t('designer.options') : undefined}
              size={option.input === 'number' || option.input === 'wholeNumber' ? 6 : undefined}
            />
          </label>
        ),
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
