import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-harness';

/** The public address for the survey's QR codes: PUBLIC_BASE_URL, overridden by an admin's setting. */
let t: TestApi;
let admin: string;
const READ = '{ publicBaseUrl { url source environmentUrl updatedAt } }';
const SET = 'mutation ($url: String) { setPublicBaseUrl(url: $url) { url source environmentUrl updatedAt } }';

beforeAll(async () => {
  t = await startTestApi({ PUBLIC_BASE_URL: 'https://env.example.gov.cn/' });
  admin = await t.signIn('admin');
});
afterAll(() => t?.close());

describe('the public base URL setting', () => {
  it('starts from PUBLIC_BASE_URL, is overridden by the admin and falls back again when cleared', async () => {
    const start = await t.gql(READ, {}, { token: admin });
    expect(start.data!.publicBaseUrl).toEqual({
      url: 'https://env.example.gov.cn',
      source: 'ENVIRONMENT',
      environmentUrl: 'https://env.example.gov.cn',
      updatedAt: null,
    });
    const set = await t.gql(SET, { url: ' https://tz.example.gov.cn/survey/ ' }, { token: admin });
    expect(set.errors).toBeUndefined();
    expect(set.data!.setPublicBaseUrl).toMatchObject({ url: 'https://tz.example.gov.cn/survey', source: 'SETTING' });
    // kept in PostgreSQL: read again, it is there
    const again = await t.gql(READ, {}, { token: admin });
    expect(again.data!.publicBaseUrl.url).toBe('https://tz.example.gov.cn/survey');
    expect(new Date(again.data!.publicBaseUrl.updatedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    const cleared = await t.gql(SET, { url: '' }, { token: admin });
    expect(cleared.data!.setPublicBaseUrl).toMatchObject({ url: 'https://env.example.gov.cn', source: 'ENVIRONMENT' });
  });

  it('refuses an address that is not http(s), naming the field and the reason in the caller’s language', async () => {
    const zh = await t.gql(SET, { url: 'tz.example.gov.cn' }, { token: admin });
    expect(zh.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_SETTING' });
    expect(zh.errors?.[0].message).toContain('公网访问地址有误');
    expect((zh.errors?.[0].extensions?.errors as { path: string }[])[0].path).toBe('url');
    const en = await t.gql(SET, { url: 'ftp://tz.example.gov.cn' }, { token: admin, language: 'en' });
    expect(en.errors?.[0].message).toBe('Public address: The URL must start with http:// or https://');
    const unchanged = await t.gql(READ, {}, { token: admin });
    expect(unchanged.data!.publicBaseUrl.source).toBe('ENVIRONMENT');
  });

  it('is for admins only', async () => {
    const leader = await t.signIn('leader');
    const refused = await t.gql(SET, { url: 'https://evil.example.com' }, { token: leader });
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
