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
import { bilingual, textIn } from './bilingual';
import { FormulaInput } from './formula-input';
import { FormButtons, KeyAndTitle } from './form-parts';
import { bracketed } from '../../i18n/punctuation';
import { labelsOf, OptionsEditor, optionsOf, pastedOptions, type OptionLabels } from './options-editor';

/** What an option's box holds → the definition's value (undefined: leave it out); choices with their names. */
function optionValue(option: OptionSpec, text: string, checked: boolean, labels: OptionLabels): unknown {
  switch (option.input) {
    case 'yesNo':
      return checked ? true : undefined;
    case 'number':
    case 'wholeNumber':
      return text.trim() === '' ? undefined : Number(text);
    case 'choices': {
      const options = optionsOf(text, labels);
      return options.length === 0 ? undefined : options;
    }
    default:
      return text.trim() === '' ? undefined : text.trim();
  }
}

/** An option's value as its box shows it: the text, or whether the box is ticked. */
function optionText(option: OptionSpec, value: unknown, list: string): string {
  if (value === undefined || value === null) return '';
  if (option.input === 'choices' && Array.isArray(value))
    return value.map((o: { value: string }) => o.value).join(list);
  return String(value);
}

/** The properties the form edits; a field's others (help, default, unique, width, …) are kept as they are. */
const FORM_PROPERTIES = [
  'key',
  'title',
  'type',
  'required',
  'index',
  'formula',
  'help',
  'default',
  'unique',
  'width',
  'readOnly',
];

/** The properties every type has, beyond key, title and type, as the form's "more" holds them. */
interface MoreProperties {
  titleEn: string;
  help: string;
  helpEn: string;
  defaultText: string;
  unique: boolean;
  width: string;
  readOnly: boolean;
}
const moreOf = (field: FieldDefinition | undefined): MoreProperties => ({
  titleEn: textIn(field?.title, 'en'),
  help: textIn(field?.help, 'zh'),
  helpEn: textIn(field?.help, 'en'),
  defaultText: field?.default === undefined || field.default === null ? '' : String(field.default),
  unique: Boolean(field?.unique),
  width: field?.width === undefined ? '' : String(field.width),
  readOnly: Boolean(field?.readOnly),
});

/**
 * The form way to add a field — or, given one, to edit it: key, title, type, required, `index`
 * (where the type's values may be unique), a formula, and the type's own options as its spec lists
 * them (the designer never lists types or their options by hand). Editing keeps what the form does
 * not show, and a changed key keeps the field's `id`, so its column is renamed, not replaced.
 */
