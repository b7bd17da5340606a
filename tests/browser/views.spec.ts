import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openLedgerFromHome,
  postGraphQL,
  screenshotPath,
  startBrowserProduct,
  type BrowserProduct,
} from '@taizhang/testing';

/**
 * Saved views (issue 22, docs/views.md) in Chromium: an admin publishes a shared view that hides a
 * column and sorts; a clerk opens the ledger, picks it and sees the columns and the order; the clerk
 * saves a personal view with a filter, which is there after a reload, applies when picked, and once
 * set as default opens with the ledger.
 */
let product: BrowserProduct;

beforeAll(async () => {
  product = await startBrowserProduct();
});
afterAll(() => product?.stop());

/** Waits that allow for a busy machine. */
const SLOW = { timeout: 20_000 };

/** case number, applicant, channel: the applicants sort A, B, C, D, the case numbers do not. */
const CASES: [string, string, string][] = [
  ['V-01', 'C公司', '窗口'],
  ['V-02', 'A公司', '网上'],
  ['V-03', 'B公司', '网上'],
  ['V-04', 'D公司', '自助'],
];
/** The case numbers in the applicants' order, worked out here rather than read from the product. */
const BY_APPLICANT = [...CASES].sort((a, b) => (a[1] < b[1] ? -1 : 1)).map(([no]) => no);

