import type { ApolloDriver } from '@nestjs/apollo';
import { GraphQLModule } from '@nestjs/graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { logger } from '../src/common/http/logger';
import { startTestApi, type TestApi } from './api-harness';

/**
 * Issue 26, finding 9: in development mode an unexpected database error answered the client with
 * the database's message and a stack trace. A real one is made here behind the API's back (the
 * ledger's table renamed by the database owner), then asked for through GraphQL and through a file
 * route: the answer has a code, a message and a request id, nothing of the error; the log line
 * with that id has the whole error.
 */

const TABLE = 'ledger_daily_followup';
/** What the database's own detail, the SQL or a stack would show. */
const DISCLOSURES = [
  TABLE,
  'daily_followup',
  'relation',
  'does not exist',
  'SELECT',
  'QueryFailedError',
  'stacktrace',
  'exception',
  /\n\s+at .+:\d+:\d+/,
  /node_modules|\/src\//,
];

function expectNothingDisclosed(text: string): void {
  for (const pattern of DISCLOSURES) {
    if (typeof pattern === 'string') expect(text).not.toContain(pattern);
    else expect(text).not.toMatch(pattern);
  }
}

interface LoggedFault {
  requestId?: string;
  err?: Error;
}

describe('an unexpected database error in development mode (NODE_ENV=development)', () => {
  let t: TestApi;
  let clerk: string;
  beforeAll(async () => {
    t = await startTestApi({ NODE_ENV: 'development' });
    clerk = await t.signIn('clerk01');
    await t.db.query(`ALTER TABLE ${TABLE} RENAME TO ${TABLE}_hidden`);
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(async () => {
    await t?.db.query(`ALTER TABLE IF EXISTS ${TABLE}_hidden RENAME TO ${TABLE}`);
    await t?.close();
  });

  /** The error log lines written while `run` runs, as pino was given them. */
  async function logged<T>(run: () => Promise<T>): Promise<{ result: T; faults: LoggedFault[] }> {
    const error = vi.spyOn(logger, 'error');
    const result = await run();
    const faults = error.mock.calls.map((call) => call[0] as LoggedFault).filter((entry) => entry?.err);
    return { result, faults };
  }

  it('answers GraphQL with INTERNAL, a message and a request id that finds the logged error', async () => {
    const { result, faults } = await logged(async () => {
      const response = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${clerk}` },
        body: JSON.stringify({ query: '{ rows(ledger: "daily_followup") { totalCount edges { node { id } } } }' }),
      });
      return { response, text: await response.text() };
    });
    expectNothingDisclosed(result.text);
    const body = JSON.parse(result.text) as {
      data: unknown;
      errors: { message: string; extensions: Record<string, unknown> }[];
    };
    expect(body.data).toBeNull();
    expect(body.errors).toHaveLength(1);
    const [error] = body.errors;
    expect(Object.keys(error.extensions).sort()).toEqual(['code', 'requestId']);
    expect(error.extensions.code).toBe('INTERNAL');
    const requestId = String(error.extensions.requestId);
    expect(requestId).toMatch(/^[0-9a-f]{16}$/);
    expect(error.message).toBe(`服务器内部错误，请稍后重试（请求编号 ${requestId}）`);
    expect(result.response.headers.get('x-request-id')).toBe(requestId);

    // the server's log line: the same id, the whole error with its stack
    const fault = faults.find((entry) => entry.requestId === requestId);
    expect(fault, "a log line with the answer's request id").toBeDefined();
    expect(fault!.err!.message).toContain(`relation "${TABLE}" does not exist`);
    expect(fault!.err!.stack).toMatch(/\n\s+at /);
  });

  it('answers in English when asked, still without detail', async () => {
    const response = await t.gql(
      '{ rows(ledger: "daily_followup") { totalCount } }',
      {},
      { token: clerk, language: 'en' },
    );
    const [error] = response.errors!;
    const requestId = (error.extensions as { requestId?: string }).requestId;
    expect(requestId).toMatch(/^[0-9a-f]{16}$/);
    expect(error.message).toBe(`Internal server error, please try again later (request id ${requestId})`);
    expectNothingDisclosed(JSON.stringify(response.errors));
  });

  it('answers a file route with 500 INTERNAL in the same shape, and logs the error under its id', async () => {
    const { result, faults } = await logged(async () => {
      const response = await fetch(`${t.url}/export/daily_followup.csv`, {
        headers: { authorization: `Bearer ${clerk}` },
      });
      return { response, text: await response.text() };
    });
    expect(result.response.status).toBe(500);
    expectNothingDisclosed(result.text);
    const body = JSON.parse(result.text) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(body.errors).toHaveLength(1);
    const [error] = body.errors;
    expect(Object.keys(error).sort()).toEqual(['extensions', 'message']);
    expect(Object.keys(error.extensions).sort()).toEqual(['code', 'requestId']);
    expect(error.extensions.code).toBe('INTERNAL');
    const requestId = String(error.extensions.requestId);
    expect(error.message).toBe(`服务器内部错误，请稍后重试（请求编号 ${requestId}）`);
    expect(result.response.headers.get('x-request-id')).toBe(requestId);
    const fault = faults.find((entry) => entry.requestId === requestId);
    expect(fault, "a log line with the answer's request id").toBeDefined();
    expect(fault!.err!.message).toContain(`relation "${TABLE}" does not exist`);
    expect(fault!.err!.stack).toMatch(/\n\s+at /);
  });

  it("has Apollo's own stack traces off in development too (the answer when formatting itself fails)", () => {
    const driver = t.api.app.get(GraphQLModule).graphQlAdapter as ApolloDriver;
    const server = driver.instance as unknown as { internals: { includeStacktraceInErrorResponses?: boolean } };
    expect(server.internals.includeStacktraceInErrorResponses).toBe(false);
  });
});
