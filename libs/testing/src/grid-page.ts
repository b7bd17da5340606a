import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { BrowserProduct } from './browser-product';

/**
 * The ledger grid page as the browser specs drive it: open a ledger from the home page, find a
 * cell, type into it like a clerk, wait for the rows and for the saves. One place for what
 * grid, grid-layout, live-rows, views and excel specs each used to define.
 */

/** Signs `username` in, follows the home page's link to `ledger`, and waits for the grid. */
export async function openLedgerFromHome(
  product: BrowserProduct,
  page: Page,
  username: string,
  ledger: string,
): Promise<void> {
  await product.signIn(page, username);
  await page.locator(`[data-ledger="${ledger}"] a`).click();
  await page.waitForURL(`**/ledgers/${ledger}`);
  await page.locator('.ledger-grid .ht_master .htCore').waitFor();
}

/** The grid is there and says how many rows it has loaded ("已加载 n / N 行", or in English). */
export async function waitGridLoaded(page: Page): Promise<void> {
  await page.locator('.ledger-grid .ht_master .htCore').waitFor();
  await expect.poll(() => page.getByTestId('rows-count').textContent()).toMatch(/已加载|loaded/i);
}

/** A cell of the grid (row and column 0-based, by position); the frozen first column is its own overlay. */
export function gridCell(page: Page, row: number, col: number) {
  const layer = col === 0 ? '.ht_clone_inline_start' : '.ht_master';
  return page.locator(`.ledger-grid ${layer} .htCore tbody tr`).nth(row).locator('td').nth(col);
}

// run in the page (a string: this library is compiled without the DOM's types)
const EDITOR_FOCUSED = "document.activeElement?.classList.contains('handsontableInput') ?? false";

/** Whether the grid's cell editor has the focus. */
export const gridEditing = (page: Page) => page.evaluate<boolean>(EDITOR_FOCUSED);

/**
 * Like a clerk at the keyboard: select the cell, F2 to edit (again if the editor has not taken
 * the focus yet — a loaded machine can be slow to give it), replace the text as an IME delivers
 * it; then Enter to commit unless `commit` is false (the text stays in the editor).
 */
export async function typeIntoCell(
  page: Page,
  row: number,
  col: number,
  text: string,
  { commit = true }: { commit?: boolean } = {},
): Promise<void> {
  await gridCell(page, row, col).click();
  for (let attempt = 0; attempt < 3 && !(await gridEditing(page)); attempt += 1) {
    await page.keyboard.press('F2');
    await page.waitForFunction(EDITOR_FOCUSED, undefined, { timeout: 5_000 }).catch(() => undefined);
  }
  expect(await gridEditing(page)).toBe(true);
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
  if (commit) await page.keyboard.press('Enter');
}

/** Every change saved: the save status says so and nothing is pending. */
export async function waitGridSaved(page: Page): Promise<void> {
  const status = page.getByTestId('save-status');
  await expect
    .poll(async () => `${await status.getAttribute('data-state')}/${await status.getAttribute('data-pending')}`, {
      timeout: 15_000,
    })
    .toBe('saved/0');
}