async function seed(username: string) {
  const changes = CASES.map(([no, applicant, channel]) => ({
    op: 'INSERT',
    values: {
      case_no: no,
      accepted_at: '2026-12-01T09:00:00+08:00',
      service_item: '社保卡补办',
      applicant,
      phone: '13912345678',
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

const headers = (page: Page) =>
  page
    .locator('.ledger-grid .ht_master thead th')
    .allTextContents()
    .then((all) => all.map((text) => text.replace('*', '').trim()).filter(Boolean));
const header = (page: Page, title: string) =>
  page.locator('.ledger-grid .ht_clone_top thead th').filter({ hasText: title }).first();
/** The case numbers the grid shows, top to bottom (the frozen first column). */
const caseNumbers = (page: Page) =>
  page.locator('.ledger-grid .ht_clone_inline_start .htCore tbody tr td:first-of-type').allTextContents();
const pickedView = (page: Page) =>
  page.getByTestId('view-picker').evaluate((select: HTMLSelectElement) => select.selectedOptions[0]?.textContent);

const openLedger = (page: Page, username: string) => openLedgerFromHome(product, page, username, 'window_case');

/** The first row's height, and the headers of the columns frozen at the left (row header left out). */
const rowHeight = async (page: Page) =>
  Math.round((await page.locator('.ledger-grid .ht_master .htCore tbody tr').first().boundingBox())!.height);
const frozenHeaders = (page: Page) =>
  page
    .locator('.ledger-grid .ht_clone_top_inline_start_corner thead th')
    .allTextContents()
    .then((all) => all.map((text) => text.replace('*', '').trim()).filter(Boolean));

async function saveView(
  page: Page,
  name: string,
  options: { shared?: boolean; hide?: string[]; frozen?: number; rowHeight?: number } = {},
) {
  await page.getByTestId('view-save-as').click();
  const dialog = page.getByTestId('view-dialog');
  await dialog.waitFor();
  await page.getByTestId('view-name').fill(name);
  if (options.shared) await page.getByTestId('view-shared').check();
  for (const field of options.hide ?? []) await dialog.locator(`input[data-field="${field}"]`).uncheck();
  if (options.frozen !== undefined) await page.getByTestId('view-frozen').fill(String(options.frozen));
  if (options.rowHeight !== undefined)
    await page.getByTestId('view-row-height').selectOption(String(options.rowHeight));
  await page.getByTestId('view-dialog-save').click();
  await dialog.waitFor({ state: 'detached' });
}

describe('saved views', () => {
  it('are published by an admin, picked by a clerk, and saved, reloaded and made default by the clerk', async () => {
    await seed('clerk01');

    // the admin sorts by applicant from the column menu and publishes the view without the phone column
    const adminContext = await product.newContext({ viewport: { width: 1366, height: 768 } });
    const admin = await adminContext.newPage();
    await openLedger(admin, 'admin');
    await expect.poll(() => headers(admin), SLOW).toContain('联系电话');
    await header(admin, '申请人').locator('.changeType').click();
    await admin.getByText('升序排列', { exact: true }).click();
    await expect.poll(() => header(admin, '申请人').getAttribute('data-sort'), SLOW).toBe('asc');
    await saveView(admin, '按申请人', { shared: true, hide: ['phone'], frozen: 2, rowHeight: 40 });
    await expect.poll(() => pickedView(admin), SLOW).toBe('按申请人');
    await expect.poll(() => headers(admin), SLOW).not.toContain('联系电话');
    await admin.screenshot({ path: screenshotPath('views-1-admin-published') });
    await adminContext.close();

    // the clerk opens the ledger without a view, then picks the shared one
    const context = await product.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    await openLedger(page, 'clerk01');
    await expect.poll(() => page.getByTestId('rows-count').textContent(), SLOW).toBe('已加载 4 / 4 行');
    expect(await headers(page)).toContain('联系电话');
    expect(await caseNumbers(page)).toEqual(['V-01', 'V-02', 'V-03', 'V-04']);
    const plainHeight = await rowHeight(page);
    expect(await frozenHeaders(page)).toEqual(['办件编号']);
    const sharedGroup = page.locator('[data-testid="view-picker"] optgroup[label="共享视图"] option');
    expect(await sharedGroup.allTextContents()).toEqual(['按申请人']);
    // a shared view is the admin's: the clerk may use it, not change it
    await page.getByTestId('view-picker').selectOption({ label: '按申请人' });
    await expect.poll(() => caseNumbers(page), SLOW).toEqual(BY_APPLICANT);
    await expect.poll(() => headers(page), SLOW).not.toContain('联系电话');
    expect(await headers(page)).toContain('申请人');
    expect(await header(page, '申请人').getAttribute('data-sort')).toBe('asc');
    // two columns frozen, rows 40 px high (the grid's own are lower)
    await expect.poll(() => frozenHeaders(page), SLOW).toEqual(['办件编号', '受理时间']);
    expect(plainHeight).toBeLessThan(38);
    await expect.poll(() => rowHeight(page), SLOW).toBeGreaterThanOrEqual(39);
    expect(await rowHeight(page)).toBeLessThanOrEqual(41);
    expect(await page.getByTestId('view-update').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('views-2-clerk-picked-shared') });

    // the clerk keeps only 网上 (the value list, typed in Chinese) and saves that as a view of their own
    await header(page, '受理渠道').locator('.changeType').click();
    await page.getByText('按值筛选…', { exact: true }).click();
    await page.getByTestId('value-filter-list').locator('li').first().waitFor();
    await page.getByTestId('value-filter-search').click();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Input.insertText', { text: '网' });
    await expect
      .poll(async () => (await page.getByTestId('value-filter-list').locator('label').allTextContents()).length, SLOW)
      .toBe(1);
    await page.keyboard.press('Enter');
    const online = BY_APPLICANT.filter((no) => CASES.find((c) => c[0] === no)![2] === '网上');
    await expect.poll(() => caseNumbers(page), SLOW).toEqual(online);
    await saveView(page, '网上办件');
    expect(await page.getByTestId('view-shared').count()).toBe(0); // no 共享 tick for a clerk
    await expect.poll(() => pickedView(page), SLOW).toBe('网上办件');

    // reloaded: the ledger opens as before (no default yet), and the view is there and applies
    await page.reload();
    await page.locator('.ledger-grid .ht_master .htCore').waitFor();
    await expect.poll(() => page.getByTestId('rows-count').textContent(), SLOW).toBe('已加载 4 / 4 行');
    expect(await caseNumbers(page)).toEqual(['V-01', 'V-02', 'V-03', 'V-04']);
    const personalGroup = page.locator('[data-testid="view-picker"] optgroup[label="我的视图"] option');
    expect(await personalGroup.allTextContents()).toEqual(['网上办件']);
    await page.getByTestId('view-picker').selectOption({ label: '网上办件' });
    await expect.poll(() => caseNumbers(page), SLOW).toEqual(online);
    await expect.poll(() => page.getByTestId('rows-count').textContent(), SLOW).toBe('已筛选 2 / 共 4 行');
    await expect.poll(() => header(page, '受理渠道').getAttribute('class'), SLOW).toContain('column-filtered');
    // the personal view was saved from the shared one's columns: the phone stays hidden
    expect(await headers(page)).not.toContain('联系电话');

    // set as default: the ledger opens with it
    await page.getByTestId('view-default').click();
    await expect.poll(() => pickedView(page), SLOW).toBe('网上办件（默认）');
    // the rows are read once, in the view's filter (not the ledger's first, then the view's)
    const pageReads: unknown[] = [];
    const readOf = (request: Request) => {
      const body = request.postDataJSON() as { operationName?: string; variables?: { filter?: unknown } } | null;
      if (body?.operationName === 'RowsWindow') pageReads.push(body.variables?.filter ?? null);
    };
    page.on('request', readOf);
    await page.reload();
    await page.locator('.ledger-grid .ht_master .htCore').waitFor();
    await expect.poll(() => pickedView(page), SLOW).toBe('网上办件（默认）');
    await expect.poll(() => caseNumbers(page), SLOW).toEqual(online);
    await expect.poll(() => page.getByTestId('rows-count').textContent(), SLOW).toBe('已筛选 2 / 共 4 行');
    page.off('request', readOf);
    expect(pageReads).toHaveLength(1);
    expect(JSON.stringify(pageReads[0])).toContain('网上');
    await page.screenshot({ path: screenshotPath('views-3-clerk-default-view') });

    // another clerk of the same ledger sees the shared view, not this clerk's
    const otherContext = await product.newContext();
    const other = await otherContext.newPage();
    await openLedger(other, 'clerk02');
    await expect
      .poll(() => other.locator('[data-testid="view-picker"] option').allTextContents(), SLOW)
      .toEqual(['不使用视图', '按申请人']);
    await otherContext.close();
    await context.close();
  });
});
