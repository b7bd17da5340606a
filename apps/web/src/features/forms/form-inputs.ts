import {
  specOf,
  type AttachmentRef,
  type FieldDefinition,
  type FormInputSpec,
  type Locale,
} from '@taizhang/ledger-core';

/**
 * What a form holds for a field while it is filled in: the text typed for `line`, `paragraph`,
 * `calendar` and `row` (a row's number, or the id picked from a list); the value itself for the
 * others (an option's value, the values picked, yes/no, the stars). Null: nothing yet.
 */
export type HeldInput = string | string[] | AttachmentRef[] | number | boolean | null;

/** A field and how its type asks for a value in a form. */
export interface FormField {
  field: FieldDefinition;
  form: FormInputSpec;
}

export function formFieldsOf(fields: readonly FieldDefinition[], locale: Locale): FormField[] {
  return fields.map((field) => ({ field, form: specOf(field).form(field, locale) }));
}

const nfkc = (text: string) => text.normalize('NFKC');

/**
 * A held input as `validateRow(…, { input: 'text' })` reads it: text goes to the type's `parse`
 * (a `line` with a suffix gets it appended unless the text ends with it already, so 50 typed
 * beside "%" is 50%), anything else to its `normalize`; blank is null.
 */
export function inputOf(form: FormInputSpec, held: HeldInput | undefined): unknown {
  if (held === null || held === undefined) return null;
  if (typeof held === 'string') {
    const text = held.trim();
    if (text === '') return null;
    // NFKC: a full-width "％" typed on a phone ends the text as well as "%"
    if (form.input === 'line' && form.suffix && !nfkc(text).endsWith(nfkc(form.suffix))) return `${text}${form.suffix}`;
    return held;
  }
  if (Array.isArray(held)) return held.length === 0 ? null : held;
  return held;
}

/** Every field's held input, ready for `validateRow(model, formInputs(fields, held), { input: 'text' })`. */
export function formInputs(
  fields: readonly FormField[],
  held: Readonly<Record<string, HeldInput>>,
): Record<string, unknown> {
  return Object.fromEntries(fields.map(({ field, form }) => [field.key, inputOf(form, held[field.key])]));
}

/**
 * A value (a default, a period's date) as the form holds it: text the way the type writes it
 * (without a line's suffix, which is shown beside the box), the calendar's own format, or the value.
 */
export function heldOf(form: FormInputSpec, field: FieldDefinition, value: unknown, locale: Locale): HeldInput {
  if (value === null || value === undefined) return null;
  const spec = specOf(field);
  const outcome = spec.normalize(value, field);
  if (!outcome.ok || outcome.value === null) return null;
  const normalized = outcome.value;
  switch (form.input) {
    case 'line': {
      // as plainly as it reads back ("1234.50" beside 元), else as the type writes it ("50.00" beside %)
      const plain = String(normalized);
      const back = spec.parse(String(inputOf(form, plain)), field);
      if (back.ok && JSON.stringify(back.value) === JSON.stringify(normalized)) return plain;
      const text = spec.format(normalized, field, locale);
      return form.suffix && text.endsWith(form.suffix) ? text.slice(0, -form.suffix.length).trim() : text;
    }
    case 'paragraph':
      return spec.format(normalized, field, locale);
    case 'calendar':
      // the contract's ISO text; a datetime-local box takes its wall time "YYYY-MM-DDTHH:mm"
      return form.calendar === 'datetime-local' ? String(normalized).slice(0, 16) : String(normalized);
    case 'row':
      return typeof normalized === 'number' ? `#${normalized}` : String(normalized);
    case 'pickOne':
      return typeof normalized === 'string' ? normalized : null;
    case 'pickMany':
      return Array.isArray(normalized) ? (normalized as string[]) : null;
    case 'yesNo':
      return typeof normalized === 'boolean' ? normalized : null;
    case 'stars':
      return typeof normalized === 'number' ? normalized : null;
    case 'files':
      // the stored files themselves (files-input.tsx uploads and adds them)
      return Array.isArray(normalized) ? (normalized as AttachmentRef[]) : null;
    default:
      return unhandled(form);
  }
}

/** What a new row's form starts with: each field's default, and the values given (a period's date). */
export function startingInputs(
  fields: readonly FormField[],
  locale: Locale,
  given: Readonly<Record<string, unknown>> = {},
): Record<string, HeldInput> {
  return Object.fromEntries(
    fields.map(({ field, form }) => [field.key, heldOf(form, field, given[field.key] ?? field.default, locale)]),
  );
}

/** A new kind of input does not compile until the forms handle it. */
export function unhandled(form: never): never {
  throw new Error(`unknown form input ${JSON.stringify(form)}`);
}
