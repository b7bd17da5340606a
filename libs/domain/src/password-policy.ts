import type { LocalizedText } from './locale';

/**
 * The password rule, checked by the API when a password is set and by the web form as the user
 * types: at least 8 characters, drawn from at least 3 of 4 kinds (lower case, upper case,
 * digits, symbols).
 */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
export const PASSWORD_MIN_KINDS = 3;

const KINDS: ReadonlyArray<RegExp> = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/];

export type PasswordProblem = 'too_short' | 'too_long' | 'too_few_kinds';

export const PASSWORD_PROBLEM_MESSAGES: Record<PasswordProblem, LocalizedText> = {
  too_short: {
    'zh-CN': `密码至少需要 ${PASSWORD_MIN_LENGTH} 个字符`,
    en: `The password needs at least ${PASSWORD_MIN_LENGTH} characters`,
  },
  too_long: {
    'zh-CN': `密码不能超过 ${PASSWORD_MAX_LENGTH} 个字符`,
    en: `The password may have at most ${PASSWORD_MAX_LENGTH} characters`,
  },
  too_few_kinds: {
    'zh-CN': '密码需包含小写字母、大写字母、数字、符号中的至少三种',
    en: 'The password needs at least three of: lower case, upper case, digits, symbols',
  },
};

export function checkPassword(password: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) problems.push('too_short');
  if (length > PASSWORD_MAX_LENGTH) problems.push('too_long');
  const kinds = KINDS.filter((kind) => kind.test(password)).length;
  if (kinds < PASSWORD_MIN_KINDS) problems.push('too_few_kinds');
  return problems;
}
