import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { DEMO_PASSWORD, SIGN_IN, signInToken } from './api-product';
import { startProductServer, type ProductServer } from './product-server';
import { createTestDatabase, type TestDatabase } from './test-database';

/** A browser test's world: a fresh database, the built product on it, and Chromium. */
export interface BrowserProduct {
  db: TestDatabase;
  server: ProductServer;
  browser: Browser;
  /** A context in Chinese on a desktop screen unless told otherwise. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** Signs a page's context in (the session cookie, as the sign-in page sets it) and opens the home page. */
  signIn(page: Page, username: string): Promise<void>;
  /** A new page in a new context, signed in. */
  signedIn(username: string, options?: BrowserContextOptions): Promise<Page>;
  /** A bearer token, for what the test sets up or checks through the API. */
  token(username: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startBrowserProduct(env: NodeJS.ProcessEnv = {}): Promise<BrowserProduct> {
  const db = await createTestDatabase();
  const server = await startProductServer({ DATABASE_URL: db.url, ...env });
  const browser = await launchChromium();
  const newContext = (options: BrowserContextOptions = {}) =>
    browser.newContext({
      viewport: { width: 1440, height: 900 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      ...options,
    });
  // Through the API with the page's own cookie jar (the context's request client shares it): the
  // sign-in mutation sets the session cookie as the sign-in page would, without loading and filling
  // that page in every test that is not about it (tests/browser/sign-in.spec.ts is).
  const signIn = async (page: Page, username: string) => {
    const response = await page.context().request.post(`${server.url}/graphql`, {
      data: { query: SIGN_IN, variables: { u: username, p: DEMO_PASSWORD } },
    });
    const body = (await response.json()) as { data?: { signIn?: unknown } | null; errors?: unknown };
    if (!body.data?.signIn) throw new Error(`sign-in as ${username} failed: ${JSON.stringify(body.errors)}`);
    await page.goto(`${server.url}/`);
    await page.getByTestId('current-user').waitFor();
  };
  return {
    db,
    server,
    browser,
    newContext,
    signIn,
    async signedIn(username, options) {
      const page = await (await newContext(options)).newPage();
      await signIn(page, username);
      return page;
    },
    token: (username) => signInToken(server.url, username),
    async stop() {
      await browser.close();
      await server.stop();
      await db.drop();
    },
  };
}
