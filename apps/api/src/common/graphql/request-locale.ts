import { localeFromAcceptLanguage, type Locale } from '@taizhang/domain';
import type { GraphQLContext } from '../../identity/principal';

/** The language a GraphQL request asked for (Accept-Language), zh-CN unless English. */
export function localeOf(context: GraphQLContext): Locale {
  return localeFromAcceptLanguage(context.req.headers['accept-language']);
}
