import { describe, expect, it } from 'vitest';
import { checkPassword } from './password-policy';

describe('checkPassword', () => {
  it('accepts the demo password, which has all four kinds', () => {
    expect(checkPassword('Taizhang@2026')).toEqual([]);
  });

  it.each([
    ['abcdEF12', []],
    ['abcdef12', ['too_few_kinds']],
    ['Ab1!', ['too_short']],
    ['abc', ['too_short', 'too_few_kinds']],
    ['台账通台账通Aa1', []],
  ])('judges %j as %j', (password, expected) => {
    expect(checkPassword(password)).toEqual(expected);
  });

  it('counts characters, not UTF-16 units, for the length rule', () => {
    // seven emoji are 14 UTF-16 units but 7 characters
    expect(checkPassword('😀😀😀😀😀😀😀')).toContain('too_short');
  });

  it('refuses a password longer than the maximum', () => {
    expect(checkPassword('Aa1!'.repeat(40))).toEqual(['too_long']);
  });
});
