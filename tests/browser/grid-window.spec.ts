import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotPath, startBrowserProduct, type BrowserProduct } from '@taizhang/testing';

/**
 * A ledger larger than the grid holds at once: 转到行, Ctrl+End / Ctrl+Home and the whole-ledger
 * scrollbar read the rows around a far position (the window, grid-window.ts); the row headers
 * count in the whole sort, and an edit there saves like any other.
 */
let product: BrowserProduct;
const ROWS = 3_000;

beforeAll(async () => {
  product = await startBrowserProduct();
  const [{ unit_id: unit }] = await product.db.query<{ unit_id: number }>(
    `SELECT unit_id FROM users WHERE username = 'clerk01'`,
  );
  // straight into the table, as an old system's data would come: W-00001 … W-03000 in id order
  await product.db.query(
    `INSERT INTO ledger_window_case (unit_id, def_version, case_no, accepted_at, service_item, applicant, phone, channel, handler, status)
     SELECT $1, 1, 'W-' || lpad(n::text, 5, '0'), timestamptz '2026-11-01 09:00+08' + (n % 28) * interval '1 day',
            '户籍办理', '群众' || n, '13800000000', '窗口', '李四', '受理'
     FROM generate_series(1, $2) AS n ORDER BY n`,
    [unit, ROWS],
  );
});
afterAll(() => product?.stop());

const SLOW = { timeout: 20_000 };

/** Types `text` over the cursor's cell (F2, select all, Enter) and waits until the grid has saved it. */
async function retypeCursorCell(page: Page, text: string): Promise<void> {
  await page.keyboard.press('F2');
  await page.waitForFunction(() => document.activeElement?.classList.contains('handsontableInput'));
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
  await page.keyboard.press('Enter');
  await expect
    .poll(async () => {
      const status = page.getByTestId('save-status');
      return `${await status.getAttribute('data-state')}/${await status.getAttribute('data-pending')}`;
    }, SLOW)
    .toBe('saved/0');
}

/** The rows in view as [row header, case number], top to bottom (the frozen first column's overlay). */
async function shownRows(page: Page): Promise<[string, string][]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('.ledger-grid .ht_clone_inline_start .htCore tbody tr')].map((tr) => [
      tr.querySelector('th')?.textContent ?? '',
      tr.querySelector('td')?.textContent ?? '',
    ]),
  ) as Promise<[string, string][]>;
}

/** The row header and case number of the row the cursor is on. */
async function cursorRow(page: Page): Promise<[string, string] | null> {
  return page.evaluate(() => {
    const td = document.querySelector('.ledger-grid .ht_clone_inline_start .htCore tbody td.current');
    const tr = td?.closest('tr');
    return tr ? [tr.querySelector('th')?.textContent ?? '', td?.textContent ?? ''] : null;
  }) as Promise<[string, string] | null>;
}

