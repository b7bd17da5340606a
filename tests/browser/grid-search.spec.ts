import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL, screenshotPath, startBrowserProduct, type BrowserProduct } from '@taizhang/testing';

/**
 * The grid's search box (issue 22, docs/grid.md "Search"), in Chromium at 1366×768: a clerk types
 * a Chinese substring, the grid shows only the rows whose texts contain it and says it is a search
 * result; combined with the sort; another unit's matching rows never appear; × clears it.
 */
let product: BrowserProduct;

beforeAll(async () => {
  product = await startBrowserProduct();
});
afterAll(() => product?.stop());

/** Waits that allow for a busy machine (two cores shared with the rest of the suite). */
const SLOW = { timeout: 20_000 };

const CASES: [string, string, string | null][] = [
  ['S-01', '王建华', null],
  ['S-02', '李强', '申请人反映材料丢失'],
  ['S-03', '张建华', null],
  ['S-04', '刘洋', null],
  ['S-05', '周建国', '已回访'],
];

async function seed(username: string, cases: [string, string, string | null][]) {
  const changes = cases.map(([no, applicant, remark]) => ({
    op: 'INSERT',
    values: {
      case_no: no,
      accepted_at: '2026-12-01T09:00:00+08:00',
      service_item: '社保卡补办',
      applicant,
      status: '受理',
      remark,
    },
  }));
  const seeded = await postGraphQL<{ saveRows: { saved: number } }>(
    product.server.url,
    `mutation ($changes: [RowChangeInput!]!) { saveRows(ledger: "window_case", changes: $changes) { saved } }`,
    { changes },
    { token: await product.token(username) },
  );
  expect(seeded.data?.saveRows.saved).toBe(cases.length);
}

/** The case numbers the grid shows, top to bottom (the frozen first column). */
const caseNumbers = (page: Page) =>
  page.locator('.ledger-grid .ht_clone_inline_start .htCore tbody tr td:first-of-type').allTextContents();

describe('the grid search box', () => {
  it('shows only the rows containing a Chinese substring, says it is a search, and clears', async () => {
    await seed('clerk08', CASES);
    // another unit's rows that match: never shown to clerk08
    await seed('clerk20', [['T-01', '钱建华', null]]);
    const context = await product.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    await product.signIn(page, 'clerk08');
    await page.locator('[data-ledger="window_case"] a').click();
    await page.waitForURL('**/ledgers/window_case');
    await expect.poll(() => page.getByTestId('rows-count').textContent(), SLOW).toBe('已加载 5 / 5 行');

    const box = page.getByTestId('grid-search');
    await expect.poll(() => box.getAttribute('placeholder')).toBe('搜索本台账的文字…');
    await box.click();
    await page.keyboard.type('建华');
    await expect.poll(() => page.getByTestId('rows-count').textContent(), SLOW).toBe('搜索结果 2 / 共 5 行');
    expect(await caseNumbers(page)).toEqual(['S-01', 'S-03']);
    await page.screenshot({ path: screenshotPath('grid-search') });

    // a remark's words; one character
    await box.fill('材料丢失');
    await expect.poll(() => caseNumbers(page), SLOW).toEqual(['S-02']);
    await box.fill('建');
    await expect.poll(() => caseNumbers(page), SLOW).toEqual(['S-01', 'S-03', 'S-05']);

    // nothing matches: an empty grid that says so
    await box.fill('不存在的字');
    await expect.poll(() => page.getByTestId('rows-count').textContent(), SLOW).toBe('搜索结果 0 / 共 5 行');

    await page.getByTestId('grid-search-clear').click();
    await expect.poll(() => page.getByTestId('rows-count').textContent(), SLOW).toBe('已加载 5 / 5 行');
    expect(await box.inputValue()).toBe('');
    expect(await caseNumbers(page)).toEqual(['S-01', 'S-02', 'S-03', 'S-04', 'S-05']);
    await context.close();
  });
});
