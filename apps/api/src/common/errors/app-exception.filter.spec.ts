import type { ArgumentsHost } from '@nestjs/common';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppExceptionFilter } from './app-exception.filter';
import { logger } from '../http/logger';
import { requestIdOf, requestLogger } from '../http/request-logger.middleware';

/** A file route's request and response, as requestLogger leaves them, and what was answered. */
function httpCall(headersSent = false) {
  const req = { method: 'GET', originalUrl: '/export/daily_followup.csv?x=1', headers: {}, body: {} } as Request;
  const sent: { status?: number; body?: unknown; destroyed: boolean } = { destroyed: false };
  const res = {
    headersSent,
    setHeader: vi.fn(),
    on: vi.fn(),
    status(code: number) {
      sent.status = code;
      return this;
    },
    json(body: unknown) {
      sent.body = body;
      return this;
    },
    destroy() {
      sent.destroyed = true;
    },
  } as unknown as Response;
  requestLogger(req, res, () => undefined);
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
  } as unknown as ArgumentsHost;
  return { req, host, sent };
}

const failedStatement = () =>
  new QueryFailedError(
    'SELECT * FROM "ledger_daily_followup" t',
    [],
    Object.assign(new Error('relation "ledger_daily_followup" does not exist'), { code: '42P01' }),
  );

describe('AppExceptionFilter on the file routes', () => {
  afterEach(() => vi.restoreAllMocks());

  it('answers a failed statement 500 INTERNAL with the request id only, and logs the error under that id', () => {
    const log = vi.spyOn(logger, 'error');
    const { req, host, sent } = httpCall();
    const error = failedStatement();
    new AppExceptionFilter().catch(error, host);
    const requestId = requestIdOf(req)!;
    expect(sent.status).toBe(500);
    expect(sent.body).toEqual({
      errors: [
        { message: `服务器内部错误，请稍后重试（请求编号 ${requestId}）`, extensions: { code: 'INTERNAL', requestId } },
      ],
    });
    expect(log.mock.calls[0][0]).toMatchObject({
      requestId,
      err: error,
      method: 'GET',
      path: '/export/daily_followup.csv',
    });
  });

  it('keeps 503 and the retryable reason for a database that is gone, with the id, no detail', () => {
    const log = vi.spyOn(logger, 'warn');
    const { req, host, sent } = httpCall();
    const gone = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    new AppExceptionFilter().catch(gone, host);
    const requestId = requestIdOf(req)!;
    expect(sent.status).toBe(503);
    expect(sent.body).toEqual({
      errors: [
        {
          message: '数据库暂时无法连接，本次操作未保存，请稍后重试',
          extensions: { code: 'INTERNAL', reason: 'DATABASE_UNAVAILABLE', retryable: true, requestId },
        },
      ],
    });
    expect(log.mock.calls[0][0]).toMatchObject({ requestId, err: gone, reason: 'DATABASE_UNAVAILABLE' });
  });

  it('cuts a download already under way (a cut file must not look complete), and logs why', () => {
    const log = vi.spyOn(logger, 'error');
    const { req, host, sent } = httpCall(true);
    new AppExceptionFilter().catch(new Error('stream broke'), host);
    expect(sent.destroyed).toBe(true);
    expect(sent.status).toBeUndefined();
    expect(log.mock.calls[0][0]).toMatchObject({ requestId: requestIdOf(req) });
  });
});
