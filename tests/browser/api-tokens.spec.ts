import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotPath, startBrowserProduct, type BrowserProduct } from '@taizhang/testing';

/** /admin/tokens: an admin makes a token for another system, sees it once, and revokes it. */
let product: BrowserProduct;
let page: Page;

const STATS = `{ statistics(ledger: "daily_followup", measures: ["cases"], groupBy: ["unit"]) { rows { keys { label } } } }`;

/** What another system gets back for the statistics with this token. */
async function pullWith(token: string) {
  const response = await fetch(`${product.server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: STATS }),
  });
  return {
    status: response.status,
    body: (await response.json()) as {
      data?: { statistics: { rows: { keys: { label: string }[] }[] } };
      errors?: { message: string; extensions: { reason: string } }[];
    },
  };
}

const toasts = (kind: 'success' | 'error') =>
  page.locator(`[data-testid="toast"][data-kind="${kind}"] .toast-text`).allTextContents();

beforeAll(async () => {
  product = await startBrowserProduct();
  page = await product.signedIn('admin');
});
afterAll(() => product?.stop());

describe('API tokens', () => {
  it('refuses a rows token without ledgers, naming the field', async () => {
    await page.getByTestId('nav-integration').click();
    await page.getByTestId('tokens-page').waitFor();
    const form = page.getByTestId('token-form');
    await form.locator('input[name="name"]').fill('BI 报表');
    await page.getByTestId('token-scope-ROWS_READ').check();
    await page.getByTestId('token-submit').click();
    await expect
      .poll(() => form.locator('.form-error').allTextContents())
      .toEqual(['台账：「读取台账数据」的令牌须至少选择一个台账']);
    await page.screenshot({ path: screenshotPath('tokens-refused'), fullPage: true });
  });

  it('creates a token shown once, which then reads statistics, and is refused once revoked', async () => {
    const form = page.getByTestId('token-form');
    await form.locator('input[name="name"]').fill('市统计平台');
    await page.getByTestId('token-scope-STATISTICS_READ').check();
    await form.locator('textarea[name="allowedAddresses"]').fill('127.0.0.1\n::1');
    await page.getByTestId('token-submit').click();
    const once = page.getByTestId('token-once');
    await once.waitFor();
    await expect.poll(() => toasts('success')).toContain('已创建令牌「市统计平台」');
    expect(await once.textContent()).toContain('令牌只显示这一次');
    const token = (await page.getByTestId('token-value').textContent())!.trim();
    expect(token).toMatch(/^tz_[A-Za-z0-9_-]{43}$/);
    await page.screenshot({ path: screenshotPath('tokens-created'), fullPage: true });

    // another system uses it
    const pulled = await pullWith(token);
    expect(pulled.status).toBe(200);
    expect(pulled.body.errors).toBeUndefined();
    expect(pulled.body.data!.statistics.rows.map((r) => r.keys[0].label)).toContain('城关镇行政审批服务中心');

    // once dismissed (or the page reloaded) the token is nowhere on the page; its last use is listed
    await page.getByTestId('token-dismiss').click();
    await page.reload();
    const row = page.locator('[data-testid="token-table"] tr', { hasText: '市统计平台' });
    await row.waitFor();
    expect(await page.content()).not.toContain(token);
    expect(await row.getByTestId('token-last-used').textContent()).not.toBe('从未使用');
    expect(await row.textContent()).toContain('127.0.0.1');

    // 撤销, after a confirmation
    await row.getByTestId('token-revoke').click();
    const dialog = page.getByTestId('confirm-dialog');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.textContent()).toContain('撤销「市统计平台」后，使用它的系统将立即无法访问');
    await page.screenshot({ path: screenshotPath('tokens-revoke-confirm') });
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => toasts('success')).toContain('已撤销令牌「市统计平台」');
    await expect.poll(() => row.getAttribute('data-state')).toBe('revoked');
    await page.screenshot({ path: screenshotPath('tokens-revoked'), fullPage: true });

    const refused = await pullWith(token);
    expect(refused.status).toBe(401);
    expect(refused.body.errors![0]).toMatchObject({ message: '令牌已撤销', extensions: { reason: 'TOKEN_REVOKED' } });
  });

  it("a unit's token writes that unit's rows, and the audit log shows them under the token's name", async () => {
    await page.goto(`${product.server.url}/admin/tokens`);
    const form = page.getByTestId('token-form');
    await form.locator('input[name="name"]').fill('县短信网关');
    await page.getByTestId('token-scope-UNIT_WRITE').check();
    await page.getByTestId('token-unit').selectOption({ label: '城关镇行政审批服务中心' });
    await page.getByTestId('token-submit').click();
    const token = (await page.getByTestId('token-value').textContent())!.trim();
    await page.screenshot({ path: screenshotPath('tokens-unit-write'), fullPage: true });
    const saved = await fetch(`${product.server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: `mutation ($changes: [RowChangeInput!]!) { saveRows(ledger: "window_case", changes: $changes) { saved } }`,
        variables: {
          changes: [
            {
              op: 'INSERT',
              values: {
                case_no: 'GJ-TOKEN-1',
                accepted_at: '2026-12-06T09:30:00+08:00',
                service_item: '接口令牌写入',
                applicant: '张三',
                status: '受理',
              },
            },
          ],
        },
      }),
    });
    const answer = (await saved.json()) as { data?: { saveRows: { saved: number } }; errors?: unknown[] };
    expect(answer.errors, JSON.stringify(answer.errors)).toBeUndefined();
    expect(answer.data!.saveRows.saved).toBe(1);
    await page.getByTestId('nav-audit').click();
    const via = page.getByTestId('audit-via-token').first();
    await via.waitFor();
    expect(await via.textContent()).toBe('接口令牌：县短信网关');
    await page.screenshot({ path: screenshotPath('tokens-audit') });
  });

  it('speaks English on request', async () => {
    await page.goto(`${product.server.url}/admin/tokens`);
    await page.getByTestId('language-switch').click();
    await expect.poll(() => page.locator('h2').first().textContent()).toBe('API tokens');
    expect(await page.getByTestId('token-form').textContent()).toContain('Read and write one unit');
    const row = page.locator('[data-testid="token-table"] tr', { hasText: '市统计平台' });
    expect(await row.getAttribute('data-state')).toBe('revoked');
    expect(await row.textContent()).toContain('Revoked');
    await page.screenshot({ path: screenshotPath('tokens-en'), fullPage: true });
    await page.getByTestId('language-switch').click();
  });
});
