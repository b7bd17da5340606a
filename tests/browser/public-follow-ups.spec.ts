import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL, screenshotPath, startBrowserProduct, type BrowserProduct } from '@taizhang/testing';

/**
 * A citizen's dissatisfied answer on a phone, then the clerk in the grid: the rectification it
 * made waits as 待确认, from 公开问卷, and the clerk confirms it with the status cell's list.
 */
let product: BrowserProduct;

beforeAll(async () => {
  product = await startBrowserProduct();
});
afterAll(() => product?.stop());

async function rectifications(username: string) {
  const response = await postGraphQL<{ rows: { edges: { node: { values: Record<string, unknown> } }[] } }>(
    product.server.url,
    '{ rows(ledger: "rectification") { edges { node { values } } } }',
    {},
    { token: await product.token(username) },
  );
  expect(response.errors).toBeUndefined();
  return response.data!.rows.edges.map((e) => e.node.values);
}

describe('a rectification from the public survey', () => {
  it('waits as 待确认 from 公开问卷 until the clerk picks 待整改 in the grid', async () => {
    const phone = await product.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const survey = await phone.newPage();
    await survey.goto(`${product.server.url}/s/xz07`);
    await survey.locator('[data-question="q1"]').getByLabel('非常不满意').check();
    await survey.locator('[data-question="q11"] textarea').fill('窗口无人');
    await survey.getByTestId('submit-survey').click();
    await expect.poll(() => survey.getByTestId('survey-thanks').textContent()).toContain('感谢');
    await phone.close();
    expect(await rectifications('clerk07')).toEqual([
      expect.objectContaining({ status: '待确认', source: '公开问卷', description: '窗口无人' }),
    ]);

    const context = await product.newContext();
    const page = await context.newPage();
    await product.signIn(page, 'clerk07');
    await page.locator('[data-ledger="rectification"] a').click();
    await page.waitForURL('**/ledgers/rectification');
    await page.locator('.ledger-grid .ht_master .htCore').waitFor();
    const firstRow = page.locator('.ledger-grid .ht_master .htCore tbody tr').first();
    await expect.poll(() => firstRow.textContent()).toContain('公开问卷');

    // to the status cell (the twelfth column) with the keyboard, and open its list
    await firstRow.locator('td').nth(1).click();
    for (let i = 1; i < 11; i += 1) await page.keyboard.press('ArrowRight');
    await expect.poll(() => firstRow.textContent()).toContain('待确认');
    await page.keyboard.press('Enter');
    const choices = page.locator('.autocompleteEditor .htCore tbody td');
    await expect.poll(() => choices.allTextContents()).toEqual(['待确认', '待整改', '整改中', '已整改', '已回访']);
    await page.screenshot({ path: screenshotPath('public-follow-up-confirm') });
    await choices.filter({ hasText: '待整改' }).click();

    await expect
      .poll(async () => (await rectifications('clerk07')).map((r) => r.status), { timeout: 15_000 })
      .toEqual(['待整改']);
    await context.close();
  });
});
