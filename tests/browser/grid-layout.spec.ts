import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gridCell as cell,
  openLedgerFromHome,
  postGraphQL,
  screenshotPath,
  startBrowserProduct,
  waitGridLoaded as waitLoaded,
  waitGridSaved as waitSaved,
  type BrowserProduct,
} from '@taizhang/testing';

/**
 * The grid on a 1366×768 laptop, the window-case ledger's 16 columns in Chinese: the side panel
 * takes room only when it has something to show, the grid follows the window both ways, one row
 * opens as a form beside the grid and saves as the grid does, and column widths survive a reload.
 */
let product: BrowserProduct;
/** CSP violations heard on any page of this file: there must be none. */
const violations: string[] = [];

beforeAll(async () => {
  product = await startBrowserProduct();
});
afterAll(async () => {
  console.log(`grid layout: ${violations.length} CSP violations`);
  await product?.stop();
});

const LAPTOP = { width: 1366, height: 768 };

/** A 1366×768 context that records every CSP violation its pages report. */
async function laptop(): Promise<BrowserContext> {
  const context = await product.newContext({ viewport: LAPTOP });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const seen = ((window as unknown as { __csp?: string[] }).__csp ??= []);
      seen.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  context.on('console', (message) => {
    if (/Content.Security.Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  return context;
}

async function noViolations(page: Page) {
  const seen = await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
  violations.push(...seen);
  expect(violations).toEqual([]);
}

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
  return response.data!.rows.edges.map((edge) => edge.node);
}

/** Window cases saved through the API, as another session would have. */
async function seedCases(username: string, applicants: string[]) {
  const saved = await postGraphQL(
    product.server.url,
    `mutation ($changes: [RowChangeInput!]!) { saveRows(ledger: "window_case", changes: $changes) { saved } }`,
    {
      changes: applicants.map((applicant, i) => ({
        op: 'INSERT',
        values: {
          case_no: `${username}-${i + 1}`,
          accepted_at: `2023-03-0${i + 1}T09:00:00+08:00`,
          service_item: '营业执照办理',
          applicant,
          status: '受理',
          handler: '李四',
        },
      })),
    },
    { token: await product.token(username) },
  );
  expect(saved.errors).toBeUndefined();
}

async function openLedger(page: Page, username: string, ledger: string) {
  await openLedgerFromHome(product, page, username, ledger);
  await waitLoaded(page);
}

const panelOpen = (page: Page) => page.getByTestId('grid-side').getAttribute('data-open');
const panelWidth = async (page: Page) => (await page.getByTestId('grid-side').boundingBox())!.width;

/** Columns whose header is wholly inside the grid's scrolling viewport, the frozen one included. */
async function columnsInView(page: Page): Promise<number> {
  return page.evaluate(() => {
    const holder = document.querySelector('.ledger-grid .ht_master .wtHolder')!.getBoundingClientRect();
    const headers = [...document.querySelectorAll('.ledger-grid .ht_master thead th')].slice(1); // not the corner
    return headers.filter((th) => {
      const box = th.getBoundingClientRect();
      return box.width > 0 && box.left >= holder.left - 1 && box.right <= holder.right + 1;
    }).length;
  });
}

/** The page does not scroll sideways and the grid ends inside the window. */
async function fitsTheWindow(page: Page) {
  return page.evaluate(() => {
    const grid = document.querySelector('.ledger-grid')!.getBoundingClientRect();
    const table = document.querySelector('.ledger-grid .handsontable')!.getBoundingClientRect();
    return {
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      gridRight: Math.round(grid.right),
      tableRight: Math.round(table.right),
    };
  });
}

describe('the side panel on a laptop', () => {
  it('is a slim toggle on an empty sheet, opens when an error appears, and stays slim on a read-only sheet', async () => {
    const context = await laptop();
    const page = await context.newPage();
    await openLedger(page, 'clerk05', 'window_case');
    await expect.poll(() => panelOpen(page)).toBe('false');
    expect(await panelWidth(page)).toBeLessThan(40);
    const inView = await columnsInView(page);
    console.log(`1366 px, empty sheet: ${inView} of 16 columns in view`);
    expect(inView).toBeGreaterThanOrEqual(9);
    await page.screenshot({ path: screenshotPath('layout-1-empty-sheet') });

    // a wrong phone number: the cell is red and the panel opens by itself with the reason
    await page.getByTestId('add-row').click();
    await page.waitForFunction(() => document.activeElement?.classList.contains('handsontableInput'));
    await page.keyboard.insertText('窗口-001');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.insertText('abc');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('error-list').textContent()).toContain('联系电话');
    expect(await panelOpen(page)).toBe('true');
    expect(await panelWidth(page)).toBeGreaterThan(300);
    await page.screenshot({ path: screenshotPath('layout-2-error-opens-panel') });

    // closed by hand: the toggle keeps the count, and the grid has the room again
    await page.getByTestId('side-collapse').click();
    expect(await panelOpen(page)).toBe('false');
    expect(await page.getByTestId('side-errors').textContent()).toMatch(/^\d+$/);
    await page.screenshot({ path: screenshotPath('layout-3-closed-with-count') });
    await page.getByTestId('side-toggle').click();
    expect(await panelOpen(page)).toBe('true');
    await noViolations(page);
    await context.close();

    // a leader reads every unit: nothing to fix, so the panel stays slim
    await seedCases('clerk06', ['张三', '李四']);
    const leaderContext = await laptop();
    const leader = await leaderContext.newPage();
    await openLedger(leader, 'leader', 'window_case');
    await expect.poll(() => cell(leader, 0, 1).textContent()).not.toBe('');
    expect(await panelOpen(leader)).toBe('false');
    expect(await panelWidth(leader)).toBeLessThan(40);
    await leader.screenshot({ path: screenshotPath('layout-4-read-only-sheet') });
    // the record pane on a sheet to read: every field shown, none to edit
    await cell(leader, 0, 2).click();
    await leader.getByTestId('open-record').click();
    await leader.getByTestId('record-pane').waitFor();
    expect(await leader.locator('[data-testid="record-pane"] fieldset.record-fields').getAttribute('disabled')).toBe(
      '',
    );
    expect(await leader.locator('#applicant-input').isDisabled()).toBe(true);
    await leader.screenshot({ path: screenshotPath('layout-5-read-only-record') });
    await noViolations(leader);
    await leaderContext.close();
  });
});

describe('the grid and the window', () => {
  it('shrinks to a 1100 px window without a sideways page scroll, and grows back to 1366', async () => {
    await seedCases('clerk07', ['王五', '赵六', '孙七']);
    const context = await laptop();
    const page = await context.newPage();
    await openLedger(page, 'clerk07', 'window_case');
    const wide = await fitsTheWindow(page);
    expect(wide.scrollWidth).toBeLessThanOrEqual(wide.innerWidth);

    await page.setViewportSize({ width: 1100, height: 768 });
    await expect
      .poll(async () => {
        const now = await fitsTheWindow(page);
        return now.scrollWidth <= now.innerWidth && now.gridRight <= now.innerWidth && now.tableRight <= now.innerWidth;
      })
      .toBe(true);
    await page.screenshot({ path: screenshotPath('layout-6-window-1100') });

    await page.setViewportSize(LAPTOP);
    // grown back: the table fills the grid's box again, not the 1100 px it had
    await expect
      .poll(async () => {
        const now = await fitsTheWindow(page);
        return now.tableRight >= now.gridRight - 2 && now.gridRight > 1200 && now.scrollWidth <= now.innerWidth;
      })
      .toBe(true);
    await page.screenshot({ path: screenshotPath('layout-7-window-1366-again') });

    // scrolled right, the frozen first column's header covers the headers passing under it
    for (const left of [120, 230]) {
      await page.evaluate((x) => {
        document.querySelector('.ledger-grid .ht_master .wtHolder')!.scrollLeft = x;
      }, left);
      await page.waitForTimeout(300);
      await page.screenshot({
        path: screenshotPath(`layout-8-scrolled-${left}`),
        clip: { x: 0, y: 130, width: 700, height: 120 },
      });
    }
    await page.evaluate(() => {
      const holder = document.querySelector('.ledger-grid .ht_master .wtHolder')!;
      holder.scrollLeft = holder.scrollWidth;
    });
    await page.waitForTimeout(300);
    const overlap = await page.evaluate(() => {
      // the frozen column's header on screen is the corner overlay's
      const frozen = document.querySelector('.ledger-grid .ht_clone_top_inline_start_corner thead th:nth-child(2)')!;
      const box = frozen.getBoundingClientRect();
      const text = frozen.querySelector('.colHeader')!.getBoundingClientRect();
      return {
        cellRight: Math.round(box.right),
        textRight: Math.round(text.right),
        background: getComputedStyle(frozen).backgroundColor,
        // what is on top just right of the frozen header's text: the frozen header itself
        onTop:
          document
            .elementFromPoint(box.right - 3, box.top + box.height / 2)
            ?.closest('.ht_clone_top_inline_start_corner') !== null,
      };
    });
    expect(overlap.background).not.toMatch(/rgba\(.*, 0\)|transparent/);
    expect(overlap.onTop).toBe(true);
    expect(overlap.textRight).toBeLessThanOrEqual(overlap.cellRight);
    await page.screenshot({ path: screenshotPath('layout-8-scrolled-right') });
    await noViolations(page);
    await context.close();
  });
});

describe('a row as a form', () => {
  it('opens the selected row beside the grid, saves what is typed there as the grid does, and moves on', async () => {
    await seedCases('clerk08', ['周一', '吴二', '郑三']);
    const context = await laptop();
    const page = await context.newPage();
    await openLedger(page, 'clerk08', 'window_case');
    await expect.poll(() => cell(page, 1, 3).textContent()).toBe('吴二');

    await cell(page, 1, 2).click();
    await page.getByTestId('open-record').click();
    const pane = page.getByTestId('record-pane');
    await pane.waitFor();
    expect(await pane.getAttribute('data-row')).toBe('2');
    expect(await page.locator('#applicant-input').inputValue()).toBe('吴二');
    // the pane's problems are beside its fields: the side panel stays slim
    expect(await panelOpen(page)).toBe('false');

    // typed by keyboard, Chinese through the input method's path, committed by Tab
    await page.locator('#applicant-input').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText('吴二妹');
    await page.keyboard.press('Tab');
    await expect.poll(() => cell(page, 1, 3).textContent()).toBe('吴二妹');
    await waitSaved(page);
    const saved = await rowsOf('clerk08', 'window_case');
    expect(saved.map((row) => row.values.applicant).sort()).toEqual(['周一', '吴二妹', '郑三'].sort());

    // a wrong value: the reason beside the field, the cell red, nothing saved
    await page.locator('#phone-input').click();
    await page.keyboard.insertText('不是电话');
    await page.keyboard.press('Enter');
    await expect.poll(() => pane.locator('[data-question="phone"] .form-error').textContent()).toContain('电话');
    await expect.poll(() => cell(page, 1, 4).getAttribute('class')).toContain('cell-error');
    await page.screenshot({ path: screenshotPath('layout-9-record-pane-error') });
    await page.locator('#phone-input').fill('');
    await page.locator('#phone-input').press('Enter');
    await expect.poll(() => cell(page, 1, 4).getAttribute('class')).not.toContain('cell-error');

    // a choice picked in the form lands in the cell as its label
    await pane.locator('[data-question="channel"] label', { hasText: '网上' }).click();
    await expect.poll(() => cell(page, 1, 5).textContent()).toBe('网上');

    // next row: the form follows, and the grid's cursor with it
    await page.getByTestId('record-next').click();
    expect(await pane.getAttribute('data-row')).toBe('3');
    expect(await page.locator('#applicant-input').inputValue()).toBe('郑三');
    // the keyboard stays in the form (not in the grid's cell editor) and Alt+↑ goes back a row,
    // staying in the same field
    expect(await page.evaluate(() => document.activeElement?.closest('[data-testid="record-pane"]') !== null)).toBe(
      true,
    );
    await page.locator('#applicant-input').focus();
    await page.keyboard.press('Alt+ArrowUp');
    await expect.poll(() => pane.getAttribute('data-row')).toBe('2');
    expect(await page.locator('#applicant-input').inputValue()).toBe('吴二妹');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('applicant-input');
    await waitSaved(page);
    const after = await rowsOf('clerk08', 'window_case');
    const second = after.find((row) => row.values.applicant === '吴二妹')!;
    expect(second.values.phone ?? null).toBeNull();
    expect(second.values.channel).toBe('网上');
    await page.screenshot({ path: screenshotPath('layout-10-record-pane') });

    // from the keyboard: Esc closes the pane, Alt+Enter on a cell opens its row, and the keys
    // then go to the form, not to the grid
    const focusInPane = () =>
      page.evaluate(() => document.activeElement?.closest('[data-testid="record-pane"]') !== null);
    await page.keyboard.press('Escape');
    expect(await pane.count()).toBe(0);
    await cell(page, 0, 3).click();
    await page.keyboard.press('Alt+Enter');
    await expect.poll(() => pane.getAttribute('data-row')).toBe('1');
    await page.waitForTimeout(300);
    expect(await focusInPane()).toBe(true);
    await page.keyboard.press('Delete'); // in the form's first box, which is not empty: the grid's cell stays
    expect(await cell(page, 0, 3).textContent()).toBe('周一');
    await page.keyboard.press('Escape');
    // and from a cell's context menu
    await cell(page, 2, 3).click({ button: 'right' });
    await page.getByText('在表单中打开', { exact: true }).click();
    await expect.poll(() => pane.getAttribute('data-row')).toBe('3');
    await page.waitForTimeout(300);
    expect(await focusInPane()).toBe(true);
    expect(await page.locator('#applicant-input').inputValue()).toBe('郑三');
    await noViolations(page);
    await context.close();
  });
});

describe('column widths and order', () => {
  it('keeps a column resized and a column moved by the clerk after a reload', async () => {
    await seedCases('clerk09', ['钱八']);
    const context = await laptop();
    const page = await context.newPage();
    await openLedger(page, 'clerk09', 'window_case');
    // the headers on screen are the top overlay's (after the corner)
    const header = (col: number) => page.locator('.ledger-grid .ht_clone_top thead th').nth(col + 1);
    const widthOf = async (col: number) => Math.round((await header(col).boundingBox())!.width);
    const before = await widthOf(3);

    // drag the right edge of 申请人's header 80 px to the right
    await header(3).hover();
    const handle = page.locator('.ledger-grid .manualColumnResizer').first();
    await handle.waitFor();
    const grip = (await handle.boundingBox())!;
    await page.mouse.move(grip.x + grip.width / 2, grip.y + grip.height / 2);
    await page.mouse.down();
    await page.mouse.move(grip.x + grip.width / 2 + 40, grip.y + grip.height / 2, { steps: 4 });
    await page.mouse.move(grip.x + grip.width / 2 + 80, grip.y + grip.height / 2, { steps: 4 });
    await page.mouse.up();
    await expect.poll(() => widthOf(3)).toBeGreaterThan(before + 60);
    const resized = await widthOf(3);

    await page.reload();
    await waitLoaded(page);
    await expect.poll(() => widthOf(3)).toBe(resized);
    expect(await header(3).textContent()).toContain('申请人');
    await page.screenshot({ path: screenshotPath('layout-11-width-kept') });

    // 经办人 moved before 申请人 (its header selected, then dragged), kept after a reload too
    const titles = async () =>
      (await page.locator('.ledger-grid .ht_clone_top thead th .colHeader').allTextContents())
        .filter((title) => title.trim() !== '') // not the corner's
        .slice(0, 7);
    const MOVED = ['办件编号 *', '受理时间 *', '办理事项 *', '经办人', '申请人 *', '联系电话', '受理渠道'];
    await header(6).click();
    const from = (await header(6).boundingBox())!;
    const to = (await header(3).boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(to.x + 30, to.y + to.height / 2, { steps: 6 });
    await page.mouse.move(to.x + 10, to.y + to.height / 2, { steps: 3 });
    await page.mouse.up();
    await expect.poll(titles).toEqual(MOVED);
    await page.reload();
    await waitLoaded(page);
    await expect.poll(titles).toEqual(MOVED);
    // the cells follow their headers, and the moved 申请人 kept its width
    expect(await cell(page, 0, 3).textContent()).toBe('李四');
    expect(await cell(page, 0, 4).textContent()).toBe('钱八');
    expect(await widthOf(4)).toBe(resized);
    await page.screenshot({ path: screenshotPath('layout-12-order-kept') });
    await noViolations(page);
    await context.close();
  });
});
