import type { GraphQLRequestContextDidEncounterErrors, GraphQLRequestContext } from '@apollo/server';
import type { Request, Response } from 'express';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { QueryFailedError } from 'typeorm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppException } from './app-exception';
import { formatGraphQLError, localizedErrorsPlugin } from './graphql-errors';
import { logger } from '../http/logger';
import { requestIdOf, requestLogger } from '../http/request-logger.middleware';

/** A request as requestLogger leaves it: with its id. */
function loggedRequest(): Request {
  const req = { method: 'POST', originalUrl: '/graphql', body: {} } as Request;
  const res = { setHeader: vi.fn(), on: vi.fn() } as unknown as Response;
  requestLogger(req, res, () => undefined);
  return req;
}

/** What Apollo hands formatError (errorNormalize.ts): the error's JSON with a code. */
function enriched(error: GraphQLError): GraphQLFormattedError {
  return {
    ...error.toJSON(),
    extensions: { ...error.extensions, code: error.extensions.code ?? 'INTERNAL_SERVER_ERROR' },
  };
}

/** Runs the plugin's didEncounterErrors for `errors` in a request, then formats them as Apollo would. */
async function answer(errors: GraphQLError[], req: Request | undefined): Promise<GraphQLFormattedError[]> {
  const start = localizedErrorsPlugin.requestDidStart!;
  const hooks = await start({
    request: { http: { headers: new Map(), method: 'POST', search: '', body: {} } },
    contextValue: { req },
  } as unknown as GraphQLRequestContext<object>);
  await hooks!.didEncounterErrors!({
    errors,
    operationName: 'Rows',
  } as unknown as GraphQLRequestContextDidEncounterErrors<object>);
  return errors.map((error) => formatGraphQLError(enriched(error), error));
}

const relationMissing = () =>
  new QueryFailedError(
    'SELECT t.id FROM "ledger_daily_followup" t WHERE t.unit_id = $1',
    [7],
    Object.assign(new Error('relation "ledger_daily_followup" does not exist'), { code: '42P01' }),
  );

describe('GraphQL errors: a fault is logged with the request id and answered without its detail', () => {
  afterEach(() => vi.restoreAllMocks());

  it('answers a failed SQL statement with INTERNAL and the request id, and logs the whole error under that id', async () => {
    const log = vi.spyOn(logger, 'error');
    const req = loggedRequest();
    const failed = relationMissing();
    const error = new GraphQLError(failed.message, { path: ['rows'], originalError: failed });
    const [formatted] = await answer([error], req);

    const requestId = requestIdOf(req)!;
    expect(formatted.extensions).toEqual({
      code: 'INTERNAL',
      requestId,
      i18n: {
        message: {
          'zh-CN': `服务器内部错误，请稍后重试（请求编号 ${requestId}）`,
          en: `Internal server error, please try again later (request id ${requestId})`,
        },
      },
    });
    const text = JSON.stringify(formatted);
    for (const leak of ['ledger_daily_followup', 'relation', 'SELECT', 'stacktrace', 'exception', '42P01']) {
      expect(text).not.toContain(leak);
    }
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0][0]).toMatchObject({ requestId, err: failed, operation: 'Rows', path: 'rows' });
  });

  it('keeps the database-failure answers (retryable), with the request id and no detail', async () => {
    vi.spyOn(logger, 'warn');
    const req = loggedRequest();
    const gone = Object.assign(new Error('Connection terminated unexpectedly at 10.0.0.5:5432'), { code: '57P01' });
    const [formatted] = await answer([new GraphQLError(gone.message, { path: ['rows'], originalError: gone })], req);
    expect(formatted.extensions).toMatchObject({
      code: 'INTERNAL',
      reason: 'DATABASE_UNAVAILABLE',
      retryable: true,
      requestId: requestIdOf(req),
    });
    expect(JSON.stringify(formatted)).not.toContain('10.0.0.5');
  });

  it('gives an error met outside the plugins a fresh id and logs it there', () => {
    const log = vi.spyOn(logger, 'error');
    const error = new GraphQLError('boom', { originalError: new TypeError('cannot read x of undefined') });
    const formatted = formatGraphQLError(enriched(error), error);
    const requestId = formatted.extensions!.requestId;
    expect(requestId).toMatch(/^[0-9a-f]{16}$/);
    expect(log.mock.calls[0][0]).toMatchObject({ requestId });
    expect(JSON.stringify(formatted)).not.toContain('cannot read');
  });

  it('answers our own errors and graphql-js refusals as before, without logging or an id', async () => {
    const log = vi.spyOn(logger, 'error');
    const ours = new AppException('NOT_FOUND', 'ROW_NOT_FOUND', { 'zh-CN': '没有这一行', en: 'No such row' });
    const refused = new GraphQLError('Cannot query field "x" on type "Query".', {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    const [own, validation] = await answer(
      [new GraphQLError(ours.message, { path: ['row'], originalError: ours }), refused],
      loggedRequest(),
    );
    expect(own.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'ROW_NOT_FOUND' });
    expect(validation.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'GRAPHQL_VALIDATION_FAILED' });
    expect(own.extensions!.requestId).toBeUndefined();
    expect(validation.extensions!.requestId).toBeUndefined();
    expect(log).not.toHaveBeenCalled();
  });
});
