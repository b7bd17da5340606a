import { AppException } from '../common/errors/app-exception';

/** What only signing in and changing one's password answer (a deactivated account: AuthException). */
export const SignInException = {
  badCredentials: () =>
    new AppException('UNAUTHENTICATED', 'BAD_CREDENTIALS', {
      'zh-CN': '用户名或密码错误',
      en: 'Wrong username or password',
    }),
  accountLocked: (minutesLeft: number) =>
    new AppException('UNAUTHENTICATED', 'ACCOUNT_LOCKED', {
      'zh-CN': `登录失败次数过多，账号已锁定，请 ${minutesLeft} 分钟后再试`,
      en: `Too many failed sign-ins: the account is locked, try again in ${minutesLeft} minutes`,
    }),
  wrongCurrentPassword: () =>
    new AppException(
      'BAD_USER_INPUT',
      'WRONG_CURRENT_PASSWORD',
      { 'zh-CN': '当前密码不正确', en: 'The current password is wrong' },
      [{ path: 'currentPassword', message: { 'zh-CN': '当前密码不正确', en: 'The current password is wrong' } }],
    ),
};
