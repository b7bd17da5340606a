import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import {
  launchChromium,
  screenshotPath,
  startProductServer,
  type ProductServer,
  createTestDatabase,
  type TestDatabase,
} from '@taizhang/testing';

let db: TestDatabase;
let server: ProductServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startProductServer({ DATABASE_URL: db.url });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await db?.drop();
});
beforeEach(async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
});
afterEach(async () => {
  await page.context().close();
});

async function signIn(username: string, password: string) {
  await page.goto(server.url);
  await page.waitForURL('**/sign-in');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}

describe('signing in', () => {
  it("signs a clerk in, shows the unit's name, and signs out again", async () => {
    await signIn('clerk03', 'Taizhang@2026');
    await expect.poll(() => page.getByTestId('current-unit').textContent()).toContain('照镜镇行政审批服务中心');
    expect(await page.getByTestId('current-user').textContent()).toContain('填报员');
    // the ledgers the township fills, titled as the definitions title them
    await page.locator('[data-ledger="daily_followup"]').waitFor();
    const titles = await page.locator('.ledger-card h3').allTextContents();
    expect(titles.sort()).toEqual(
      ['不满意办件整改台账', '政务服务大回访日报台账', '政务服务大回访调查问卷', '窗口办件台账'].sort(),
    );
    expect(await page.locator('[data-ledger="daily_followup"]').textContent()).toContain('每日报送 · 截止 17:00');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await page.screenshot({ path: screenshotPath('signed-in-clerk') });

    // the session survives a reload (httpOnly cookie), and script cannot read it
    await page.reload();
    await expect.poll(() => page.getByTestId('current-unit').textContent()).toContain('照镜镇');
    expect(await page.evaluate(() => document.cookie)).not.toContain('tz_session');

    await page.getByTestId('sign-out').click();
    await page.waitForURL('**/sign-in');
    await page.goto(server.url);
    await page.waitForURL('**/sign-in');
    expect(await page.getByRole('button', { name: '登录' }).isVisible()).toBe(true);
  });

  it('shows a wrong password as an error in Chinese and stays on the sign-in page', async () => {
    await signIn('clerk03', 'not-the-Password1');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('用户名或密码错误');
    expect(page.url()).toMatch(/\/sign-in$/);
    await page.screenshot({ path: screenshotPath('wrong-password') });
  });

  it('speaks English after the switch, including the server’s error, and remembers the choice', async () => {
    await page.goto(`${server.url}/sign-in`);
    await page.getByTestId('language-switch').click();
    await page.getByLabel('Username').fill('clerk04');
    await page.getByLabel('Password').fill('not-the-Password1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toBe('Wrong username or password');
    await page.reload();
    expect(await page.getByLabel('Username').isVisible()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
  });

  it('shows a leader that they see all units', async () => {
    await signIn('leader', 'Taizhang@2026');
    await expect.poll(() => page.getByTestId('current-unit').textContent()).toBe('全部单位');
    expect(await page.getByTestId('current-user').textContent()).toContain('领导');
  });
});
