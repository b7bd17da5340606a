import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL, postRaw, signInToken } from '@taizhang/testing';
import { startApi } from '../src/bootstrap';
import { loadConfig } from '../src/config/app-config';
import { startTestApi, type TestApi } from './api-harness';

describe('GraphQL in development', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(() => t?.close());

  it('answers a malformed document with a clear error and stays up', async () => {
    const broken = await t.gql('{ me { id ');
    expect(broken.status).toBe(400);
    expect(broken.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'GRAPHQL_PARSE_FAILED' });
    expect(broken.errors![0].message).toMatch(/^GraphQL 请求语法错误：Syntax Error/);

    const notJson = await postRaw(t.url, '{"query": ');
    expect(notJson.status).toBe(400);

    const unknownField = await t.gql('{ nothingHere }');
    expect(unknownField.errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'GRAPHQL_VALIDATION_FAILED',
    });

    const wrongType = await t.gql('mutation ($u: String!) { signIn(username: $u, password: "x") { token } }', {
      u: 42,
    });
    expect(wrongType.errors![0].extensions!.code).toBe('BAD_USER_INPUT');

    // still up
    const after = await t.gql('mutation { signIn(username: "admin", password: "Taizhang@2026") { token } }');
    expect(after.data!.signIn.token).toBeTruthy();
  });

  it('refuses a query nested past the depth limit', async () => {
    const tooDeep = `{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } }`;
    const response = await t.gql(tooDeep);
    expect(response.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'QUERY_TOO_DEEP' });
    expect(response.errors![0].message).toContain('查询嵌套层级过深');
  });

  it('refuses too many aliases', async () => {
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: __typename`).join(' ');
    expect((await t.gql(`{ ${aliases} }`)).errors![0].extensions!.reason).toBe('TOO_MANY_ALIASES');
  });

  it('refuses a document of more than 50,000 tokens before parsing it all, and stays quick', async () => {
    const huge = `{ ${'__typename '.repeat(60_000)}}`;
    const started = Date.now();
    const response = await t.gql(huge);
    expect(response.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'GRAPHQL_PARSE_FAILED' });
    expect(response.errors![0].message).toMatch(/^GraphQL 请求语法错误：.*50000 tokens/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('gives English messages when Accept-Language asks for them', async () => {
    const response = await t.gql('{ me { id } }', {}, { language: 'en' });
    expect(response.errors![0].message).toBe('Please sign in first');
  });
});

describe('GraphQL in production (NODE_ENV=production)', () => {
  let t: TestApi;
  beforeAll(async () => {
    // Production never creates the demo accounts, and makes those it finds change the demo
    // password (issue 26): they are seeded in development first, then (as if they had changed
    // it) let through in production.
    const seeded = await startTestApi();
    await seeded.api.close();
    const env = { NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', WEB_DIR: '/nonexistent', DEMO_ROWS: '0' };
    const api = await startApi(loadConfig(env), seeded.db.url);
    await seeded.db.query(`UPDATE users SET must_change_password = false`);
    t = {
      ...seeded,
      url: api.url,
      api,
      gql: (query, variables, options) => postGraphQL(api.url, query, variables, options),
      signIn: (username, password) => signInToken(api.url, username, password),
      close: async () => {
        await api.close();
        await seeded.db.drop();
      },
    };
  });
  afterAll(() => t?.close());

  it('has introspection off', async () => {
    const response = await t.gql('{ __schema { types { name } } }');
    expect(response.data ?? null).toBeNull();
    expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(response.errors![0].message).toMatch(/introspection/i);
  });

  it('sends no stack traces', async () => {
    const responses = [
      await t.gql('{ me { id } }'),
      await t.gql('{ me { id '),
      await t.gql('{ unit(id: "abc") { id } }'),
    ];
    for (const response of responses) {
      for (const error of response.errors!) expect(error.extensions!.stacktrace).toBeUndefined();
    }
  });

  it('keeps the depth, cost, alias and size limits on, refused with their codes', async () => {
    const token = await t.signIn('leader');
    const tooDeep = `{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } }`;
    const deepAnswer = await t.gql(tooDeep, {}, { token });
    expect(deepAnswer.errors!.map((e) => e.extensions!.reason)).toContain('QUERY_TOO_DEEP');
    const refusals = [
      [`{ ${Array.from({ length: 40 }, (_, i) => `a${i}: __typename`).join(' ')} }`, 'TOO_MANY_ALIASES'],
      [
        `{ ${Array.from({ length: 25 }, (_, i) => `r${i}: rows(ledger: "task", first: 1000) { totalCount }`).join(' ')} }`,
        'QUERY_TOO_COMPLEX',
      ],
      [`{ ${'__typename '.repeat(60_000)}}`, 'GRAPHQL_PARSE_FAILED'],
    ];
    for (const [document, reason] of refusals) {
      const response = await t.gql(document, {}, { token });
      expect(response.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason });
      expect(response.errors![0].extensions!.stacktrace).toBeUndefined();
    }
  });

  it('sets a Secure session cookie', async () => {
    const response = await t.gql('mutation { signIn(username: "admin", password: "Taizhang@2026") { token } }');
    expect(response.headers.get('set-cookie')).toMatch(/; Secure/i);
  });

  it('still serves the contract to a signed-in client', async () => {
    const token = await t.signIn('leader');
    const response = await t.gql('{ me { role } units { code } }', {}, { token });
    expect(response.data!.me.role).toBe('LEADER');
    expect(response.data!.units.length).toBeGreaterThanOrEqual(15);
  });
});
