import { Catch, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';
import { localeFromAcceptLanguage } from '@taizhang/domain';
import { AppException } from './app-exception';
import { databaseFailureOf } from './database-failure';
import { clientErrorOf } from './http-client-errors';
import { sendHttpError } from './http-error-response';

const HTTP_STATUS: Record<AppException['code'], number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  LOCKED: 423,
  RATE_LIMITED: 429,
  INTERNAL: 500,
};

/**
 * Our own errors are answers, not faults: they go back to the caller without an error log.
 * In GraphQL every error is handed back to Apollo (graphql-errors.ts shapes them); on plain
 * HTTP routes (file export/import) ours become JSON in the contract's error shape, a failure of
 * the database itself becomes 503 with its reason (retryable), a request refused before our code
 * ran (a body that is not JSON or too large: http-client-errors.ts) its 4xx in the same shape,
 * and anything else is Nest's usual 500.
 */
@Catch()
export class AppExceptionFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() === 'graphql') return exception;
    const http = host.switchToHttp();
    const locale = localeFromAcceptLanguage(http.getRequest().headers['accept-language']);
    const response = http.getResponse<Response>();
    if (exception instanceof AppException) {
      sendHttpError(response, HTTP_STATUS[exception.code], exception.text[locale], {
        code: exception.code,
        reason: exception.reason,
        errors: exception.problems.map((p) => ({ path: p.path, message: p.message[locale] })),
      });
      return undefined;
    }
    const failure = databaseFailureOf(exception);
    if (failure && !response.headersSent) {
      sendHttpError(response, 503, failure.text[locale], { code: 'INTERNAL', reason: failure.reason, retryable: true });
      return undefined;
    }
    const refused = clientErrorOf(exception);
    if (refused && !response.headersSent) {
      sendHttpError(response, refused.status, refused.text[locale], { code: refused.code, reason: refused.reason });
      return undefined;
    }
    return super.catch(exception, host);
  }
}
