import { message } from '../definition/message';
import type { FieldOf, FieldTypeSpec } from './field-type';
import { fail, lengthChecks, ok, textCells } from './field-type-kit';
import { textFieldType } from './text.field-type';

/** A mainland mobile, a landline with area code (and extension), or a 400/800/12345-style service number. */
const PHONE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|[48]00-?\d{3}-?\d{4}|\d{5,8})$/;

function clean(text: string): string {
  return text
    .replace(/[\s()（）]/g, '')
    .replace(/^\+?86-?/, '')
    .replace(/[－—]/g, '-');
}

export type PhoneField = FieldOf<'phone'>;

const text = textFieldType;
const formatPhone = (value: unknown) => (value === null ? '' : String(value));

export const phoneFieldType: FieldTypeSpec<PhoneField> = {
  type: 'phone',
  title: { zh: '电话', en: 'Phone' },
  describe: {
    zh: '手机（1xxxxxxxxxx）或座机（0xxx-xxxxxxx）',
    en: 'a mainland mobile (1xxxxxxxxxx) or a landline (0xxx-xxxxxxx)',
  },
  options: {},
  sqlType: 'text',
  valueKind: 'text',
  filters: text.filters,
  statistics: text.statistics,
  canBeUnique: true,
  checkDefinition: () => [],
  normalize: (input) => {
    if (typeof input !== 'string') return fail('应为电话号码文本', 'Must be a phone number as text');
    const value = clean(input);
    return ok(value === '' ? null : value);
  },
  parse: (input) => ok(clean(input) === '' ? null : clean(input)),
  validate: (value) =>
    PHONE.test(String(value))
      ? []
      : [message('不是有效的电话号码（手机 11 位，座机如 0373-1234567）', 'Not a valid phone number')],
  format: formatPhone,
  checks: (_field, column) => lengthChecks({ maxLength: 30 }, column, 30),
  convertSql: (column, from) => `nullif(btrim(${from.textSql(column)}), '')`,
  textSql: text.textSql,
  fromDb: text.fromDb,
  grid: (field) => ({ editor: 'text', align: 'left', width: field.width ?? 130 }),
  form: () => ({ input: 'line', keyboard: 'tel', maxLength: 30 }),
  spreadsheet: (field) => textCells(formatPhone, field),
  cellText: text.cellText,
  fake: (_field, i) => `138${String(10_000_000 + i).slice(-8)}`,
};
