import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentPeriod, isPeriod } from '@taizhang/ledger-core';
import { postGraphQL, screenshotPath, startBrowserProduct, type BrowserProduct } from '@taizhang/testing';

/**
 * A clerk's day with a sheet (issue 27), in Chromium at a county office's 1366×768: the home
 * page's call to action, submit → confirm → 撤回 → edit → submit again, a missed day shown as
 * 逾期未报, a day still to come read-only; and the admin's board showing the withdrawal.
 *
 * The server runs on the real clock, so the sheet of the test is a daily ledger due at 23:59
 * (安全生产日报): its withdrawal is open all day long, whenever the suite runs.
 */
const VIEWPORT = { width: 1366, height: 768 };
const SAFETY = {
  key: 'safety_daily',
  title: { zh: '安全生产日报', en: 'Daily safety report' },
  period: 'daily',
  periodField: 'day',
  deadline: '23:59',
  fields: [
    { key: 'day', title: { zh: '日期', en: 'Date' }, type: 'date', required: true, unique: true },
    { key: 'checks', title: { zh: '检查次数', en: 'Checks' }, type: 'integer', required: true, min: 0 },
    { key: 'hazards', title: { zh: '发现隐患数', en: 'Hazards found' }, type: 'integer', required: true, min: 0 },
  ],
  rules: [
    {
      key: 'hazards_registered',
      level: 'warning',
      check: 'hazards = 0',
      message: { zh: '发现隐患，请同时在整改台账登记', en: 'Hazards found: register them for rectification' },
      fields: ['hazards'],
    },
  ],
};

let product: BrowserProduct;
const today = currentPeriod('daily', new Date())!;
const dayOffset = (days: number) =>
  new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  product = await startBrowserProduct();
  const published = await postGraphQL(
    product.server.url,
    'mutation ($d: JSON!) { publishLedger(definition: $d) { key } }',
    { d: SAFETY },
    { token: await product.token('admin') },
  );
  expect(published.errors).toBeUndefined();
});
afterAll(() => product?.stop());

function cell(page: Page, row: number, col: number) {
  const layer = col === 0 ? '.ht_clone_inline_start' : '.ht_master';
  return page.locator(`.ledger-grid ${layer} .htCore tbody tr`).nth(row).locator('td').nth(col);
}

async function waitLoaded(page: Page) {
  await page.locator('.ledger-grid .ht_master .htCore').waitFor();
  await expect.poll(() => page.getByTestId('rows-count').textContent()).toMatch(/已加载/);
}

/** As grid.spec.ts: select, F2 until the editor has the focus, replace the text, Enter. */
async function typeInto(page: Page, row: number, col: number, text: string) {
  await cell(page, row, col).click();
  const editing = () => page.evaluate(() => document.activeElement?.classList.contains('handsontableInput') ?? false);
  for (let attempt = 0; attempt < 3 && !(await editing()); attempt += 1) {
    await page.keyboard.press('F2');
    await page
      .waitForFunction(() => document.activeElement?.classList.contains('handsontableInput'), undefined, {
        timeout: 5_000,
      })
      .catch(() => undefined);
  }
  expect(await editing()).toBe(true);
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
  await page.keyboard.press('Enter');
}

async function waitSaved(page: Page) {
  const status = page.getByTestId('save-status');
  await expect
    .poll(async () => `${await status.getAttribute('data-state')}/${await status.getAttribute('data-pending')}`, {
      timeout: 15_000,
    })
    .toBe('saved/0');
}

const stateOf = (page: Page) => page.getByTestId('sheet-state').getAttribute('data-state');