export function FieldForm({
  disabled,
  initial,
  onSubmit,
  onCancel,
}: {
  disabled: boolean;
  initial?: FieldDefinition;
  onSubmit(field: FieldDefinition): void;
  onCancel?(): void;
}) {
  const { t, locale, p } = useI18n();
  const initialOptions = initial ? (fieldTypeOf(initial.type).options as Record<string, OptionSpec>) : {};
  const own = (name: string) => (initial as Record<string, unknown> | undefined)?.[name];
  const [key, setKey] = useState(initial?.key ?? '');
  const [title, setTitle] = useState(textIn(initial?.title, 'zh'));
  const [type, setType] = useState<FieldType>(initial?.type ?? FIELD_TYPES[0]);
  const [required, setRequired] = useState(Boolean(initial?.required));
  const [indexed, setIndexed] = useState(Boolean(initial?.index));
  const [texts, setTexts] = useState<Record<string, string>>(() =>
    Object.fromEntries(
      Object.entries(initialOptions)
        .filter(([, option]) => option.input !== 'yesNo')
        .map(([name, option]) => [name, optionText(option, own(name), p.list)]),
    ),
  );
  const [checks, setChecks] = useState<Record<string, boolean>>(() =>
    Object.fromEntries(
      Object.entries(initialOptions)
        .filter(([, option]) => option.input === 'yesNo')
        .map(([name]) => [name, Boolean(own(name))]),
    ),
  );
  const [formula, setFormula] = useState(initial?.formula ?? '');
  const [more, setMore] = useState<MoreProperties>(() => moreOf(initial));
  // each choices option's names, by value (OptionsEditor)
  const [labels, setLabels] = useState<Record<string, OptionLabels>>(() =>
    Object.fromEntries(
      Object.entries(initialOptions)
        .filter(([, option]) => option.input === 'choices')
        .map(([name]) => [name, labelsOf(own(name))]),
    ),
  );
  const setMoreOf = (patch: Partial<MoreProperties>) => setMore({ ...more, ...patch });
  const options = Object.entries(fieldTypeOf(type).options as Record<string, OptionSpec>);
  // `index` where `unique` may be set: the values fit an index entry
  const indexable = fieldTypeOf(type).canBeUnique;
  return (
    <form
      className="add-field"
      data-testid={initial ? 'edit-field' : 'add-field'}
      onSubmit={(event) => {
        event.preventDefault();
        const typeOptions = Object.fromEntries(
          options
            .map(
              ([name, option]) =>
                [name, optionValue(option, texts[name] ?? '', Boolean(checks[name]), labels[name] ?? {})] as const,
            )
            .filter(([, value]) => value !== undefined),
        );
        // what the form does not edit stays as it was (not the old type's own options)
        const kept = Object.fromEntries(
          Object.entries(initial ?? {}).filter(
            ([name]) => !FORM_PROPERTIES.includes(name) && !Object.hasOwn(initialOptions, name),
          ),
        );
        const spec = fieldTypeOf(type);
        // a default as the type reads a cell's text; one it cannot read goes as typed, for the check to name
        const parsed = more.defaultText.trim()
          ? spec.parse(more.defaultText, { key: key.trim(), title: title.trim(), type, ...typeOptions } as never)
          : null;
        const field = {
          ...(initial && key.trim() !== initial.key && initial.id === undefined ? { id: initial.key } : {}),
          ...kept,
          key: key.trim(),
          title: bilingual(title.trim(), more.titleEn),
          type,
          ...(more.help.trim() ? { help: bilingual(more.help.trim(), more.helpEn) } : {}),
          ...(required ? { required } : {}),
          ...(parsed ? { default: parsed.ok && parsed.value !== null ? parsed.value : more.defaultText.trim() } : {}),
          ...(more.unique && indexable ? { unique: true } : {}),
          ...(indexed && indexable ? { index: true } : {}),
          ...typeOptions,
          ...(formula.trim() ? { formula: formula.trim() } : {}),
          ...(more.width.trim() ? { width: Number(more.width) } : {}),
          ...(more.readOnly ? { readOnly: true } : {}),
        } as FieldDefinition;
        onSubmit(field);
        if (initial) return;
        setKey('');
        setTitle('');
        setTexts({});
        setLabels({});
        setChecks({});
        setFormula('');
        setIndexed(false);
        setMore(moreOf(undefined));
      }}
    >
      <strong>{initial ? t('designer.editField') : t('designer.addField')}</strong>
      <KeyAndTitle keyValue={key} title={title} onKey={setKey} onTitle={setTitle} />
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
          <label key={name} className={option.input === 'choices' ? 'choices' : undefined}>
            {textOf(option.label, locale)}
            <input
              name={name}
              value={texts[name] ?? ''}
              onChange={(e) => setTexts({ ...texts, [name]: e.target.value })}
              onPaste={(e) => {
                const pasted = option.input === 'choices' ? pastedOptions(e.clipboardData.getData('text/plain')) : null;
                if (!pasted) return;
                e.preventDefault();
                setTexts({ ...texts, [name]: pasted.values.join(p.list) });
                setLabels({ ...labels, [name]: { ...labels[name], ...pasted.labels } });
              }}
              inputMode={option.input === 'number' ? 'decimal' : option.input === 'wholeNumber' ? 'numeric' : 'text'}
              placeholder={option.input === 'choices' ? t('designer.options') : undefined}
              size={option.input === 'number' || option.input === 'wholeNumber' ? 6 : undefined}
            />
            {option.input === 'choices' && (
              <OptionsEditor
                text={texts[name] ?? ''}
                labels={labels[name] ?? {}}
                onChange={(text, named) => {
                  setTexts({ ...texts, [name]: text });
                  setLabels({ ...labels, [name]: named });
                }}
              />
            )}
          </label>
        ),
      )}
      <FormulaInput
        name="formula"
        label={t('designer.formula')}
        value={formula}
        onChange={setFormula}
        exclude={initial?.key}
        placeholder="follow_ups / cases"
      />
      <details className="more-properties">
        <summary>{t('designer.more')}</summary>
        <div className="more-properties-body">
          <label>
            {t('designer.titleEn')}
            <input name="titleEn" value={more.titleEn} onChange={(e) => setMoreOf({ titleEn: e.target.value })} />
          </label>
          <label>
            {t('designer.help')}
            <input name="help" value={more.help} onChange={(e) => setMoreOf({ help: e.target.value })} />
          </label>
          <label>
            {t('designer.helpEn')}
            <input name="helpEn" value={more.helpEn} onChange={(e) => setMoreOf({ helpEn: e.target.value })} />
          </label>
          <label>
            {t('designer.default')}
            <input
              name="default"
              value={more.defaultText}
              onChange={(e) => setMoreOf({ defaultText: e.target.value })}
            />
          </label>
          <label>
            {t('designer.width')}
            <input
              name="width"
              value={more.width}
              inputMode="numeric"
              size={5}
              onChange={(e) => setMoreOf({ width: e.target.value.replace(/[^0-9]/g, '') })}
            />
          </label>
          {indexable && (
            <label className="inline-field">
              <input
                type="checkbox"
                name="unique"
                checked={more.unique}
                onChange={(e) => setMoreOf({ unique: e.target.checked })}
              />
              {t('designer.unique')}
            </label>
          )}
          <label className="inline-field">
            <input
              type="checkbox"
              name="readOnly"
              checked={more.readOnly}
              onChange={(e) => setMoreOf({ readOnly: e.target.checked })}
            />
            {t('designer.readOnly')}
          </label>
        </div>
      </details>
      <FormButtons editing={initial !== undefined} disabled={disabled} onCancel={onCancel} />
    </form>
  );
}
