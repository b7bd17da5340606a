import type { ReactNode } from 'react';
import { textOf, type FieldDefinition, type FormInputSpec } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import { bracketed } from '../../i18n/punctuation';
import { attachmentsOf } from '../attachments/attachment-value';
import { FilesInput, type FileUploading } from '../attachments/files-input';
import { unhandled, type HeldInput } from './form-inputs';
import { RowPicker, type RowPicking } from './row-picker';

export type { RowChoice, RowPicking } from './row-picker';

export interface FieldInputProps {
  form: FormInputSpec;
  /** The field's key: the radio group's name and the inputs' ids. */
  name: string;
  /** The accessible name of a single box (the question's title). */
  label: string;
  value: HeldInput;
  onChange(value: HeldInput): void;
  required?: boolean;
  invalid?: boolean;
  /** The id of what explains the value (its error), for aria-describedby. */
  describedBy?: string;
  /**
   * A `row` input, for a signed-in user: how to search the target ledger's rows to pick one;
   * without it (the public) what the row says (a case number) is typed.
   */
  rowPicking?: RowPicking | null;
  /** A `files` input: where its files are uploaded (a signed-in user's form); without it they are only shown. */
  fileUploading?: FileUploading | null;
}

const textOfHeld = (value: HeldInput) => (typeof value === 'string' ? value : value === null ? '' : String(value));

/**
 * One value asked for as the field's type says (its FormInputSpec), made for a phone: the
 * keyboard that fits, the native date and time pickers, big targets to tap. It never looks at
 * the type's name: a new type with a known kind of input needs nothing here.
 */
export function FieldInput(props: FieldInputProps) {
  const { form, name, label, value, onChange, required, invalid, describedBy, rowPicking, fileUploading } = props;
  const { t } = useI18n();
  const aria = { 'aria-invalid': invalid || undefined, 'aria-required': required || undefined };
  const text = textOfHeld(value);
  const clear =
    !required && value !== null ? (
      <button type="button" className="link-button field-clear" onClick={() => onChange(null)}>
        {t('form.clear')}
      </button>
    ) : null;

  switch (form.input) {
    case 'line': {
      const suffixId = form.suffix ? `${name}-suffix` : undefined;
      return (
        <div className="field-line">
          <input
            id={`${name}-input`}
            className="field-box"
            type="text"
            inputMode={form.keyboard}
            autoComplete={form.keyboard === 'tel' ? 'tel' : 'off'}
            maxLength={form.maxLength}
            placeholder={form.placeholder}
            aria-label={label}
            aria-describedby={[suffixId, describedBy].filter(Boolean).join(' ') || undefined}
            {...aria}
            value={text}
            onChange={(event) => onChange(event.target.value)}
          />
          {form.suffix && (
            <span className="field-suffix" id={suffixId}>
              {form.suffix}
            </span>
          )}
        </div>
      );
    }
    case 'paragraph':
      return (
        <textarea
          id={`${name}-input`}
          className="field-box"
          rows={4}
          maxLength={form.maxLength}
          aria-label={label}
          aria-describedby={describedBy}
          {...aria}
          value={text}
          onChange={(event) => onChange(event.target.value)}
        />
      );
    case 'calendar':
      return (
        <input
          id={`${name}-input`}
          className="field-box field-calendar"
          type={form.calendar}
          min={form.min}
          max={form.max}
          aria-label={label}
          aria-describedby={describedBy}
          {...aria}
          value={text}
          onChange={(event) => onChange(event.target.value)}
        />
      );
    case 'pickOne':
      return (
        <Choices clear={clear}>
          {form.options.map((option) => (
            <label key={option.value} className="choice">
              <input
                type="radio"
                name={name}
                value={option.value}
                checked={value === option.value}
                aria-describedby={describedBy}
                onChange={() => onChange(option.value)}
              />
              {option.label}
            </label>
          ))}
        </Choices>
      );
    case 'pickMany': {
      const picked = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
      return (
        <Choices clear={null}>
          {form.options.map((option) => (
            <label key={option.value} className="choice">
              <input
                type="checkbox"
                name={name}
                value={option.value}
                checked={picked.includes(option.value)}
                aria-describedby={describedBy}
                onChange={(event) =>
                  // kept in the order picked, as people answer
                  onChange(event.target.checked ? [...picked, option.value] : picked.filter((v) => v !== option.value))
                }
              />
              {option.label}
            </label>
          ))}
        </Choices>
      );
    }
    case 'yesNo':
      return (
        <div className="yes-no" role="radiogroup" aria-label={label} aria-describedby={describedBy} {...aria}>
          {[
            { answer: true, words: form.yes },
            { answer: false, words: form.no },
          ].map(({ answer, words }) => (
            <label key={String(answer)} className={`yes-no-option${value === answer ? ' is-on' : ''}`}>
              <input type="radio" name={name} checked={value === answer} onChange={() => onChange(answer)} />
              {words}
            </label>
          ))}
          {clear}
        </div>
      );
    case 'stars': {
      const stars = typeof value === 'number' ? value : 0;
      return (
        <div
          className="stars"
          role="group"
          aria-label={label}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
        >
          {Array.from({ length: form.max }, (_, i) => i + 1).map((n) => (
            <button
              key={n}
              type="button"
              className={`star${n <= stars ? ' is-on' : ''}`}
              aria-label={t(n === 1 ? 'form.star' : 'form.stars').replace('{n}', String(n))}
              aria-pressed={value === n}
              // the current value tapped again takes it back
              onClick={() => onChange(value === n ? null : n)}
            >
              ★
            </button>
          ))}
        </div>
      );
    }
    case 'row':
      return rowPicking ? (
        <RowPicker
          name={name}
          label={label}
          value={value}
          onChange={onChange}
          picking={rowPicking}
          describedBy={describedBy}
          required={required}
          invalid={invalid}
        />
      ) : (
        <input
          id={`${name}-input`}
          className="field-box"
          type="text"
          autoComplete="off"
          placeholder={t('form.rowNumber')}
          aria-label={label}
          aria-describedby={describedBy}
          {...aria}
          value={text}
          onChange={(event) => onChange(event.target.value)}
        />
      );
    case 'files':
      // on a phone, a field of images offers the camera (capture); each file is uploaded at once
      return (
        <FilesInput
          name={name}
          label={label}
          kinds={form.kinds}
          capture={form.capture}
          value={attachmentsOf(value)}
          onChange={(files) => onChange(files.length > 0 ? files : null)}
          uploading={fileUploading}
          describedBy={describedBy}
        />
      );
    default:
      return unhandled(form);
  }
}

