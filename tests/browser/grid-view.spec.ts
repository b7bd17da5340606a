import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL, screenshotPath, startBrowserProduct, type BrowserProduct, handTyped } from '@taizhang/testing';

/**
 * Reading and tidying the grid, in Chromium at 1366×768. Filtering as Excel's AutoFilter does it: a
 * column's value list (the whole ledger's values, as the cells show them, with counts), picked by
 * searching in Chinese, the filtered column marked, 「已筛选 n / 共 m 行」, and 清除筛选. Numbers
 * with thousands separators, long texts cut with an ellipsis, 清除内容 from the menu.
 */
let product: BrowserProduct;

beforeAll(async () => {
  product = await startBrowserProduct();
});
afterAll(() => product?.stop());

/** Waits that allow for a busy machine (two cores shared with the rest of the suite). */
const SLOW = { timeout: 20_000 };

const CASES: [string, string | null, string][] = [
  ['F-01', '窗口', '王芳'],
  ['F-02', '网上', '李强'],
  ['F-03', '网上', '张伟'],
  ['F-04', '自助', '王芳'],
  ['F-05', null, '刘洋'],
];

async function seed(username: string) {
  const changes = CASES.map(([no, channel, applicant]) => ({
    op: 'INSERT',
    values: {
      case_no: no,
      accepted_at: '2026-12-01T09:00:00+08:00',
      service_item: '社保卡补办',
      applicant,
      status: '受理',
      channel,
    },
  }));
  const seeded = await postGraphQL<{ saveRows: { saved: number } }>(
    product.server.url,
    `mutation ($changes: [RowChangeInput!]!) { saveRows(ledger: "window_case", changes: $changes) { saved } }`,
    { changes },
    { token: await product.token(username) },
  );
  expect(seeded.data?.saveRows.saved).toBe(CASES.length);
}

const header = (page: Page, title: string) =>
  page.locator('.ledger-grid .ht_clone_top thead th').filter({ hasText: title }).first();

/** The case numbers the grid shows, top to bottom (the frozen first column). */
const caseNumbers = (page: Page) =>
  page.locator('.ledger-grid .ht_clone_inline_start .htCore tbody tr td:first-of-type').allTextContents();

async function openValueList(page: Page, title: string) {
  await header(page, title).locator('.changeType').click();
  await page.getByText('按值筛选…', { exact: true }).click();
  await page.getByTestId('value-filter-list').locator('li').first().waitFor();
}

describe('the value-list filter', () => {
  it('lists the whole ledger’s values with their counts, keeps those picked by a Chinese search, and clears', async () => {
    await seed('clerk09');
    const context = await product.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    await product.signIn(page, 'clerk09');
    await page.locator('[data-ledger="window_case"] a').click();
    await page.waitForURL('**/ledgers/window_case');
    await expect.poll(() => page.getByTestId('rows-count').textContent(), SLOW).toBe('已加载 5 / 5 行');

    await openValueList(page, '受理渠道');
    const listed = async () =>
      (await page.getByTestId('value-filter-list').locator('label').allTextContents()).map((t) => t.trim());
    // labels as the cells show them, counts of the whole ledger, blanks last
    const all = await listed();
    expect([...all].sort()).toEqual(['网上2', '窗口1', '自助1', '（空白）1'].sort());
    expect(all.at(-1)).toBe('（空白）1');
    await page.screenshot({ path: screenshotPath('filter-value-list') });

    // 网 typed through an input method: the list narrows, and OK keeps the ticked values shown
    await page.getByTestId('value-filter-search').click();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Input.insertText', { text: '网' });
    await expect.poll(listed, SLOW).toEqual(['网上2']);
    await page.keyboard.press('Enter');
    await expect.poll(() => caseNumbers(page), SLOW).toEqual(['F-02', 'F-03']);
    await expect.poll(() => page.getByTestId('rows-count').textContent(), SLOW).toBe('已筛选 2 / 共 5 行');
    await expect.poll(() => header(page, '受理渠道').getAttribute('class'), SLOW).toContain('column-filtered');
    expect(await header(page, '申请人').getAttribute('class')).not.toContain('column-filtered');
    await page.screenshot({ path: screenshotPath('filter-applied') });

    // another column's list counts only what the first filter leaves
    await openValueList(page, '申请人');
    expect((await listed()).sort()).toEqual(['张伟1', '李强1'].sort());
    await page.getByText('取消', { exact: true }).click();

    // reopened, the first list shows what is kept ticked
    await openValueList(page, '受理渠道');
    const ticked = await page
      .getByTestId('value-filter-list')
      .locator('label')
      .evaluateAll((labels) =>
        labels.map((l) => `${l.textContent}:${(l.querySelector('input') as HTMLInputElement).checked}`),
      );
    expect(ticked.sort()).toEqual(['网上2:true', '窗口1:false', '自助1:false', '（空白）1:false'].sort());
    // blanks too: 空白 ticked keeps the row without a channel
    await page.getByTestId('value-filter-list').locator('label').filter({ hasText: '（空白）' }).click();
    await page.getByTestId('value-filter-ok').click();
    await expect.poll(() => caseNumbers(page), SLOW).toEqual(['F-02', 'F-03', 'F-05']);

    await page.getByTestId('clear-filters').click();
    await expect.poll(() => page.getByTestId('rows-count').textContent(), SLOW).toBe('已加载 5 / 5 行');
    await expect.poll(() => header(page, '受理渠道').getAttribute('class'), SLOW).not.toContain('column-filtered');
    expect(await caseNumbers(page)).toEqual(['F-01', 'F-02', 'F-03', 'F-04', 'F-05']);
    await page.screenshot({ path: screenshotPath('filter-cleared') });
    await context.close();
  });
});

