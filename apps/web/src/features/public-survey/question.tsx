import type { FieldDefinition, FormInputSpec } from '@taizhang/ledger-core';
import { FieldCard } from '../forms/field-input';
import type { HeldInput } from '../forms/form-inputs';

interface QuestionProps {
  field: FieldDefinition;
  form: FormInputSpec;
  number: number;
  value: HeldInput;
  /** Why the answer is refused, in the reader's language. */
  errors: readonly string[];
  onChange(value: HeldInput): void;
}

/**
 * One question of a public form, asked as its field type says. The public cannot read a unit's
 * rows, so a question about a row of another ledger is answered with the row's number.
 */
export function Question({ field, form, number, value, errors, onChange }: QuestionProps) {
  return (
    <FieldCard
      field={field}
      form={form}
      number={number}
      value={value}
      errors={errors}
      onChange={onChange}
      rowPicking={null}
    />
  );
}
