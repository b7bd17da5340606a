import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL, screenshotPath, startBrowserProduct, type BrowserProduct } from '@taizhang/testing';

/**
 * The grid's own editors, as a clerk at a 1366×768 screen uses them from the keyboard, Chinese
 * typed through an input method (CDP Input.insertText): a multichoice cell picked by typing its
 * labels, date and datetime cells typed in short forms or picked from the calendar.
 */
let product: BrowserProduct;

beforeAll(async () => {
  product = await startBrowserProduct();
});
afterAll(() => product?.stop());

const SCREEN = { width: 1366, height: 768 };
/** Today in Asia/Shanghai, and a day some days on, as the ledgers count days. */
const shanghaiDay = (plusDays = 0) =>
  new Date(Date.now() + 8 * 3_600_000 + plusDays * 86_400_000).toISOString().slice(0, 10);
const year = shanghaiDay().slice(0, 4);

async function rowsOf(username: string, ledger: string) {
  const response = await postGraphQL<{
    rows: { edges: { node: { id: string; values: Record<string, unknown> } }[] };
  }>(
    product.server.url,
    `query ($ledger: String!) { rows(ledger: $ledger, first: 1000) { edges { node { id values } } } }`,
    { ledger },
    { token: await product.token(username) },
  );
  expect(response.errors).toBeUndefined();
  return response.data!.rows.edges.map((e) => e.node.values);
}

async function openLedger(context: BrowserContext, username: string, ledger: string): Promise<Page> {
  const page = await context.newPage();
  await product.signIn(page, username);
  await page.locator(`[data-ledger="${ledger}"] a`).click();
  await page.waitForURL(`**/ledgers/${ledger}`);
  await page.locator('.ledger-grid .ht_master .htCore').waitFor();
  await expect.poll(() => page.getByTestId('rows-count').textContent()).toMatch(/已加载|loaded/i);
  return page;
}

/**
 * A cell of the grid (row and column 0-based), by its column's aria index: the grid renders only
 * the columns in view, so the n-th td is not the n-th column once it scrolls sideways. The
 * frozen first column is its own overlay.
 */
function cell(page: Page, row: number, col: number) {
  const layer = col === 0 ? '.ht_clone_inline_start' : '.ht_master';
  return page
    .locator(`.ledger-grid ${layer} .htCore tbody tr`)
    .nth(row)
    .locator(`td[aria-colindex="${col + 2}"]`);
}

const activeHeader = (page: Page) =>
  page.evaluate(
    () => document.querySelector('.ledger-grid .ht_master thead th.ht__highlight .colHeader')?.textContent ?? null,
  );

/** Tab (or Shift+Tab) until the cursor is in the column titled `title` (Tab skips computed columns). */
async function tabTo(page: Page, title: string, key: 'Tab' | 'Shift+Tab' = 'Tab') {
  for (let i = 0; i < 20 && (await activeHeader(page))?.replace(/ \*$/, '') !== title; i += 1) {
    await page.keyboard.press(key);
  }
  expect((await activeHeader(page))?.replace(/ \*$/, '')).toBe(title);
}

async function waitSaved(page: Page) {
  const status = page.getByTestId('save-status');
  await expect
    .poll(async () => `${await status.getAttribute('data-state')}/${await status.getAttribute('data-pending')}`, {
      timeout: 15_000,
    })
    .toBe('saved/0');
}

const editorOpen = (page: Page) =>
  page.waitForFunction(() => document.activeElement?.classList.contains('handsontableInput'));
const pickMany = (page: Page) => page.locator('[data-testid="pick-many"].is-open');
const calendar = (page: Page) => page.locator('[data-testid="calendar"].is-open');

