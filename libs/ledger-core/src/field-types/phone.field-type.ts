import { message, type Message } from '../definition/message';
import type { FieldOf, FieldTypeSpec } from './field-type';
import { fail, lengthChecks, ok, textCells } from './field-type-kit';
import { textFieldType } from './text.field-type';

/**
 * As the docs say: a mainland mobile (11 digits, 1[3-9]…), or a landline with its area code
 * (0 and 2–3 digits, then 7–8 digits) and an optional extension ("0373-1234567-801").
 */
const PHONE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$/;

function clean(text: string): string {
  const cleaned = text
    .replace(/[\s()（）]/g, '')
    .replace(/^\+?86-?/, '')
    .replace(/[－—]/g, '-');
  // a mobile written in groups (139-1234-5678) is stored as its 11 digits
  const digits = cleaned.replace(/-/g, '');
  return /^1[3-9]\d{9}$/.test(digits) ? digits : cleaned;
}

export type PhoneField = FieldOf<'phone'>;

const text = textFieldType;
const formatPhone = (value: unknown) => (value === null ? '' : String(value));

/**
 * A phone number outside a ledger (a user's contact phone) judged by the same rules as a phone
 * field: the text as stored (null for blank) or the reason it is not a number.
 */
export function checkPhoneNumber(input: string): { value: string | null; problem: Message | null } {
  const value = clean(input);
  if (value === '') return { value: null, problem: null };
  const [problem] = phoneFieldType.validate(value, { key: 'phone', title: '', type: 'phone' });
  return { value, problem: problem ?? null };
}

export const phoneFieldType: FieldTypeSpec<PhoneField> = {
  type: 'phone',
  title: { zh: '电话', en: 'Phone' },
  describe: {
    zh: '手机（1xxxxxxxxxx）或带区号的座机（0xxx-xxxxxxx，可加分机号）',
    en: 'a mainland mobile (1xxxxxxxxxx) or a landline with its area code (0xxx-xxxxxxx, extension optional)',
  },
  options: {},
  sqlType: 'text',
  valueKind: 'text',
  searched: true,
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
      : [
          message(
            '不是有效的电话号码（手机 11 位，座机带区号如 0373-1234567，可加分机号 -801）',
            'Not a valid phone number',
          ),
        ],
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
