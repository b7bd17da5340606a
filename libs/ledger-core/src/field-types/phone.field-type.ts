import { message } from '../definition/message';
import type { FieldTypeSpec } from './field-type';
import { fail, lengthChecks, ok, unusedPropertyProblems } from './field-type-kit';
import { textFieldType } from './text.field-type';

/** A mainland mobile, a landline with area code (and extension), or a 400/800/12345-style service number. */
const PHONE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|[48]00-?\d{3}-?\d{4}|\d{5,8})$/;

function clean(text: string): string {
  return text
    .replace(/[\s()（）]/g, '')
    .replace(/^\+?86-?/, '')
    .replace(/[－—]/g, '-');
}

export const phoneFieldType: FieldTypeSpec = {
  ...textFieldType,
  type: 'phone',
  checkDefinition: (field) => unusedPropertyProblems(field, []),
  normalize: (input) => {
    if (typeof input !== 'string') return fail('应为电话号码文本', 'Must be a phone number as text');
    const value = clean(input);
    return ok(value === '' ? null : value);
  },
  parse: (text) => ok(clean(text) === '' ? null : clean(text)),
  validate: (value) =>
    PHONE.test(String(value))
      ? []
      : [message('不是有效的电话号码（手机 11 位，座机如 0373-1234567）', 'Not a valid phone number')],
  checks: (field, column) => lengthChecks({ ...field, maxLength: 30 }, column, 30),
  grid: (field) => ({ editor: 'text', align: 'left', width: field.width ?? 130 }),
  fake: (_field, i) => `138${String(10_000_000 + i).slice(-8)}`,
};
