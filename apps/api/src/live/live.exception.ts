import { AppException } from '../common/errors/app-exception';

/** The live socket's own refusals (docs/live.md, "Limits"). */
export const LiveException = {
  tooManyOnConnection: (limit: number) =>
    new AppException('RATE_LIMITED', 'LIVE_SUBSCRIPTIONS_PER_CONNECTION', {
      'zh-CN': `此连接上的实时订阅已达上限（${limit} 个），请先结束不再使用的订阅`,
      en: `This connection already has the most live subscriptions allowed (${limit}); end one no longer used first`,
    }),
  tooManyInSession: (limit: number) =>
    new AppException('RATE_LIMITED', 'LIVE_SUBSCRIPTIONS_PER_SESSION', {
      'zh-CN': `此登录的实时订阅已达上限（${limit} 个，含其他窗口），请关闭不用的窗口后再试`,
      en: `This sign-in already has the most live subscriptions allowed (${limit}, other windows included); close windows no longer used and try again`,
    }),
};
