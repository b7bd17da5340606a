import type { IncomingMessage } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import {
  isErrorCode,
  localeFromAcceptLanguage,
  type ErrorCode,
  type Locale,
  type LocalizedText,
} from '@taizhang/domain';
import { AppException } from './app-exception';
import { databaseFailureOf, type DatabaseFailure } from './database-failure';
import { INTERNAL_TEXT, internalText, logFault } from './faults';
import { newRequestId, requestIdOf } from '../http/request-logger.middleware';

/**
 * Errors leave the API in three steps:
 * 1. `localizedErrorsPlugin.didEncounterErrors` logs each fault (an error that is not an answer:
 *    see faults.ts) with the request's id (`requestLogger`'s, the `X-Request-Id` header), the
 *    whole error and its path.
 * 2. `formatGraphQLError` (Apollo's formatError) maps every error — ours, Apollo's, graphql-js's —
 *    to a contract code and keeps both languages in `extensions.i18n`. A failure of the database
 *    itself (down, read-only, full: database-failure.ts) becomes INTERNAL with its reason and
 *    `retryable: true`; any other fault INTERNAL alone. A fault's answer carries
 *    `extensions.requestId` and never its detail (no SQL, no table, no stack), in every mode.
 * 3. `localizedErrorsPlugin.willSendResponse` picks the caller's language (Accept-Language) for
 *    the message and for each `extensions.errors[].message`, and removes `i18n`.
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

/** A fault's error, its database failure if it is one, and the id it was logged under. */
interface Fault {
  original: unknown;
  failure: DatabaseFailure | null;
}

/** The answer to an error, and the fault behind it if it is not an answer of ours or graphql-js's. */
function shape(
  formatted: GraphQLFormattedError,
  error: unknown,
): { answer: GraphQLFormattedError; fault: Fault | null } {
  const unwrapped = unwrapResolverError(error);
  // an AppException refused before any resolver ran (the live socket's limits: live-connection.ts)
  const original =
    unwrapped instanceof GraphQLError && unwrapped.originalError instanceof AppException
      ? unwrapped.originalError
      : unwrapped;
  const base = { locations: formatted.locations, path: formatted.path };

  if (original instanceof AppException) {
    const i18n: I18nExtension = { message: original.text };
    const extensions: Record<string, unknown> = { code: original.code, reason: original.reason, i18n };
    if (original.problems.length > 0) i18n.errors = original.problems;
    return { answer: { ...base, message: original.text['zh-CN'], extensions }, fault: null };
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
    return { answer: { ...base, message: text['zh-CN'], extensions }, fault: null };
  }

  if (isErrorCode(foreignCode) && foreignCode !== 'INTERNAL') {
    const text = { 'zh-CN': formatted.message, en: formatted.message };
    const extensions = { code: foreignCode, i18n: { message: text } };
    return { answer: { ...base, message: formatted.message, extensions }, fault: null };
  }

  const failure = databaseFailureOf(original);
  if (failure) {
    const i18n: I18nExtension = { message: failure.text };
    const extensions = { code: 'INTERNAL', reason: failure.reason, retryable: true, i18n };
    return { answer: { ...base, message: failure.text['zh-CN'], extensions }, fault: { original, failure } };
  }

  // a placeholder text: formatGraphQLError puts the request's id into it
  const extensions: Record<string, unknown> = { code: 'INTERNAL', i18n: { message: INTERNAL_TEXT } };
  return { answer: { ...base, message: INTERNAL_TEXT['zh-CN'], extensions }, fault: { original, failure: null } };
}

/** Faults logged by `localizedErrorsPlugin`, with the id they were logged under. */
const loggedFaults = new WeakMap<object, string>();

/** Apollo's formatted form of a raw error, as formatError receives it (errorNormalize.ts). */
function formattedOf(error: GraphQLError): GraphQLFormattedError {
  return {
    message: error.message,
    path: error.path,
    extensions: { ...error.extensions, code: error.extensions.code ?? 'INTERNAL_SERVER_ERROR' },
  };
}

export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const { answer, fault } = shape(formatted, error);
  if (!fault) return answer;
  let requestId = typeof error === 'object' && error !== null ? loggedFaults.get(error) : undefined;
  if (!requestId) {
    // an error Apollo met outside a request's plugins (one it could not start): logged here
    requestId = newRequestId();
    logFault(fault.original, fault.failure, requestId, { path: formatted.path });
  }
  const extensions: Record<string, unknown> = { ...answer.extensions, requestId };
  if (!fault.failure) {
    const text = internalText(requestId);
    extensions.i18n = { message: text } satisfies I18nExtension;
    return { ...answer, message: text['zh-CN'], extensions };
  }
  return { ...answer, extensions };
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
  async requestDidStart({ request, contextValue }) {
    const locale = localeFromAcceptLanguage(request.http?.headers.get('accept-language'));
    // the id requestLogger gave the HTTP request (its log line, X-Request-Id)
    const requestId = requestIdOf((contextValue as { req?: IncomingMessage } | undefined)?.req) ?? newRequestId();
    return {
      async didEncounterErrors({ errors, operationName }) {
        for (const error of errors) {
          const { fault } = shape(formattedOf(error), error);
          if (!fault) continue;
          loggedFaults.set(error, requestId);
          const path = error.path?.join('.');
          logFault(fault.original, fault.failure, requestId, { operation: operationName ?? undefined, path });
        }
      },
      async willSendResponse({ response }) {
        if (response.body.kind === 'single' && response.body.singleResult.errors) {
          response.body.singleResult.errors = response.body.singleResult.errors.map((e) => localizeError(e, locale));
        }
      },
    };
  },
};

/**
 * The errors of an operation on a live connection (graphql-ws: no Apollo plugins there), in the
 * same shape and language as over HTTP: formatted, logged if a fault, localized by the upgrade
 * request's Accept-Language.
 */
export function formatLiveErrors(
  errors: readonly GraphQLError[],
  acceptLanguage: string | string[] | undefined,
): GraphQLFormattedError[] {
  const locale = localeFromAcceptLanguage(Array.isArray(acceptLanguage) ? acceptLanguage[0] : acceptLanguage);
  return errors.map((error) => localizeError(formatGraphQLError(formattedOf(error), error), locale));
}
