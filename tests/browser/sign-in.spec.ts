import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import {
  launchChromium,
  screenshotPath,
  startProductServer,
  type ProductServer,
  createTestDatabase,
  postGraphQL,
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

  it('sends a user whose password an admin set to the change-password screen, and nowhere else until it is changed', async () => {
    await db.query(`UPDATE users SET must_change_password = true WHERE username = 'clerk05'`);
    await signIn('clerk05', 'Taizhang@2026');
    await page.getByTestId('password-change-required').waitFor();
    expect(await page.getByRole('heading', { name: '修改密码' }).isVisible()).toBe(true);
    // no other page: the ledgers' address shows the same screen
    await page.goto(`${server.url}/dashboard`);
    await page.getByTestId('password-change-required').waitFor();
    expect(await page.locator('.ledger-card').count()).toBe(0);

    await page.getByLabel('当前密码').fill('Taizhang@2026');
    await page.getByLabel('新密码', { exact: true }).fill('Taizhang@2026');
    await page.getByLabel('再次输入新密码').fill('Taizhang@2026');
    await page.getByRole('button', { name: '修改密码' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('新密码不能与当前密码相同');
    await page.screenshot({ path: screenshotPath('password-change-required') });

    await page.getByLabel('当前密码').fill('Taizhang@2026');
    await page.getByLabel('新密码', { exact: true }).fill('Mine#2026c');
    await page.getByLabel('再次输入新密码').fill('Mine#2026c');
    await page.getByRole('button', { name: '修改密码' }).click();
    await expect.poll(() => page.getByTestId('current-user').textContent()).toContain('填报员');
    expect(await page.getByTestId('password-change-required').count()).toBe(0);
  });

  it('tells a user who tried too often how long to wait', async () => {
    // ten quick wrong guesses from this address: the wait has grown to about a minute
    for (let i = 0; i < 10; i += 1) {
      await postGraphQL(server.url, 'mutation ($p: String!) { signIn(username: "clerk06", password: $p) { token } }', {
        p: `not-the-Password${i}`,
      });
    }
    await signIn('clerk06', 'Taizhang@2026');
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/^尝试次数过多，请 \d+ 秒后再试$/);
    expect(page.url()).toMatch(/\/sign-in$/);
  });

  it('shows a leader that they see all units', async () => {
    await signIn('leader', 'Taizhang@2026');
    await expect.poll(() => page.getByTestId('current-unit').textContent()).toBe('全部单位');
    expect(await page.getByTestId('current-user').textContent()).toContain('领导');
  });
});