describe('a multichoice cell picked by typing its labels', () => {
  it('types 态度 and 效率 with Enter after each, saves ["A","H"] and shows both labels; days picked from the calendar', async () => {
    const context = await product.newContext({ viewport: SCREEN });
    const page = await openLedger(context, 'clerk17', 'rectification');
    await page.getByTestId('add-row').click();
    expect(await activeHeader(page)).toBe('关联办件编号');

    // 发现日期: Enter opens the text with a calendar of this month beside it; a click on the 1st picks it
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await editorOpen(page);
    await expect.poll(() => calendar(page).isVisible()).toBe(true);
    const [y, m] = shanghaiDay().split('-').map(Number);
    expect(await calendar(page).locator('.calendar-title').textContent()).toBe(`${y}年${m}月`);
    expect(await calendar(page).locator('.calendar-weekday').allTextContents()).toEqual([
      '一',
      '二',
      '三',
      '四',
      '五',
      '六',
      '日',
    ]);
    await page.screenshot({ path: screenshotPath('grid-editors-1-calendar') });
    const firstOfMonth = `${shanghaiDay().slice(0, 7)}-01`;
    await calendar(page).locator(`[data-date="${firstOfMonth}"]`).click();
    await expect.poll(() => cell(page, 0, 1).textContent()).toBe(firstOfMonth);
    expect(await calendar(page).count()).toBe(0);

    await page.keyboard.press('Tab'); // 问题来源
    await page.keyboard.insertText('回访');
    await page.keyboard.press('Tab');

    // 不满意原因: Enter opens the list of labels, empty search box with a Chinese placeholder
    await tabTo(page, '不满意原因');
    await page.keyboard.press('Enter');
    await editorOpen(page);
    await expect.poll(() => pickMany(page).isVisible()).toBe(true);
    expect(await page.evaluate(() => (document.activeElement as HTMLTextAreaElement).placeholder)).toBe(
      '输入选项名称筛选',
    );
    expect(await pickMany(page).locator('.pick-many-option').first().textContent()).toBe('服务态度不好');
    await page.screenshot({ path: screenshotPath('grid-editors-2-pick-many-open') });

    await page.keyboard.insertText('态度'); // as an input method delivers it
    await expect.poll(() => pickMany(page).locator('.pick-many-option').allTextContents()).toEqual(['服务态度不好']);
    await page.screenshot({ path: screenshotPath('grid-editors-3-pick-many-filtered') });
    await page.keyboard.press('Enter'); // picks it, the box empties, the editor stays open
    await expect
      .poll(() => pickMany(page).locator('.pick-many-chips .cell-chip').allTextContents())
      .toEqual(['服务态度不好']);
    expect(await page.evaluate(() => (document.activeElement as HTMLTextAreaElement).value)).toBe('');
    await page.keyboard.insertText('效率');
    await expect.poll(() => pickMany(page).locator('.pick-many-option.is-active').textContent()).toBe('办事效率低');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => pickMany(page).locator('.pick-many-chips .cell-chip').allTextContents())
      .toEqual(['服务态度不好', '办事效率低']);
    await page.screenshot({ path: screenshotPath('grid-editors-4-pick-many-two-picked') });
    await page.keyboard.press('Tab'); // done: saved, on to 问题描述
    expect(await pickMany(page).count()).toBe(0);
    expect(await cell(page, 0, 6).locator('.cell-chip').allTextContents()).toEqual(['服务态度不好', '办事效率低']);
    expect(await activeHeader(page)).toBe('问题描述 *');

    await page.keyboard.insertText('窗口人员态度差，办理慢');
    await tabTo(page, '整改责任人');
    await page.keyboard.insertText('张三');
    await page.keyboard.press('Tab');

    // 整改时限 from the keyboard: Alt+↓ puts the arrows on the calendar, from today; → → ↓ is 9 days on
    expect(await activeHeader(page)).toBe('整改时限 *');
    await page.keyboard.press('Enter');
    await editorOpen(page);
    await page.keyboard.press('Alt+ArrowDown');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    const deadline = shanghaiDay(9);
    expect(await page.evaluate(() => (document.activeElement as HTMLTextAreaElement).value)).toBe(deadline);
    await expect.poll(() => calendar(page).locator('.calendar-day.is-picked').getAttribute('data-date')).toBe(deadline);
    await page.screenshot({ path: screenshotPath('grid-editors-5-calendar-keys') });
    await page.keyboard.press('Tab');
    expect(await cell(page, 0, 10).textContent()).toBe(deadline);

    await page.keyboard.insertText('待整改');
    await page.keyboard.press('Tab');
    await waitSaved(page);
    const [saved] = await rowsOf('clerk17', 'rectification');
    expect(saved).toMatchObject({
      found_on: firstOfMonth,
      source: '回访',
      reasons: ['A', 'H'],
      owner: '张三',
      deadline,
      status: '待整改',
    });
    await page.screenshot({ path: screenshotPath('grid-editors-6-saved') });

    // reopened: the picks are there; Backspace on the empty box unpicks the last, Esc leaves the cell as it was
    await tabTo(page, '不满意原因', 'Shift+Tab');
    await page.keyboard.press('F2');
    await editorOpen(page);
    await expect
      .poll(() => pickMany(page).locator('.pick-many-option.is-picked').allTextContents())
      .toEqual(['✓服务态度不好', '✓办事效率低']);
    await page.keyboard.press('Backspace');
    await expect
      .poll(() => pickMany(page).locator('.pick-many-chips .cell-chip').allTextContents())
      .toEqual(['服务态度不好']);
    await page.keyboard.press('Escape');
    expect(await cell(page, 0, 6).locator('.cell-chip').allTextContents()).toEqual(['服务态度不好', '办事效率低']);
    expect(await cell(page, 0, 6).getAttribute('title')).toBe('服务态度不好、办事效率低');
    await page.screenshot({ path: screenshotPath('grid-editors-6b-chips-in-cell') });

    // pinyin initials find a Chinese label too: fwtd → 服务态度不好
    await page.keyboard.press('F2');
    await editorOpen(page);
    await page.keyboard.type('fwtd');
    await expect.poll(() => pickMany(page).locator('.pick-many-option').allTextContents()).toEqual(['✓服务态度不好']);
    await page.keyboard.press('Escape');
    await context.close();
  });
});

