import { PASSWORD_MAX_LENGTH, PASSWORD_PROBLEM_MESSAGES } from '@taizhang/domain';
import { AppException } from '../common/errors/app-exception';

/** What only signing in and changing one's password answer (a deactivated account: AuthException). */
export const SignInException = {
  badCredentials: () =>
    new AppException('UNAUTHENTICATED', 'BAD_CREDENTIALS', {
      'zh-CN': '用户名或密码错误',
      en: 'Wrong username or password',
    }),
  /**
   * Too many failures from this address or at this name: the same answer whether the name exists
   * or not (the counters are kept per name as typed).
   */
  tooManyAttempts: (seconds: number) =>
    new AppException('RATE_LIMITED', 'TOO_MANY_ATTEMPTS', {
      'zh-CN': `尝试次数过多，请 ${seconds} 秒后再试`,
      en: `Too many attempts: try again in ${seconds} s`,
    }),
  wrongCurrentPassword: () =>
    new AppException(
      'BAD_USER_INPUT',
      'WRONG_CURRENT_PASSWORD',
      { 'zh-CN': '当前密码不正确', en: 'The current password is wrong' },
      [{ path: 'currentPassword', message: { 'zh-CN': '当前密码不正确', en: 'The current password is wrong' } }],
    ),
  /** Refused before anything is hashed: no password may be longer. */
  passwordTooLong: (path: string) =>
    new AppException(
      'BAD_USER_INPUT',
      'PASSWORD_TOO_LONG',
      {
        'zh-CN': `密码过长：最多 ${PASSWORD_MAX_LENGTH} 个字符`,
        en: `The password is too long: at most ${PASSWORD_MAX_LENGTH} characters`,
      },
      [{ path, message: PASSWORD_PROBLEM_MESSAGES.too_long }],
    ),
  /** No account can have such a name (longer than 64 characters, or with a NUL): refused before any lookup. */
  impossibleUsername: () =>
    new AppException(
      'BAD_USER_INPUT',
      'INVALID_USERNAME',
      { 'zh-CN': '用户名无效', en: 'This is not a valid username' },
      [
        {
          path: 'username',
          message: {
            'zh-CN': '用户名最多 64 个字符，且不能含空字符',
            en: 'At most 64 characters, and no NUL character',
          },
        },
      ],
    ),
  sameAsCurrent: () =>
    new AppException(
      'BAD_USER_INPUT',
      'PASSWORD_UNCHANGED',
      { 'zh-CN': '新密码不能与当前密码相同', en: 'The new password must differ from the current one' },
      [
        {
          path: 'newPassword',
          message: { 'zh-CN': '新密码不能与当前密码相同', en: 'The new password must differ from the current one' },
        },
      ],
    ),
};