describe('cells as a spreadsheet shows them', () => {
  const save = async (token: string, ledger: string, period: string | null, values: Record<string, unknown>) => {
    const seeded = await postGraphQL<{ saveRows: { saved: number } }>(
      product.server.url,
      `mutation ($ledger: String!, $period: String, $changes: [RowChangeInput!]!) {
         saveRows(ledger: $ledger, period: $period, changes: $changes) { saved } }`,
      { ledger, period, changes: [handTyped({ op: 'INSERT', values })] },
      { token },
    );
    expect(seeded.errors).toBeUndefined();
    expect(seeded.data?.saveRows.saved).toBe(1);
  };
  const open = async (username: string, ledger: string) => {
    const context = await product.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    await product.signIn(page, username);
    await page.locator(`[data-ledger="${ledger}"] a`).click();
    await expect.poll(() => page.getByTestId('rows-count').textContent(), SLOW).toBe('已加载 1 / 1 行');
    return { context, page };
  };
  const firstRowCell = (page: Page, col: number) =>
    page.locator('.ledger-grid .ht_master .htCore tbody tr').first().locator('td').nth(col);

  // the daily report's counts set by hand (with a reason): a county's day, in thousands
  it('separates thousands as Excel’s #,##0 does', async () => {
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    await save(await product.token('clerk01'), 'daily_followup', today, {
      report_date: today,
      cases: 1203,
      follow_ups: 1000,
      dissatisfied: 0,
    });
    const { context, page } = await open('clerk01', 'daily_followup');
    expect(await firstRowCell(page, 1).textContent()).toBe('1,203');
    expect(await firstRowCell(page, 2).textContent()).toBe('1,000');
    await page.screenshot({ path: screenshotPath('cells-thousands') });
    await context.close();
  });

  it('ends a long text in an ellipsis with the whole text on hover, and 清除内容 empties cells', async () => {
    const long = '城乡居民基本养老保险待遇资格认证及补发申请（含异地居住人员）';
    const token = await product.token('clerk02');
    await save(token, 'window_case', null, {
      case_no: 'D-1',
      accepted_at: '2026-12-01T09:00:00+08:00',
      service_item: long,
      applicant: '陈静',
      status: '受理',
      handler: '周敏',
    });
    const { context, page } = await open('clerk02', 'window_case');
    const item = firstRowCell(page, 2);
    expect(await item.textContent()).toBe(long);
    expect(await item.getAttribute('title')).toBe(long);
    const cut = await item.evaluate((td) => ({
      overflow: getComputedStyle(td).textOverflow,
      wraps: getComputedStyle(td).whiteSpace,
      clipped: td.scrollWidth > td.clientWidth,
      height: td.getBoundingClientRect().height,
    }));
    expect(cut).toMatchObject({ overflow: 'ellipsis', wraps: 'nowrap', clipped: true });
    expect(cut.height).toBeLessThan(40); // one line: the row did not grow
    await page.screenshot({ path: screenshotPath('cells-ellipsis') });

    // 清除内容 on 经办人 from the right-click menu: emptied and saved
    const handler = firstRowCell(page, 6);
    expect(await handler.textContent()).toBe('周敏');
    await handler.click({ button: 'right' });
    await page.getByText('清除内容', { exact: true }).click();
    await expect.poll(() => handler.textContent(), SLOW).toBe('');
    await expect
      .poll(async () => {
        const rows = await postGraphQL<{ rows: { edges: { node: { values: Record<string, unknown> } }[] } }>(
          product.server.url,
          `{ rows(ledger: "window_case", first: 10) { edges { node { values } } } }`,
          {},
          { token },
        );
        return rows.data?.rows.edges[0].node.values.handler;
      }, SLOW)
      .toBeNull();
    await context.close();
  });
});
