import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { DEMO_PASSWORD, signInToken } from './api-product';
import { startProductServer, type ProductServer } from './product-server';
import { createTestDatabase, type TestDatabase } from './test-database';

/** A browser test's world: a fresh database, the built product on it, and Chromium. */
export interface BrowserProduct {
  db: TestDatabase;
  server: ProductServer;
  browser: Browser;
  /** A context in Chinese on a desktop screen unless told otherwise. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** Signs a page in through the sign-in page, as a user would. */
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
  const signIn = async (page: Page, username: string) => {
    await page.goto(`${server.url}/sign-in`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
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
