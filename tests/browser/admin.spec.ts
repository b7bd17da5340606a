import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_PASSWORD,
  postGraphQL,
  screenshotPath,
  startBrowserProduct,
  type BrowserProduct,
} from '@taizhang/testing';

/** Units, users and the audit log, as an admin keeps them in the browser. */
let product: BrowserProduct;
let page: Page;
const signIn = (username: string) =>
  postGraphQL<{ signIn: { token: string } }>(
    product.server.url,
    `mutation ($u: String!, $p: String!) { signIn(username: $u, password: $p) { token } }`,
    { u: username, p: DEMO_PASSWORD },
  );

beforeAll(async () => {
  product = await startBrowserProduct();
  page = await product.signedIn('admin');
});
afterAll(() => product?.stop());

describe('the admin console', () => {
  it('creates a unit and a clerk who can sign in, and deactivates the clerk again', async () => {
    await page.getByTestId('nav-units').click();
    const newUnit = page.getByTestId('new-unit');
    await newUnit.locator('input[name="code"]').fill('ck99');
    await newUnit.locator('input[name="name"]').fill('县政务服务中心测试窗口');
    await newUnit.locator('select[name="kind"]').selectOption('service_window');
    await newUnit.getByRole('button').click();
    await expect.poll(() => page.getByTestId('admin-message').textContent()).toBe('单位已创建');
    await page.locator('tr[data-unit="ck99"] .link-button').click();
    const newUser = page.getByTestId('new-user');
    await newUser.locator('input[name="username"]').fill('clerk99');
    await newUser.locator('input[name="displayName"]').fill('测试填报员');
    await newUser.locator('input[name="password"]').fill(DEMO_PASSWORD);
    await newUser.getByRole('button').click();
    await expect.poll(() => page.getByTestId('admin-message').textContent()).toBe('用户已创建');
    expect((await signIn('clerk99')).data?.signIn.token).toBeTruthy();

    // a weak password is refused with the rule, in Chinese
    await newUser.locator('input[name="username"]').fill('clerk98');
    await newUser.locator('input[name="displayName"]').fill('弱密码');
    await newUser.locator('input[name="password"]').fill('abc');
    await newUser.getByRole('button').click();
    await expect.poll(() => page.getByTestId('admin-message').textContent()).toContain('密码至少需要 8 个字符');

    await page.locator('tr[data-user="clerk99"] button', { hasText: '停用' }).click();
    await expect.poll(() => page.getByTestId('admin-message').textContent()).toBe('用户已停用');
    expect((await signIn('clerk99')).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    await page.screenshot({ path: screenshotPath('admin-units') });
  });

  it('finds in the audit log who signed in and who changed which row', async () => {
    const token = (await signIn('clerk04')).data!.signIn.token;
    await postGraphQL(
      product.server.url,
      `mutation { saveRows(ledger: "window_case", changes: [{ op: INSERT, values: { case_no: "LOG-1", accepted_at: "2023-03-01T09:00:00+08:00", service_item: "社保", applicant: "甲", status: "受理" } }]) { saved } }`,
      {},
      { token },
    );
    await page.getByTestId('nav-audit').click();
    const entries = page.getByTestId('audit-entries');
    await expect.poll(() => entries.locator('tr[data-action="sign_in"]').count()).toBeGreaterThan(0);
    await page.getByTestId('audit-ledger').selectOption('window_case');
    await expect.poll(() => entries.locator('tbody tr').count()).toBe(1);
    const row = entries.locator('tbody tr').first();
    expect(await row.textContent()).toContain('clerk04');
    expect(await row.textContent()).toContain('新增行 · window_case');
    expect(await row.textContent()).toContain('LOG-1');
    await page.getByTestId('audit-ledger').selectOption('');
    await page.getByTestId('audit-user').selectOption({ label: '系统管理员（admin）' });
    await expect.poll(() => entries.locator('tbody tr').first().textContent()).toContain('admin');
    for (const who of await entries.locator('tbody tr td:nth-child(2)').allTextContents()) expect(who).toBe('admin');
    await page.screenshot({ path: screenshotPath('audit-log') });
  });
});
