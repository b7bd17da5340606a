import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentPeriod } from '@taizhang/ledger-core';
import { postGraphQL, screenshotPath, startBrowserProduct, type BrowserProduct } from '@taizhang/testing';

/**
 * Notices (issue 29), in Chromium at a county office's 1366×768: the admin's 一键催报 (confirmed,
 * saying how many units) reaches the clerk as a bell with 1 and a mark on the home page; the
 * notice opens the day's sheet, and reading it clears the count. A rectification made for a
 * dissatisfied case reaches the unit's clerk, and its notice opens that row.
 */
const VIEWPORT = { width: 1366, height: 768 };
let product: BrowserProduct;
const today = currentPeriod('daily', new Date())!;

beforeAll(async () => {
  product = await startBrowserProduct();
});
afterAll(() => product?.stop());

describe('the bell', () => {
  it("after an admin's 催报 shows the clerk 1, opens the day's sheet, and reading it clears the count", async () => {
    const clerkBefore = await product.signedIn('clerk02', { viewport: VIEWPORT });
    await clerkBefore.getByTestId('notice-bell').waitFor();
    expect(await clerkBefore.getByTestId('notice-count').count()).toBe(0);
    await clerkBefore.context().close();

    const admin = await product.signedIn('admin', { viewport: VIEWPORT });
    await admin.getByTestId('nav-dashboard').click();
    const board = admin.getByTestId('board-daily_followup');
    const missing = Number(await board.getByTestId('count-missing').textContent());
    expect(missing).toBeGreaterThan(0);
    const asked = new Promise<string>((resolve) =>
      admin.once('dialog', (dialog) => {
        resolve(dialog.message());
        void dialog.accept();
      }),
    );
    await board.getByTestId('remind-missing').click();
    expect(await asked).toContain(`${missing} 个未报送单位`);
    await board.getByTestId('reminder').waitFor();
    // one unit may be reminded on its own (照镜镇: clerk03's, not the clerk's below)
    await board.locator('.unit-chip', { hasText: '照镜镇' }).getByTestId('remind-unit').click();
    await expect.poll(() => board.getByTestId('reminder').textContent()).toContain('已催报 1 个单位');

    const page = await product.signedIn('clerk02', { viewport: VIEWPORT });
    await expect.poll(() => page.getByTestId('notice-count').textContent()).toBe('1');
    // the home page's call to action says the county is waiting for it
    await page.getByTestId('today-reminded').first().waitFor();
    expect(await page.getByTestId('today-reminded').first().textContent()).toBe('已催报');

    await page.getByTestId('notice-bell').click();
    const list = page.getByTestId('notice-list');
    await list.waitFor();
    expect(await list.locator('h5').first().textContent()).toBe('今天');
    const notice = list.getByTestId('notice');
    expect(await notice.count()).toBe(1);
    expect(await notice.getAttribute('data-kind')).toBe('REMINDER');
    expect(await notice.getAttribute('class')).toContain('unread');
    expect(await notice.textContent()).toContain(`催报：「政务服务大回访日报台账」${today} 尚未提交`);
    await page.screenshot({ path: screenshotPath('notices-bell') });

    await notice.click();
    await page.waitForURL(`**/ledgers/daily_followup?period=${today}`);
    await page.locator('.ledger-grid .ht_master .htCore').waitFor();
    await expect.poll(() => page.getByTestId('notice-count').count()).toBe(0);
    await page.getByTestId('notice-bell').click();
    expect(await page.getByTestId('notice').getAttribute('class')).not.toContain('unread');
    expect(await page.getByTestId('notices-read-all').isDisabled()).toBe(true);
  });

  it('a rectification made for a dissatisfied case: its notice opens the row in the record pane', async () => {
    const saved = await postGraphQL<{ saveRows: { results: { errors: unknown; row: { id: string } }[] } }>(
      product.server.url,
      `mutation ($changes: [RowChangeInput!]!) { saveRows(ledger: "window_case", changes: $changes) { results { errors { message } row { id } } } }`,
      {
        changes: [
          {
            op: 'INSERT',
            values: {
              case_no: 'RF-NOTICE-01',
              accepted_at: `${today}T09:00:00+08:00`,
              service_item: '营业执照变更',
              applicant: '李四',
              phone: '13800001111',
              status: '办结',
              completed_at: `${today}T10:00:00+08:00`,
              handler: '王五',
              visited_at: `${today}T11:00:00+08:00`,
              visit_method: '电话',
              visit_result: '非常不满意',
            },
          },
        ],
      },
      { token: await product.token('clerk03') },
    );
    expect(saved.errors).toBeUndefined();
    expect(saved.data!.saveRows.results[0].errors).toBeNull();

    const page = await product.signedIn('clerk03', { viewport: VIEWPORT });
    await page.getByTestId('notice-bell').click();
    const notice = page.locator('[data-testid="notice"][data-kind="FOLLOW_UP"]');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('RF-NOTICE-01');
    await notice.click();
    await page.waitForURL(/\/ledgers\/rectification\?row=\d+$/);
    await page.getByTestId('record-pane').waitFor();
    expect(await page.getByTestId('record-pane').textContent()).toContain('RF-NOTICE-01');
    await page.screenshot({ path: screenshotPath('notices-row') });
  });
});