function Choices({ children, clear }: { children: ReactNode; clear: ReactNode }) {
  return (
    <div className="field-choices">
      {children}
      {clear}
    </div>
  );
}

export interface FieldCardProps extends Omit<
  FieldInputProps,
  'name' | 'label' | 'required' | 'invalid' | 'describedBy'
> {
  field: FieldDefinition;
  /** Before the title: the question's number in a survey. */
  number?: number;
  /** What blocks saving, in the reader's language. */
  errors?: readonly string[];
  /** What is shown and allowed (a warning rule). */
  warnings?: readonly string[];
}

/**
 * A field as a form shows it: its title (and whether it must be answered), its help, the input,
 * and under it what is wrong with the answer.
 */
export function FieldCard({ field, number, errors = [], warnings = [], ...input }: FieldCardProps) {
  const { t, locale, p } = useI18n();
  const title = textOf(field.title, locale);
  const errorId = `${field.key}-problems`;
  return (
    <fieldset className={`question-card field-card${errors.length > 0 ? ' has-error' : ''}`} data-question={field.key}>
      <legend>
        {number !== undefined && `${number}. `}
        {title}
        {field.required && <span className="required"> *</span>}
        {input.form.input === 'pickMany' && <span className="muted">{bracketed(p, t('form.pickAny'))}</span>}
      </legend>
      {field.help && <p className="muted help">{textOf(field.help, locale)}</p>}
      <FieldInput
        {...input}
        name={field.key}
        label={title}
        required={field.required}
        invalid={errors.length > 0}
        describedBy={errors.length > 0 || warnings.length > 0 ? errorId : undefined}
      />
      {(errors.length > 0 || warnings.length > 0) && (
        <div id={errorId} className="field-problems">
          {errors.length > 0 && (
            <p className="form-error" role="alert">
              {errors.join(p.semi)}
            </p>
          )}
          {warnings.map((warning) => (
            <p key={warning} className="field-warning">
              {t('form.warning')}
              {warning}
            </p>
          ))}
        </div>
      )}
    </fieldset>
  );
}
