import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-harness';

/**
 * Issue 26, finding 3: every answer (the web app's page and files, GraphQL, a download, a
 * refusal) carries the security headers: a Content-Security-Policy that runs only this origin's
 * scripts and lets no site frame the app, X-Frame-Options, nosniff, a Referrer-Policy.
 */
let t: TestApi;
let webDir: string;
let token: string;

beforeAll(async () => {
  // a web app of two files, served the way dist/web is
  webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'taizhang-web-'));
  fs.mkdirSync(path.join(webDir, 'assets'));
  fs.writeFileSync(
    path.join(webDir, 'index.html'),
    '<!doctype html><html><head><script type="module" src="/assets/app.js"></script></head><body></body></html>',
  );
  fs.writeFileSync(path.join(webDir, 'assets', 'app.js'), 'console.log("app");\n');
  t = await startTestApi({}, { webDir });
  token = await t.signIn('clerk01');
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(webDir, { recursive: true, force: true });
});

/** The policy's directives, by name. */
function directives(csp: string | null): Map<string, string[]> {
  expect(csp, 'a Content-Security-Policy header').toBeTruthy();
  return new Map(
    csp!
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...sources]) => [name, sources]),
  );
}

function expectAppHeaders(response: Response) {
  const csp = directives(response.headers.get('content-security-policy'));
  expect(csp.get('default-src')).toEqual(["'self'"]);
  expect(csp.get('script-src')).toContain("'self'");
  expect(csp.get('script-src')).not.toContain("'unsafe-inline'");
  expect(csp.get('script-src')!.every((s) => s.startsWith("'"))).toBe(true); // no other host, no scheme
  expect(csp.get('script-src-attr')).toEqual(["'none'"]);
  expect(csp.get('style-src')).toEqual(["'self'"]);
  // this origin, and Handsontable's core stylesheet by its hash
  expect(csp.get('style-src-elem')).toEqual(["'self'", expect.stringMatching(/^'sha256-[A-Za-z0-9+/]{43}='$/)]);
  expect(csp.get('style-src-attr')).toEqual(["'none'"]);
  expect(csp.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
  expect(csp.get('connect-src')).toEqual(["'self'"]);
  expect(csp.get('object-src')).toEqual(["'none'"]);
  expect(csp.get('base-uri')).toEqual(["'self'"]);
  expect(csp.get('form-action')).toEqual(["'self'"]);
  expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  expectOtherHeaders(response);
}

function expectOtherHeaders(response: Response) {
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('referrer-policy')).toBe('same-origin');
  expect(response.headers.get('x-powered-by')).toBeNull();
}

const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('security headers', () => {
  it('are on the web app: its page, its files, and its routes loaded on a refresh', async () => {
    const page = await fetch(`${t.url}/`, { headers: html });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/assets/app.js');
    expectAppHeaders(page);

    const script = await fetch(`${t.url}/assets/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expectAppHeaders(script);

    const route = await fetch(`${t.url}/ledgers/daily_followup`, { headers: html });
    expect(route.status).toBe(200);
    expectAppHeaders(route);
  });

  it('are on GraphQL answers, a download and a refusal', async () => {
    const answer = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { username } }' }),
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ data: { me: { username: 'clerk01' } } });
    expectAppHeaders(answer);

    const download = await fetch(`${t.url}/export/daily_followup.csv`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toMatch(/attachment/);
    expectAppHeaders(download);

    const anonymous = await fetch(`${t.url}/export/daily_followup.xlsx`);
    expect(anonymous.status).toBe(401);
    expectAppHeaders(anonymous);

    // the cross-site guard's refusal, and the body parser's
    const crossSite = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: 'tz_session=x', origin: 'https://evil.example' },
      body: JSON.stringify({ query: '{ me { username } }' }),
    });
    expect(crossSite.status).toBe(403);
    expectAppHeaders(crossSite);
    const broken = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(broken.status).toBe(400);
    expectAppHeaders(broken);
  });

  it('are on /graphql asked for by a browser: there is no landing page to loosen them for', async () => {
    const page = await fetch(`${t.url}/graphql`, { headers: html });
    expect(page.status).toBe(400); // Apollo's CSRF refusal: no landing page in any mode
    expect(page.headers.get('content-type')).toMatch(/json/);
    expectAppHeaders(page);
  });
});