describe('datetime cells', () => {
  it('reads 12/5 9:30 as this year’s Dec 5 09:30 in Shanghai, with the calendar following; a day and a time picked by mouse', async () => {
    const context = await product.newContext({ viewport: SCREEN });
    const page = await openLedger(context, 'clerk19', 'window_case');
    await page.getByTestId('add-row').click();
    await page.keyboard.insertText('E-1');
    await page.keyboard.press('Tab'); // 受理时间

    await page.keyboard.insertText('12/5 9:30');
    await expect.poll(() => calendar(page).isVisible()).toBe(true);
    // the calendar follows the text: December, the 5th marked, the time in its box
    await expect
      .poll(() => calendar(page).locator('.calendar-day.is-picked').getAttribute('data-date'))
      .toBe(`${year}-12-05`);
    expect(await calendar(page).locator('.calendar-time-box').inputValue()).toBe('09:30');
    await page.screenshot({ path: screenshotPath('grid-editors-7-datetime-typed') });
    await page.keyboard.press('Tab');
    expect(await cell(page, 0, 1).textContent()).toBe(`${year}-12-05 09:30`);

    await page.keyboard.insertText('社保卡补办');
    await page.keyboard.press('Tab');
    await page.keyboard.insertText('王五');
    await tabTo(page, '办理状态');
    await page.keyboard.insertText('办结');
    await page.keyboard.press('Tab'); // 办结时间

    // by mouse: the time box first, then a day of the next page (January, or the month after this one)
    await page.keyboard.press('Enter');
    await editorOpen(page);
    await expect.poll(() => calendar(page).isVisible()).toBe(true);
    await calendar(page).locator('.calendar-time-box').click();
    await page.keyboard.type('1145');
    await calendar(page).locator('.calendar-step[data-step="1"]').click();
    const nextMonth = new Date(Date.UTC(Number(year), Number(shanghaiDay().slice(5, 7)), 6)).toISOString().slice(0, 10);
    await page.screenshot({ path: screenshotPath('grid-editors-8-datetime-picker') });
    await calendar(page).locator(`[data-date="${nextMonth}"]`).click();
    await expect.poll(() => cell(page, 0, 8).textContent()).toBe(`${nextMonth} 11:45`);
    await waitSaved(page);
    const [saved] = await rowsOf('clerk19', 'window_case');
    expect(saved).toMatchObject({
      case_no: 'E-1',
      accepted_at: `${year}-12-05T09:30:00+08:00`,
      status: '办结',
      completed_at: `${nextMonth}T11:45:00+08:00`,
    });
    await page.screenshot({ path: screenshotPath('grid-editors-9-datetime-saved') });
    await context.close();
  });
});

describe('in English', () => {
  it('lists the options’ English labels with an English search box, and an English calendar', async () => {
    const context = await product.newContext({ viewport: SCREEN });
    const page = await context.newPage();
    await product.signIn(page, 'clerk18');
    await page.evaluate(() => localStorage.setItem('taizhang.locale', 'en')); // what the language switch keeps
    await page.goto(`${product.server.url}/ledgers/rectification`);
    await page.locator('.ledger-grid .ht_master .htCore').waitFor();
    await expect.poll(() => page.getByTestId('rows-count').textContent()).toMatch(/loaded/);
    await page.getByTestId('add-row').click();
    await tabTo(page, 'Reasons for dissatisfaction');
    await page.keyboard.type('attitude'); // key by key: the first key opens the list, the rest filter it
    await expect
      .poll(() => pickMany(page).locator('.pick-many-option').allTextContents())
      .toEqual(['Poor service attitude']);
    expect(await page.evaluate(() => (document.activeElement as HTMLTextAreaElement).placeholder)).toBe(
      'Type to filter options',
    );
    await page.screenshot({ path: screenshotPath('grid-editors-10a-english-list') });
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter'); // the box is empty: done
    await expect
      .poll(() => cell(page, 0, 6).locator('.cell-chip').allTextContents())
      .toEqual(['Poor service attitude']);
    await page.screenshot({ path: screenshotPath('grid-editors-10-english') });
    await cell(page, 0, 1).click(); // Found on
    await page.keyboard.press('Enter');
    await editorOpen(page);
    expect(await calendar(page).locator('.calendar-weekday').first().textContent()).toBe('Mo');
    await page.keyboard.press('Escape');
    await context.close();
  });
});
