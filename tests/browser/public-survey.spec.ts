import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL, screenshotPath, startBrowserProduct, type BrowserProduct } from '@taizhang/testing';

/** The public survey on a phone, and the QR codes an admin prints. */
let product: BrowserProduct;

beforeAll(async () => {
  product = await startBrowserProduct();
});
afterAll(() => product?.stop());

describe('the public survey', () => {
  it('is answered on a phone without signing in, and lands in the unit’s ledger and its statistics', async () => {
    const context = await product.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
    });
    const page = await context.newPage();
    await page.goto(`${product.server.url}/s/xz03`);
    await expect.poll(() => page.getByTestId('survey-unit').textContent()).toBe('照镜镇行政审批服务中心');
    expect(await page.locator('[data-question]').count()).toBe(12);

    await page.getByTestId('submit-survey').click(); // q1 is required
    const q1 = page.locator('[data-question="q1"]');
    await expect.poll(() => q1.getByRole('alert').textContent()).toContain('必须填写');
    await q1.getByLabel('非常满意').check();
    const q7 = page.locator('[data-question="q7"]');
    await q7.getByLabel('缺少主动服务').check();
    await q7.getByLabel('服务态度不好').check();
    await page.locator('[data-question="q11"] textarea').fill('希望增加周末窗口');
    await page.screenshot({ path: screenshotPath('public-survey-phone'), fullPage: true });
    await page.getByTestId('submit-survey').click();
    await expect.poll(() => page.getByTestId('survey-thanks').textContent()).toContain('感谢');

    const token = await product.token('clerk03');
    const rows = await postGraphQL<{ rows: { edges: { node: { values: Record<string, unknown> } }[] } }>(
      product.server.url,
      '{ rows(ledger: "survey") { edges { node { values } } } }',
      {},
      { token },
    );
    expect(rows.data!.rows.edges.map((e) => e.node.values)).toEqual([
      expect.objectContaining({ q1: 'A', q7: ['B', 'A'], q11: '希望增加周末窗口' }),
    ]);
    const results = await postGraphQL<{
      surveyResults: { responses: number; questions: { field: string; options: { value: string; count: number }[] }[] };
    }>(
      product.server.url,
      '{ surveyResults(ledger: "survey") { responses questions { field options { value count } } } }',
      {},
      { token },
    );
    expect(results.data!.surveyResults.responses).toBe(1);
    const q1Result = results.data!.surveyResults.questions.find((q) => q.field === 'q1')!;
    expect(q1Result.options.find((o) => o.value === 'A')!.count).toBe(1);
    await context.close();
  });

  it('shows a link that leads nowhere as such', async () => {
    const context = await product.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${product.server.url}/s/no-such-unit`);
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('没有找到这份问卷，请核对二维码或链接');
    await context.close();
  });

  it('gives an admin a printable QR code for every unit that takes the survey', async () => {
    const page = await product.signedIn('admin', { viewport: { width: 1280, height: 900 } });
    const context = page.context();
    await page.getByTestId('nav-survey-links').click();
    const card = page.locator('.qr-card[data-unit="xz03"]');
    await card.locator('svg').waitFor();
    expect(await card.locator('.qr-url').textContent()).toBe(`${product.server.url}/s/xz03`);
    // 10 township centres and 10 windows take the survey; the bureau's sections do not
    expect(await page.locator('.qr-card').count()).toBe(20);
    await page.screenshot({ path: screenshotPath('survey-qr-codes') });
    await context.close();
  });
});
