import { AppException } from '../common/errors/app-exception';

/** Who is calling and what they may do: the guard's and the access policy's answers. */
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
  accountInactive: () =>
    new AppException('UNAUTHENTICATED', 'ACCOUNT_INACTIVE', {
      'zh-CN': '账号已停用，请联系管理员',
      en: 'This account is deactivated; please contact an administrator',
    }),
  passwordChangeRequired: () =>
    new AppException('FORBIDDEN', 'PASSWORD_CHANGE_REQUIRED', {
      'zh-CN': '请先修改密码',
      en: 'Please change your password first',
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
};
