import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import {
  isErrorCode,
  localeFromAcceptLanguage,
  type ErrorCode,
  type Locale,
  type LocalizedText,
} from '@taizhang/domain';
import { AppException } from './app-exception';
import { databaseFailureOf } from './database-failure';
import { logger } from '../http/logger';

/**
 * Errors leave the API in two steps:
 * 1. `formatGraphQLError` (Apollo's formatError) maps every error — ours, Apollo's, graphql-js's —
 *    to a contract code, keeps both languages in `extensions.i18n`, and drops stack traces in
 *    production. A failure of the database itself (down, read-only, full: database-failure.ts)
 *    becomes INTERNAL with its reason and `retryable: true`. Other unknown errors are logged
 *    with their detail and become INTERNAL.
 * 2. `localizedErrorsPlugin` picks the caller's language (Accept-Language) for the message and
 *    for each `extensions.errors[].message`, and removes `i18n`.
 */

interface I18nExtension {
  message: LocalizedText;
  errors?: { path: string; message: LocalizedText }[];
}

/** Apollo's and graphql-js's own codes, mapped to the contract's. */
const FOREIGN_CODES: Record<string, { code: ErrorCode; text: LocalizedText }> = {
  GRAPHQL_PARSE_FAILED: {
    code: 'BAD_USER_INPUT',
    text: { 'zh-CN': 'GraphQL 请求语法错误', en: 'The GraphQL request has a syntax error' },
  },
  GRAPHQL_VALIDATION_FAILED: {
    code: 'BAD_USER_INPUT',
    text: { 'zh-CN': 'GraphQL 请求与接口定义不符', en: 'The GraphQL request does not match the schema' },
  },
  BAD_USER_INPUT: {
    code: 'BAD_USER_INPUT',
    text: { 'zh-CN': '请求参数有误', en: 'The request has invalid arguments' },
  },
  BAD_REQUEST: {
    code: 'BAD_USER_INPUT',
    text: { 'zh-CN': '请求格式错误', en: 'The request is malformed' },
  },
  OPERATION_RESOLUTION_FAILURE: {
    code: 'BAD_USER_INPUT',
    text: { 'zh-CN': '无法确定要执行的操作', en: 'Could not determine which operation to run' },
  },
  PERSISTED_QUERY_NOT_FOUND: {
    code: 'BAD_USER_INPUT',
    text: { 'zh-CN': '不支持持久化查询', en: 'Persisted queries are not supported' },
  },
  PERSISTED_QUERY_NOT_SUPPORTED: {
    code: 'BAD_USER_INPUT',
    text: { 'zh-CN': '不支持持久化查询', en: 'Persisted queries are not supported' },
  },
};

const INTERNAL_TEXT: LocalizedText = {
  'zh-CN': '服务器内部错误，请稍后重试',
  en: 'Internal server error, please try again later',
};

/** Texts for our own validation rules (query-limits.ts), by reason. */
const REASON_TEXTS: Record<string, LocalizedText> = {
  QUERY_TOO_DEEP: { 'zh-CN': '查询嵌套层级过深', en: 'The query is nested too deeply' },
  QUERY_TOO_COMPLEX: { 'zh-CN': '查询过于复杂', en: 'The query is too complex' },
  TOO_MANY_ALIASES: { 'zh-CN': '查询中的别名过多', en: 'The query uses too many aliases' },
};

/**
 * Apollo refuses a few requests with a 4xx status but no code (a persisted query whose hash does
 * not match its text): the caller's mistake, not an internal error.
 */
function refusedByApollo(error: unknown): boolean {
  const extensions = (error as { extensions?: { code?: unknown; http?: { status?: unknown } } } | null)?.extensions;
  const status = extensions?.http?.status;
  return extensions?.code === undefined && typeof status === 'number' && status >= 400 && status < 500;
}

export function formatGraphQLError(production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = { locations: formatted.locations, path: formatted.path };

    if (original instanceof AppException) {
      const i18n: I18nExtension = { message: original.text };
      const extensions: Record<string, unknown> = { code: original.code, reason: original.reason, i18n };
      if (original.problems.length > 0) i18n.errors = original.problems;
      return { ...base, message: original.text['zh-CN'], extensions };
    }

    const foreignCode = refusedByApollo(original) ? 'BAD_REQUEST' : String(formatted.extensions?.code ?? '');
    const reason = typeof formatted.extensions?.reason === 'string' ? formatted.extensions.reason : undefined;
    const foreign = FOREIGN_CODES[foreignCode];
    if (foreign || (reason && REASON_TEXTS[reason])) {
      // graphql-js's own message says exactly what is wrong (in English); keep it as the detail.
      const summary = (reason && REASON_TEXTS[reason]) || foreign.text;
      const text: LocalizedText = {
        'zh-CN': `${summary['zh-CN']}：${formatted.message}`,
        en: `${summary.en}: ${formatted.message}`,
      };
      const extensions: Record<string, unknown> = {
        code: foreign?.code ?? 'BAD_USER_INPUT',
        reason: reason ?? foreignCode,
        i18n: { message: text } satisfies I18nExtension,
      };
      return { ...base, message: text['zh-CN'], extensions };
    }

    if (isErrorCode(foreignCode) && foreignCode !== 'INTERNAL') {
      const text = { 'zh-CN': formatted.message, en: formatted.message };
      return { ...base, message: formatted.message, extensions: { code: foreignCode, i18n: { message: text } } };
    }

    const failure = databaseFailureOf(original);
    if (failure) {
      logger.warn({ err: original, reason: failure.reason }, 'the database failed a GraphQL request');
      const i18n: I18nExtension = { message: failure.text };
      const extensions = { code: 'INTERNAL', reason: failure.reason, retryable: true, i18n };
      return { ...base, message: failure.text['zh-CN'], extensions };
    }

    logger.error({ err: original }, 'unexpected error in a GraphQL request');
    const extensions: Record<string, unknown> = { code: 'INTERNAL', i18n: { message: INTERNAL_TEXT } };
    if (!production && original instanceof Error) {
      extensions.detail = original.message;
      extensions.stacktrace = original.stack?.split('\n');
    }
    return { ...base, message: INTERNAL_TEXT['zh-CN'], extensions };
  };
}

function localizeError(error: GraphQLFormattedError, locale: Locale): GraphQLFormattedError {
  const i18n = error.extensions?.i18n as I18nExtension | undefined;
  if (!i18n) return error;
  const { i18n: _dropped, ...extensions } = error.extensions ?? {};
  if (i18n.errors) {
    extensions.errors = i18n.errors.map((problem) => ({ path: problem.path, message: problem.message[locale] }));
  }
  return { ...error, message: i18n.message[locale], extensions };
}

export const localizedErrorsPlugin: ApolloServerPlugin = {
  async requestDidStart({ request }) {
    const locale = localeFromAcceptLanguage(request.http?.headers.get('accept-language'));
    return {
      async willSendResponse({ response }) {
        if (response.body.kind === 'single' && response.body.singleResult.errors) {
          response.body.singleResult.errors = response.body.singleResult.errors.map((e) => localizeError(e, locale));
        }
      },
    };
  },
};
