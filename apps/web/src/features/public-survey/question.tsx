import { textOf, type FieldDefinition, type Locale } from '@taizhang/ledger-core';

interface QuestionProps {
  field: FieldDefinition;
  number: number;
  value: unknown;
  error: string | null;
  locale: Locale;
  onChange(value: unknown): void;
}

/** One question of a public form, as its field type asks: pick one, pick several, or write. */
export function Question({ field, number, value, error, locale, onChange }: QuestionProps) {
  const title = textOf(field.title, locale);
  const options = (field.options ?? []).map((o) => ({ value: o.value, label: textOf(o.label ?? o.value, locale) }));
  const picked = Array.isArray(value) ? (value as string[]) : [];
  return (
    <fieldset className={`question-card${error ? ' has-error' : ''}`} data-question={field.key}>
      <legend>
        {number}. {title}
        {field.required && <span className="required"> *</span>}
        {field.type === 'multichoice' && <span className="muted">（{locale === 'en' ? 'pick any' : '可多选'}）</span>}
      </legend>
      {field.help && <p className="muted help">{textOf(field.help, locale)}</p>}
      {field.type === 'choice' &&
        options.map((option) => (
          <label key={option.value} className="choice">
            <input
              type="radio"
              name={field.key}
              checked={value === option.value}
              onChange={() => onChange(option.value)}
            />
            {option.label}
          </label>
        ))}
      {field.type === 'multichoice' &&
        options.map((option) => (
          <label key={option.value} className="choice">
            <input
              type="checkbox"
              checked={picked.includes(option.value)}
              onChange={(event) =>
                onChange(event.target.checked ? [...picked, option.value] : picked.filter((v) => v !== option.value))
              }
            />
            {option.label}
          </label>
        ))}
      {field.type !== 'choice' && field.type !== 'multichoice' && (
        <textarea
          rows={field.type === 'longtext' ? 4 : 1}
          value={typeof value === 'string' ? value : ''}
          onChange={(event) => onChange(event.target.value === '' ? null : event.target.value)}
          aria-label={title}
        />
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
