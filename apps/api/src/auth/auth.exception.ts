import { AppException } from '../common/errors/app-exception';

export const AuthException = {
  signInRequired: () =>
    new AppException('UNAUTHENTICATED', 'SIGN_IN_REQUIRED', {
      'zh-CN': '请先登录',
      en: 'Please sign in first',
    }),
  sessionExpired: () =>
    new AppException('UNAUTHENTICATED', 'SESSION_EXPIRED', {
      'zh-CN': '登录已过期，请重新登录',
      en: 'Your session has expired, please sign in again',
    }),
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
  accountInactive: () =>
    new AppException('UNAUTHENTICATED', 'ACCOUNT_INACTIVE', {
      'zh-CN': '账号已停用，请联系管理员',
      en: 'This account is deactivated; please contact an administrator',
    }),
  forbidden: () =>
    new AppException('FORBIDDEN', 'FORBIDDEN', {
      'zh-CN': '没有权限执行此操作',
      en: 'You are not allowed to do this',
    }),
  otherUnit: () =>
    new AppException('FORBIDDEN', 'OTHER_UNIT', {
      'zh-CN': '只能查看本单位的数据',
      en: "You can only see your own unit's data",
    }),
  wrongCurrentPassword: () =>
    new AppException(
      'BAD_USER_INPUT',
      'WRONG_CURRENT_PASSWORD',
      { 'zh-CN': '当前密码不正确', en: 'The current password is wrong' },
      [{ path: 'currentPassword', message: { 'zh-CN': '当前密码不正确', en: 'The current password is wrong' } }],
    ),
};
