import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentPeriod } from '@taizhang/ledger-core';
import { postGraphQL, screenshotPath, startBrowserProduct, type BrowserProduct } from '@taizhang/testing';

/**
 * 更正 of a submitted sheet (issue 24), in Chromium at a county office's 1366×768: a clerk selects a
 * cell of today's submitted daily report and asks for a correction with a reason; the admin
 * approves it on the board; the clerk then sees the corrected value marked in the grid, and the
 * correction in the row's history.
 *
 * The server runs on the real clock, so the ledger of the test is due at 23:59, like sheets.spec.ts.
 */
const VIEWPORT = { width: 1366, height: 768 };
const LEDGER = {
  key: 'visits_daily',
  title: { zh: '回访日报', en: 'Daily follow-ups' },
  period: 'daily',
  periodField: 'day',
  deadline: '23:59',
  fields: [
    { key: 'day', title: { zh: '日期', en: 'Date' }, type: 'date', required: true, unique: true },
    { key: 'cases', title: { zh: '办件量', en: 'Cases' }, type: 'integer', required: true, min: 0 },
    { key: 'follow_ups', title: { zh: '回访量', en: 'Follow-ups' }, type: 'integer', required: true, min: 0 },
    { key: 'photo', title: { zh: '现场照片', en: 'Photo' }, type: 'attachment', kinds: ['image'] },
  ],
  rules: [
    {
      key: 'followups_le_cases',
      level: 'error',
      check: 'follow_ups <= cases',
      message: { zh: '回访量不能大于办件量', en: 'Follow-ups cannot exceed cases' },
      fields: ['follow_ups'],
    },
  ],
};
const REASON = '回访记录漏录 2 条';

let product: BrowserProduct;
const today = currentPeriod('daily', new Date())!;

beforeAll(async () => {
  product = await startBrowserProduct();
  const admin = await product.token('admin');
  const published = await postGraphQL(
    product.server.url,
    'mutation ($d: JSON!) { publishLedger(definition: $d) { key } }',
    { d: LEDGER },
    { token: admin },
  );
  expect(published.errors).toBeUndefined();
  // the clerk's report of today, submitted: locked from here on
  const clerk = await product.token('clerk01');
  const saved = await postGraphQL<{ saveRows: { saved: number } }>(
    product.server.url,
    `mutation ($changes: [RowChangeInput!]!) { saveRows(ledger: "visits_daily", changes: $changes) { saved } }`,
    { changes: [{ op: 'INSERT', values: { day: today, cases: 10, follow_ups: 8 } }] },
    { token: clerk },
  );
  expect(saved.data!.saveRows.saved).toBe(1);
  const submitted = await postGraphQL(
    product.server.url,
    `mutation ($p: String!) { submitSheet(ledger: "visits_daily", period: $p) { state } }`,
    { p: today },
    { token: clerk },
  );
  expect(submitted.errors).toBeUndefined();
});
afterAll(() => product?.stop());

function cell(page: Page, row: number, col: number) {
  const layer = col === 0 ? '.ht_clone_inline_start' : '.ht_master';
  return page.locator(`.ledger-grid ${layer} .htCore tbody tr`).nth(row).locator('td').nth(col);
}

async function openSheet(page: Page) {
  await page.goto(`${product.server.url}/ledgers/visits_daily`);
  await page.locator('.ledger-grid .ht_master .htCore').waitFor();
  await expect.poll(() => page.getByTestId('rows-count').textContent()).toMatch(/已加载/);
  await expect.poll(() => page.getByTestId('sheet-state').getAttribute('data-state')).toBe('SUBMITTED');
}

