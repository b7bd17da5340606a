import { Catch, HttpException, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Request, Response } from 'express';
import { localeFromAcceptLanguage } from '@taizhang/domain';
import { AppException } from './app-exception';
import { databaseFailureOf } from './database-failure';
import { clientErrorOf } from './http-client-errors';
import { internalText, logFault } from './faults';
import { sendHttpError } from './http-error-response';
import { newRequestId, requestIdOf } from '../http/request-logger.middleware';

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
 * and anything else (a failed SQL statement, a bug) is logged with the request's id and answered
 * 500 INTERNAL with that id and nothing of the error (faults.ts). A fault after the first byte of
 * a download cuts the connection: the file must not look complete.
 */
@Catch()
export class AppExceptionFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() === 'graphql') return exception;
    const http = host.switchToHttp();
    const locale = localeFromAcceptLanguage(http.getRequest().headers['accept-language']);
    const response = http.getResponse<Response>();
    if (exception instanceof AppException) {
      sendHttpError(response, exception.httpStatus ?? HTTP_STATUS[exception.code], exception.text[locale], {
        code: exception.code,
        reason: exception.reason,
        errors: exception.problems.map((p) => ({ path: p.path, message: p.message[locale] })),
      });
      return undefined;
    }
    const request = http.getRequest<Request>();
    const where = { method: request.method, path: request.originalUrl?.split('?')[0] };
    const refused = clientErrorOf(exception);
    if (refused && !response.headersSent) {
      sendHttpError(response, refused.status, refused.text[locale], { code: refused.code, reason: refused.reason });
      return undefined;
    }
    // Nest's own answers below 500 (a redirect, a client error it knows)
    if (exception instanceof HttpException && exception.getStatus() < 500 && !response.headersSent) {
      return super.catch(exception, host);
    }
    const requestId = requestIdOf(request) ?? newRequestId();
    const failure = databaseFailureOf(exception);
    logFault(exception, failure, requestId, where);
    if (response.headersSent) {
      response.destroy();
    } else if (failure) {
      sendHttpError(response, 503, failure.text[locale], {
        code: 'INTERNAL',
        reason: failure.reason,
        retryable: true,
        requestId,
      });
    } else {
      sendHttpError(response, 500, internalText(requestId)[locale], { code: 'INTERNAL', requestId });
    }
    return undefined;
  }
}