describe('a ledger larger than the grid holds', () => {
  it('jumps to a far row, counts it in the whole ledger, and saves an edit made there', async () => {
    const page = await product.signedIn('clerk01', { viewport: { width: 1366, height: 768 } });
    await page.goto(`${product.server.url}/ledgers/window_case`);
    await expect
      .poll(() => page.getByTestId('rows-count').textContent(), SLOW)
      .toBe(`已加载 200 / ${ROWS.toLocaleString('zh-CN')} 行`);
    expect((await shownRows(page))[0]).toEqual(['1', 'W-00001']);
    expect(await page.getByTestId('position-bar').getAttribute('max')).toBe(String(ROWS - 1));

    // 转到行 2,500: its rows are read, the cursor on it, its header says 2500
    await page.getByTestId('goto-row').fill('2,500');
    await page.getByTestId('goto-row').press('Enter');
    await expect.poll(() => cursorRow(page), SLOW).toEqual(['2500', 'W-02500']);
    const shown = await shownRows(page);
    for (const [header, caseNo] of shown) expect(caseNo).toBe(`W-${header.padStart(5, '0')}`);
    // the window around it, not the rows up to it
    await expect.poll(() => page.getByTestId('rows-count').textContent(), SLOW).toMatch(/^已加载 [\d,]+ \/ 3,000 行$/);
    const loaded = Number(
      /已加载 ([\d,]+)/.exec((await page.getByTestId('rows-count').textContent()) ?? '')?.[1]?.replace(/,/g, ''),
    );
    expect(loaded).toBeLessThanOrEqual(600);
    await expect.poll(() => page.getByTestId('position-bar').inputValue()).toBe('2499');
    await page.screenshot({ path: screenshotPath('grid-window-far-row') });

    // an edit there saves on the row at that position
    await retypeCursorCell(page, 'W-02500-A');
    const stored = await product.db.query<{ case_no: string; applicant: string }>(
      `SELECT case_no, applicant FROM ledger_window_case WHERE case_no LIKE 'W-02500%'`,
    );
    expect(stored).toEqual([{ case_no: 'W-02500-A', applicant: '群众2500' }]);

    // Ctrl+End: the last row of the whole ledger; Ctrl+Home: the first
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+End');
    await expect.poll(() => cursorRow(page), SLOW).toEqual([String(ROWS), `W-0${ROWS}`]);
    await page.keyboard.press('Control+Home');
    await expect.poll(() => cursorRow(page), SLOW).toEqual(['1', 'W-00001']);

    // scrolling up from a far window reads the rows before it, still counted in the whole ledger
    await page.getByTestId('goto-row').fill('1500');
    await page.getByTestId('goto-row').press('Enter');
    await expect.poll(() => cursorRow(page), SLOW).toEqual(['1500', 'W-01500']);
    await page.locator('.ledger-grid .ht_master .wtHolder').hover();
    for (let i = 0; i < 30 && Number((await shownRows(page))[0]?.[0] ?? 0) > 1_300; i += 1) {
      await page.mouse.wheel(0, -1500);
      await page.waitForTimeout(100);
    }
    const above = await shownRows(page);
    expect(Number(above[0][0])).toBeLessThanOrEqual(1_300);
    for (const [header, caseNo] of above) expect(caseNo).toBe(`W-${header.padStart(5, '0')}`);
    await page.context().close();
  });

  it('opens a link to a far row (?row=) at that row, not by reading the rows above it, and saves an edit there', async () => {
    const [{ id }] = await product.db.query<{ id: string }>(
      `SELECT id::text FROM ledger_window_case WHERE case_no = 'W-02800'`,
    );
    const page = await product.signedIn('clerk01', { viewport: { width: 1366, height: 768 } });
    await page.goto(`${product.server.url}/ledgers/window_case?row=${id}`);
    // the record pane opens on it, numbered in the whole ledger, and the grid's cursor is on it
    await expect.poll(() => page.getByTestId('record-pane').getAttribute('data-row'), SLOW).toBe('2800');
    await expect.poll(() => cursorRow(page), SLOW).toEqual(['2800', 'W-02800']);
    // the window around it: read where it stands, not page after page from the top
    await expect.poll(() => page.getByTestId('rows-count').textContent(), SLOW).toMatch(/^已加载 [\d,]+ \/ 3,000 行$/);
    const loaded = Number(
      /已加载 ([\d,]+)/.exec((await page.getByTestId('rows-count').textContent()) ?? '')?.[1]?.replace(/,/g, ''),
    );
    expect(loaded).toBeLessThanOrEqual(600);
    const shown = await shownRows(page);
    for (const [header, caseNo] of shown) expect(caseNo).toBe(`W-${header.padStart(5, '0')}`);

    // an edit of that row in the grid saves on it
    await page.keyboard.press('Escape');
    await page.locator('.ledger-grid .ht_clone_inline_start .htCore tbody td.current').click();
    await retypeCursorCell(page, 'W-02800-L');
    const stored = await product.db.query<{ id: string; case_no: string }>(
      `SELECT id::text, case_no FROM ledger_window_case WHERE case_no LIKE 'W-02800%'`,
    );
    expect(stored).toEqual([{ id, case_no: 'W-02800-L' }]);
    await page.context().close();
  });
});
