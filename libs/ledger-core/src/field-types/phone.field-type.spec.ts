import { describe, expect, it } from 'vitest';
import { checkPhoneNumber, phoneFieldType as phone, type PhoneField } from './phone.field-type';

const field: PhoneField = { key: 'phone', title: '联系电话', type: 'phone' };
const valid = (text: string) => {
  const parsed = phone.parse(text, field);
  return parsed.ok && parsed.value !== null && phone.validate(parsed.value, field).length === 0;
};

describe('phone, exactly as documented', () => {
  it.each([
    '13800138000',
    '138 0013 8000',
    '+86 139-1234-5678',
    '0373-1234567',
    '03731234567',
    '010-12345678',
    '0373-1234567-801',
  ])('takes a mainland mobile or a landline with its area code: %s', (text) => expect(valid(text)).toBe(true));

  it.each([
    '138123',
    '12345678',
    '5512345',
    '12345',
    '400-800-1234',
    '1381234567',
    '23800138000',
    '0373-12345',
    '0373-1234567-1234567',
  ])('refuses what is neither: %s', (text) => {
    expect(valid(text)).toBe(false);
    expect(phone.validate(phone.parse(text, field).ok ? text : '', field).map((m) => m['zh-CN'])[0]).toContain('区号');
  });
});

describe('checkPhoneNumber, for a phone outside a ledger (a user’s contact phone)', () => {
  it('stores what a phone field stores and refuses what it refuses, with the same reason', () => {
    expect(checkPhoneNumber('139-1234-5678')).toEqual({ value: '13912345678', problem: null });
    expect(checkPhoneNumber('0373-1234567-801')).toEqual({ value: '0373-1234567-801', problem: null });
    expect(checkPhoneNumber('  ')).toEqual({ value: null, problem: null });
    const bad = checkPhoneNumber('12345');
    expect(bad.problem).toEqual(phone.validate('12345', field)[0]);
    expect(bad.problem!['zh-CN']).toContain('电话号码');
  });
});
