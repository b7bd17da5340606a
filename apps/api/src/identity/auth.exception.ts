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
  /** An unknown token and a malformed one alike: nobody learns whether a token exists. */
  tokenInvalid: () =>
    new AppException('UNAUTHENTICATED', 'TOKEN_INVALID', {
      'zh-CN': '接口令牌无效',
      en: 'The API token is not valid',
    }),
  tokenExpired: () =>
    new AppException('UNAUTHENTICATED', 'TOKEN_EXPIRED', {
      'zh-CN': '令牌已过期',
      en: 'The API token has expired',
    }),
  tokenRevoked: () =>
    new AppException('UNAUTHENTICATED', 'TOKEN_REVOKED', {
      'zh-CN': '令牌已撤销',
      en: 'The API token has been revoked',
    }),
  tokenCreatorInactive: () =>
    new AppException('UNAUTHENTICATED', 'TOKEN_CREATOR_INACTIVE', {
      'zh-CN': '创建该令牌的管理员已停用或不再是管理员，令牌失效',
      en: 'The administrator who created this API token is deactivated or no longer an administrator',
    }),
  tokenAddressRefused: (address: string) =>
    new AppException('FORBIDDEN', 'TOKEN_ADDRESS_REFUSED', {
      'zh-CN': `该令牌不允许从地址 ${address} 使用`,
      en: `This API token may not be used from address ${address}`,
    }),
  tokenScopeRefused: (operation: string) =>
    new AppException('FORBIDDEN', 'TOKEN_SCOPE_REFUSED', {
      'zh-CN': `接口令牌的权限范围不包括 ${operation}`,
      en: `The API token's scope does not include ${operation}`,
    }),
  tokenRateLimited: (retryAfterSeconds: number) =>
    new AppException('RATE_LIMITED', 'TOKEN_RATE_LIMITED', {
      'zh-CN': `该令牌请求过于频繁，请 ${retryAfterSeconds} 秒后再试`,
      en: `Too many requests with this API token; try again in ${retryAfterSeconds} s`,
    }),
};
