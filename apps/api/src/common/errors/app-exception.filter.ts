import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { localeFromAcceptLanguage } from '@taizhang/domain';
import { AppException } from './app-exception';

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
 * In GraphQL they are handed back to Apollo (graphql-errors.ts shapes them); on plain HTTP
 * routes (file export/import) they become JSON in the contract's error shape.
 */
@Catch(AppException)
export class AppExceptionFilter implements ExceptionFilter {
  catch(exception: AppException, host: ArgumentsHost): unknown {
    if (host.getType<string>() === 'graphql') return exception;
    const http = host.switchToHttp();
    const locale = localeFromAcceptLanguage(http.getRequest().headers['accept-language']);
    http
      .getResponse<Response>()
      .status(HTTP_STATUS[exception.code])
      .json({
        errors: [
          {
            message: exception.text[locale],
            extensions: {
              code: exception.code,
              reason: exception.reason,
              errors: exception.problems.map((p) => ({ path: p.path, message: p.message[locale] })),
            },
          },
        ],
      });
    return undefined;
  }
}