describe('a correction of a submitted daily report', () => {
  it('the clerk asks, the admin approves on the board, the clerk sees the corrected value marked', async () => {
    const clerk = await product.signedIn('clerk01', { viewport: VIEWPORT });
    await openSheet(clerk);
    expect(await clerk.getByTestId('add-row').count()).toBe(0);
    expect(await clerk.getByTestId('correction-bar').textContent()).toContain('报表已提交并锁定');
    expect(await cell(clerk, 0, 2).textContent()).toBe('8');

    // select the cell, 申请更正 from its menu: a dialog with the value now, the new value and the reason
    await cell(clerk, 0, 2).click({ button: 'right' });
    await clerk.locator('.htContextMenu').waitFor();
    await clerk.locator('.htContextMenu').getByText('申请更正', { exact: true }).click();
    const dialog = clerk.getByTestId('correction-dialog');
    await dialog.waitFor();
    expect(await dialog.locator('h3').textContent()).toBe('申请更正：回访量');
    expect(await clerk.getByTestId('correction-current').textContent()).toBe('8');
    // no reason: refused in the dialog, nothing sent
    await clerk.getByTestId('correction-value').locator('input').fill('10');
    await clerk.getByTestId('correction-send').click();
    expect(await clerk.getByTestId('correction-problem').textContent()).toBe('请填写更正原因');
    // a value the rule refuses: the server's message names the rule
    await clerk.getByTestId('correction-value').locator('input').fill('12');
    await clerk.getByTestId('correction-reason').fill(REASON);
    await clerk.getByTestId('correction-send').click();
    await expect
      .poll(() => clerk.getByTestId('correction-problem').textContent())
      .toBe('更正「回访量」未通过校验：回访量不能大于办件量');
    await clerk.getByTestId('correction-value').locator('input').fill('10');
    await clerk.screenshot({ path: screenshotPath('corrections-request-dialog') });
    await clerk.getByTestId('correction-send').click();
    await expect.poll(() => clerk.getByTestId('correction-note').textContent()).toBe('已提交更正申请，等待管理员审核');
    expect(await clerk.getByTestId('correction-dialog').count()).toBe(0);
    await expect.poll(() => clerk.getByTestId('sheet-corrections').textContent()).toBe('✎ 已更正 0 处 · 待审核 1');
    // the request waits: the cell is unchanged, the clerk sees the request, without the admin's buttons
    expect(await cell(clerk, 0, 2).textContent()).toBe('8');
    expect(await clerk.getByTestId('correction-request').textContent()).toContain(`回访量：8 → 10`);
    expect(await clerk.getByTestId('approve-correction').count()).toBe(0);

    // the admin's board: the request, approved there
    const admin = await product.signedIn('admin', { viewport: VIEWPORT });
    await admin.getByTestId('nav-dashboard').click();
    await admin.waitForURL('**/dashboard');
    const board = admin.getByTestId('board-visits_daily');
    const request = board.getByTestId('correction-request');
    await board.waitFor();
    // the board, then its requests, each read when the dashboard has listed the ledgers
    await expect.poll(() => request.count(), { timeout: 10_000 }).toBe(1);
    const asked = await request.textContent();
    expect(asked).toContain('城关镇行政审批服务中心');
    expect(asked).toContain('回访量：8 → 10');
    expect(asked).toContain(REASON);
    expect(await board.getByTestId('corrected-units').textContent()).toBe(
      '提交后更正：城关镇行政审批服务中心（已更正 0 处 · 待审核 1）',
    );
    await board.scrollIntoViewIfNeeded();
    await admin.screenshot({ path: screenshotPath('corrections-board-request') });
    await request.getByTestId('approve-correction').click();
    await expect
      .poll(() => board.getByTestId('corrected-units').textContent(), { timeout: 10_000 })
      .toBe('提交后更正：城关镇行政审批服务中心（已更正 1 处 · 待审核 0）');
    expect(await board.getByTestId('correction-request').count()).toBe(0);
    await admin.context().close();

    // the clerk's sheet: still submitted, the new value, marked, its tooltip the correction
    await openSheet(clerk);
    await expect.poll(() => cell(clerk, 0, 2).textContent()).toBe('10');
    const corrected = cell(clerk, 0, 2);
    await expect.poll(() => corrected.getAttribute('class')).toContain('cell-corrected');
    const tooltip = await corrected.getAttribute('title');
    expect(tooltip).toContain('已更正：8 → 10');
    expect(tooltip).toContain(REASON);
    expect(await cell(clerk, 0, 1).getAttribute('class')).not.toContain('cell-corrected');
    expect(await clerk.getByTestId('sheet-corrections').textContent()).toBe('✎ 已更正 1 处 · 待审核 0');

    // the row's history shows the correction: 更正, the reason, who asked and who approved, both figures
    await cell(clerk, 0, 2).click({ button: 'right' });
    await clerk.locator('.htContextMenu').getByText('查看修改记录', { exact: true }).click();
    const history = clerk.getByTestId('row-history');
    await expect.poll(() => history.getByTestId('history-correction').count()).toBe(1);
    const text = await history.textContent();
    expect(text).toContain('（更正）');
    expect(text).toContain(`原因：${REASON}`);
    expect(text).toContain('回访量：8 → 10');
    await clerk.screenshot({ path: screenshotPath('corrections-clerk-marked') });

    // the record pane: the field marked, no 申请更正 of the date
    await cell(clerk, 0, 2).click();
    await clerk.getByTestId('open-record').click();
    await expect.poll(() => clerk.getByTestId('record-corrected-follow_ups').textContent()).toContain('已更正：8 → 10');
    expect(await clerk.getByTestId('correct-day').count()).toBe(0);
    expect(await clerk.getByTestId('correct-cases').count()).toBe(1);
    await clerk.screenshot({ path: screenshotPath('corrections-record-pane') });

    // from the record pane: 申请更正 of 办件量, which the admin will reject on the sheet
    await clerk.getByTestId('correct-cases').click();
    await clerk.getByTestId('correction-dialog').waitFor();
    await clerk.getByTestId('correction-value').locator('input').fill('11');
    await clerk.getByTestId('correction-reason').fill('补录 1 件');
    await clerk.getByTestId('correction-send').click();
    await expect.poll(() => clerk.getByTestId('correction-note').textContent()).toBe('已提交更正申请，等待管理员审核');
    await clerk.context().close();
  });

  it("the admin rejects a request on the unit's sheet and corrects a cell there directly", async () => {
    const admin = await product.signedIn('admin', { viewport: VIEWPORT });
    await admin.goto(`${product.server.url}/ledgers/visits_daily`);
    await admin.getByTestId('unit-picker').selectOption({ label: '城关镇行政审批服务中心' });
    await admin.locator('.ledger-grid .ht_master .htCore').waitFor();
    await expect.poll(() => admin.getByTestId('sheet-state').getAttribute('data-state')).toBe('SUBMITTED');
    await expect.poll(() => cell(admin, 0, 1).textContent()).toBe('10');
    const request = admin.getByTestId('correction-bar').getByTestId('correction-request');
    await expect.poll(() => request.textContent(), { timeout: 10_000 }).toContain('办件量：10 → 11');
    await request.getByTestId('reject-correction').click();
    await request.getByTestId('reject-confirm').click();
    // a rejection needs its reason too
    await expect.poll(() => admin.getByTestId('correction-decide-problem').textContent()).toBe('请填写驳回原因');
    await request.getByTestId('reject-reason').fill('核对无误，不需更正');
    await request.getByTestId('reject-confirm').click();
    await expect.poll(() => admin.getByTestId('correction-request').count()).toBe(0);
    expect(await cell(admin, 0, 1).textContent()).toBe('10');

    // 更正 at once: the admin's menu item, the dialog, the cell marked
    await cell(admin, 0, 1).click({ button: 'right' });
    await admin.locator('.htContextMenu').getByText('更正', { exact: true }).click();
    await admin.getByTestId('correction-dialog').waitFor();
    expect(await admin.getByTestId('correction-dialog').locator('h3').textContent()).toBe('更正：办件量');
    await admin.getByTestId('correction-value').locator('input').fill('12');
    await admin.getByTestId('correction-reason').fill('系统导入时重复计 2 件');
    await admin.getByTestId('correction-send').click();
    await expect.poll(() => admin.getByTestId('correction-note').textContent()).toBe('已更正');
    await expect.poll(() => cell(admin, 0, 1).textContent()).toBe('12');
    await expect.poll(() => cell(admin, 0, 1).getAttribute('class')).toContain('cell-corrected');
    expect(await admin.getByTestId('sheet-state').getAttribute('data-state')).toBe('SUBMITTED');
    await admin.screenshot({ path: screenshotPath('corrections-admin-sheet') });
    await admin.context().close();

    // the clerk sees the rejection with its reason, and the admin's correction marked
    const clerk = await product.signedIn('clerk01', { viewport: VIEWPORT });
    await openSheet(clerk);
    await expect
      .poll(() => clerk.getByTestId('rejected-corrections').textContent(), { timeout: 10_000 })
      .toContain('驳回原因：核对无误，不需更正');
    expect(await cell(clerk, 0, 1).textContent()).toBe('12');
    expect(await cell(clerk, 0, 1).getAttribute('title')).toContain('系统导入时重复计 2 件');
    await clerk.context().close();
  });

  it('the clerk asks to add a photo to the submitted sheet: uploaded in the dialog, looked at by the admin, then in the grid', async () => {
    const photo = await sharp({
      create: {
        width: 640,
        height: 480,
        channels: 3,
        background: '#2f6f4f',
        noise: { type: 'gaussian', mean: 120, sigma: 30 },
      },
    })
      .jpeg({ quality: 80 })
      .toBuffer();
    const clerk = await product.signedIn('clerk01', { viewport: VIEWPORT });
    await openSheet(clerk);
    await cell(clerk, 0, 3).click({ button: 'right' });
    await clerk.locator('.htContextMenu').getByText('申请更正', { exact: true }).click();
    const dialog = clerk.getByTestId('correction-dialog');
    await dialog.waitFor();
    expect(await dialog.locator('h3').textContent()).toBe('申请更正：现场照片');
    await dialog
      .locator('input[type="file"]')
      .setInputFiles({ name: '现场.jpg', mimeType: 'image/jpeg', buffer: photo });
    await expect.poll(() => dialog.locator('.file-item').count(), { timeout: 20_000 }).toBe(1);
    await expect
      .poll(() => dialog.locator('.file-item img').evaluate((img) => (img as HTMLImageElement).naturalWidth))
      .toBeGreaterThan(0);
    await clerk.getByTestId('correction-reason').fill('补传现场照片');
    await clerk.screenshot({ path: screenshotPath('corrections-photo-dialog') });
    await clerk.getByTestId('correction-send').click();
    await expect.poll(() => clerk.getByTestId('correction-note').textContent()).toBe('已提交更正申请，等待管理员审核');

    // the admin sees the proposed photo itself on the board, then approves it
    const admin = await product.signedIn('admin', { viewport: VIEWPORT });
    await admin.getByTestId('nav-dashboard').click();
    await admin.waitForURL('**/dashboard');
    const board = admin.getByTestId('board-visits_daily');
    const request = board.getByTestId('correction-request');
    await expect.poll(() => request.count(), { timeout: 10_000 }).toBe(1);
    expect(await request.textContent()).toContain('现场照片：— →');
    const proposed = request.getByTestId('correction-files').locator('img');
    await proposed.scrollIntoViewIfNeeded();
    await expect
      .poll(() => proposed.evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: 10_000 })
      .toBeGreaterThan(0);
    await admin.screenshot({ path: screenshotPath('corrections-photo-board') });
    await request.getByTestId('approve-correction').click();
    await expect.poll(() => board.getByTestId('correction-request').count(), { timeout: 10_000 }).toBe(0);
    await admin.context().close();

    // the clerk's grid shows the photo, marked as corrected
    await openSheet(clerk);
    const thumb = cell(clerk, 0, 3).locator('img.file-thumb');
    await expect
      .poll(() => thumb.evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: 15_000 })
      .toBeGreaterThan(0);
    await expect.poll(() => cell(clerk, 0, 3).getAttribute('class')).toContain('cell-corrected');
    await clerk.screenshot({ path: screenshotPath('corrections-photo-grid') });
    await clerk.context().close();
  });
});