describe("a clerk's day", () => {
  it('home page says what is due and leads into it; submit, 撤回, edit, submit again', async () => {
    const page = await product.signedIn('clerk01', { viewport: VIEWPORT });
    const card = page.locator('[data-ledger="safety_daily"]');
    // with the time left, which is less than a day for a sheet due today
    await expect
      .poll(() => card.getByTestId('today-due').textContent())
      .toMatch(/^今日日报：未开始，23:59 截止（还剩 (\d+ 小时 )?\d+ 分钟）去填报$/);
    const followUp = page.locator('[data-ledger="daily_followup"]').getByTestId('today-due');
    // the follow-up report is due at 17:00: before it 未开始, after it 逾期未报 (the server's clock decides)
    await expect
      .poll(() => followUp.textContent())
      .toMatch(/^今日日报：(未开始，17:00 截止（还剩 (\d+ 小时 )?\d+ 分钟）|逾期未报)去填报$/);
    await page.screenshot({ path: screenshotPath('sheets-home-cta') });

    await card.getByTestId('today-open').click();
    await page.waitForURL('**/ledgers/safety_daily');
    await waitLoaded(page);
    expect(await page.getByTestId('period-picker').inputValue()).toBe(today);
    // the picker offers no day after today
    expect(await page.getByTestId('period-picker').getAttribute('max')).toBe(today);
    await page.getByTestId('add-row').click();
    expect(await cell(page, 0, 0).textContent()).toBe(today);
    await typeInto(page, 0, 1, '3');
    await typeInto(page, 0, 2, '1');
    await waitSaved(page);
    await expect.poll(() => page.getByTestId('warning-list').textContent()).toContain('发现隐患，请同时在整改台账登记');

    await page.getByTestId('submit-sheet').click();
    const confirm = await page.getByTestId('submit-confirm').textContent();
    expect(confirm).toContain(`提交 ${today} 的报表（共 1 行）？提交后锁定，截止前可撤回。`);
    expect(confirm).toContain('另有 1 条提醒');
    await page.getByTestId('submit-confirmed').click();
    await expect.poll(() => stateOf(page)).toBe('SUBMITTED');
    // the reminders seen at submit are kept with it
    expect(await page.getByTestId('submitted-warnings').textContent()).toBe('提交时有 1 条提醒');
    expect(await page.getByTestId('add-row').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('sheets-submitted') });

    // 撤回 asks first; cancel keeps it submitted
    await page.getByTestId('withdraw-sheet').click();
    expect(await page.getByTestId('withdraw-confirm').textContent()).toContain(
      `撤回 ${today} 的报表？撤回后变为草稿，可修改，须在截止（`,
    );
    await page.screenshot({ path: screenshotPath('sheets-withdraw-confirm') });
    await page.getByTestId('withdraw-cancel').click();
    expect(await stateOf(page)).toBe('SUBMITTED');
    await page.getByTestId('withdraw-sheet').click();
    await page.getByTestId('withdraw-confirmed').click();
    await expect.poll(() => stateOf(page)).toBe('DRAFT');
    expect(await page.getByTestId('sheet-state').textContent()).toBe('草稿');
    expect(await page.getByTestId('withdrawn-count').textContent()).toBe('已撤回 1 次');
    expect(await page.getByTestId('withdraw-sheet').count()).toBe(0);

    // editable again: the hazard was a typo
    await page.getByTestId('add-row').waitFor();
    await typeInto(page, 0, 2, '0');
    await waitSaved(page);
    await expect.poll(() => page.getByTestId('warning-list').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('sheets-withdrawn-edited') });
    await page.getByTestId('submit-sheet').click();
    expect(await page.getByTestId('submit-confirm').textContent()).not.toContain('提醒');
    await page.getByTestId('submit-confirmed').click();
    await expect.poll(() => stateOf(page)).toBe('SUBMITTED');
    expect(await page.getByTestId('submitted-warnings').count()).toBe(0);

    const rows = await postGraphQL<{ rows: { edges: { node: { values: Record<string, unknown> } }[] } }>(
      product.server.url,
      `{ rows(ledger: "safety_daily", period: "${today}") { edges { node { values } } } }`,
      {},
      { token: await product.token('clerk01') },
    );
    expect(rows.data!.rows.edges.map((e) => e.node.values)).toEqual([
      expect.objectContaining({ day: today, checks: 3, hazards: 0 }),
    ]);

    // back home: submitted, and the way in is to look at it
    await page.getByRole('link', { name: /全部台账/ }).click();
    await expect.poll(() => card.getByTestId('today-due').textContent()).toBe('今日日报：已提交查看');
    await page.context().close();
  });

  it('a day a month ago that was never reported is 逾期未报; a day still to come is read-only', async () => {
    const page = await product.signedIn('clerk02', { viewport: VIEWPORT });
    await page.locator('[data-ledger="daily_followup"] a').first().click();
    await page.waitForURL('**/ledgers/daily_followup');
    await waitLoaded(page);
    const missed = dayOffset(-30);
    expect(isPeriod('daily', missed)).toBe(true);
    await page.getByTestId('period-picker').fill(missed);
    await waitLoaded(page);
    await expect.poll(() => page.getByTestId('sheet-state').textContent()).toBe('逾期未报');
    expect(await page.getByTestId('sheet-state').getAttribute('data-overdue')).toBe('true');
    // a missed day can still be filled and submitted (late)
    expect(await page.getByTestId('add-row').count()).toBe(1);
    await page.screenshot({ path: screenshotPath('sheets-missed-day') });

    await page.getByTestId('period-picker').fill(dayOffset(1));
    await expect.poll(() => page.getByTestId('sheet-state').textContent()).toBe('未到填报日期');
    expect(await page.getByTestId('sheet-bar').textContent()).toContain('该周期还没到，不能提前填报');
    expect(await page.getByTestId('add-row').count()).toBe(0);
    expect(await page.getByTestId('submit-sheet').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('sheets-future-day') });
    await page.context().close();
  });
});

describe("the admin's board", () => {
  it('shows who withdrew a submission, when, and where it stands now', async () => {
    const page = await product.signedIn('admin', { viewport: VIEWPORT });
    await page.getByTestId('nav-dashboard').click();
    await page.waitForURL('**/dashboard');
    const board = page.getByTestId('board-safety_daily');
    await expect.poll(() => board.getByTestId('count-submitted').textContent()).toBe('1');
    const withdrawn = await board.getByTestId('withdrawn-units').textContent();
    expect(withdrawn).toMatch(/^撤回：城关镇行政审批服务中心（已撤回 1 次 · 撤回于 \d{2}:\d{2} · 已提交）$/);
    await board.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('sheets-admin-board') });
    await page.context().close();
  });
});
