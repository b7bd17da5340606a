import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL, screenshotPath, startBrowserProduct, type BrowserProduct } from '@taizhang/testing';

/**
 * References as a clerk uses them (issue #19): a rectification's 关联办件编号 shows the window
 * case's number, is picked by typing part of it, takes a pasted number; a row made by a
 * follow-up shows where it came from (来源) and its source lists it (后续).
 */
let product: BrowserProduct;

beforeAll(async () => {
  product = await startBrowserProduct();
});
afterAll(() => product?.stop());

const CLERK = 'clerk07';

interface SavedRow {
  id: string;
  values: Record<string, unknown>;
}

async function saveRow(ledger: string, values: Record<string, unknown>): Promise<string> {
  const saved = await postGraphQL<{
    saveRows: { results: { status: string; row: { id: string } | null; errors: unknown }[] };
  }>(
    product.server.url,
    `mutation ($ledger: String!, $values: JSON!) { saveRows(ledger: $ledger, changes: [{ op: INSERT, values: $values }]) { results { status row { id } errors { path message } } } }`,
    { ledger, values },
    { token: await product.token(CLERK) },
  );
  expect(saved.errors).toBeUndefined();
  expect(saved.data!.saveRows.results[0]).toMatchObject({ status: 'SAVED' });
  return saved.data!.saveRows.results[0].row!.id;
}

async function rowsOf(ledger: string): Promise<SavedRow[]> {
  const response = await postGraphQL<{ rows: { edges: { node: SavedRow }[] } }>(
    product.server.url,
    `query ($ledger: String!) { rows(ledger: $ledger, first: 1000) { edges { node { id values } } } }`,
    { ledger },
    { token: await product.token(CLERK) },
  );
  expect(response.errors).toBeUndefined();
  return response.data!.rows.edges.map((e) => e.node);
}

const windowCase = (caseNo: string, more: Record<string, unknown> = {}) =>
  saveRow('window_case', {
    case_no: caseNo,
    accepted_at: '2026-03-02T09:00:00+08:00',
    service_item: '个体工商户登记',
    applicant: '王五',
    ...more,
  });

const rectification = (description: string) =>
  saveRow('rectification', {
    found_on: '2026-03-04',
    source: '回访',
    description,
    owner: '赵六',
    deadline: '2026-03-09',
    status: '待整改',
  });

async function openLedger(page: Page, ledger: string, query = '') {
  await page.goto(`${product.server.url}/ledgers/${ledger}${query}`);
  await page.locator('.ledger-grid .ht_master .htCore').waitFor();
  await expect.poll(() => page.getByTestId('rows-count').textContent()).toMatch(/已加载/);
}

/** A cell (0-based row and column) by its column's aria index; the frozen first column is its own overlay. */
function cell(page: Page, row: number, col: number) {
  const layer = col === 0 ? '.ht_clone_inline_start' : '.ht_master';
  return page
    .locator(`.ledger-grid ${layer} .htCore tbody tr`)
    .nth(row)
    .locator(`td[aria-colindex="${col + 2}"]`);
}

/** The grid row (0-based) whose cells say `text`. */
async function rowSaying(page: Page, text: string): Promise<number> {
  const rows = await page.locator('.ledger-grid .ht_master .htCore tbody tr').allTextContents();
  const index = rows.findIndex((row) => row.includes(text));
  expect(index, text).toBeGreaterThanOrEqual(0);
  return index;
}

/** What copying the selected cells puts on the clipboard (Handsontable's copy handler, as Ctrl+C runs it). */
const copied = (page: Page) =>
  page.evaluate(() => {
    const data = new DataTransfer();
    document.activeElement!.dispatchEvent(new ClipboardEvent('copy', { clipboardData: data, bubbles: true }));
    return data.getData('text/plain');
  });

const paste = (page: Page, text: string) =>
  page.evaluate((value) => {
    const data = new DataTransfer();
    data.setData('text/plain', value);
    document.activeElement!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
  }, text);

describe('a reference cell in the grid', () => {
  it('is picked by typing part of the case number, takes a pasted number, and shows and copies the number', async () => {
    const first = await windowCase('GJ-2026-0100');
    const second = await windowCase('GJ-2026-0101', { applicant: '李四' });
    const other = await windowCase('GJ-2026-0200', { applicant: '张三' });
    await rectification('窗口排队时间过长');
    await rectification('材料清单未公示');

    const page = await product.signedIn(CLERK, { viewport: { width: 1366, height: 768 } });
    await openLedger(page, 'rectification');
    const picked = await rowSaying(page, '窗口排队时间过长');
    await cell(page, picked, 0).click();
    await page.keyboard.type('GJ-2026-01');
    const picker = page.getByTestId('reference-picker');
    const options = picker.locator('.reference-label');
    // the server's ranking: both cases numbered GJ-2026-01…, the newest first; not GJ-2026-0200
    await expect.poll(() => options.allTextContents()).toEqual(['GJ-2026-0101', 'GJ-2026-0100']);
    expect(await picker.locator('.reference-hint').allTextContents()).toEqual([
      expect.stringContaining('李四'),
      expect.stringContaining('王五'),
    ]);
    await page.screenshot({ path: screenshotPath('references-picker') });
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(() => cell(page, picked, 0).textContent()).toBe('GJ-2026-0100');
    await expect
      .poll(
        async () => (await rowsOf('rectification')).find((r) => r.values.description === '窗口排队时间过长')?.values,
      )
      .toMatchObject({ case_ref: Number(first) });

    // Esc leaves the cell as it was
    await cell(page, picked, 0).click();
    await page.keyboard.type('0200', { delay: 60 }); // a person's pace: each key after the editor has it
    await expect.poll(() => options.allTextContents()).toEqual(['GJ-2026-0200']);
    await page.keyboard.press('Escape');
    expect(await cell(page, picked, 0).textContent()).toBe('GJ-2026-0100');
    expect(await picker.isVisible()).toBe(false);

    // a number pasted is resolved by the server; the cell then holds that case and copies its number
    const pasted = await rowSaying(page, '材料清单未公示');
    await cell(page, pasted, 0).click();
    await paste(page, 'GJ-2026-0200');
    await expect
      .poll(async () => (await rowsOf('rectification')).find((r) => r.values.description === '材料清单未公示')?.values)
      .toMatchObject({ case_ref: Number(other) });
    await expect.poll(() => cell(page, pasted, 0).textContent()).toBe('GJ-2026-0200');
    await cell(page, picked, 0).click();
    expect(await copied(page)).toBe('GJ-2026-0100');
    await page.screenshot({ path: screenshotPath('references-grid') });

    // the record pane picks the same way, and the cell follows
    await cell(page, pasted, 1).click();
    await page.getByTestId('open-record').click();
    const field = page.getByTestId('record-pane').locator('[data-question="case_ref"]');
    await expect.poll(() => field.getByRole('combobox').inputValue()).toBe('GJ-2026-0200');
    await field.getByRole('combobox').fill('0101');
    const found = field.getByRole('option');
    await expect.poll(() => found.allTextContents()).toEqual([expect.stringMatching(/^GJ-2026-0101 /)]);
    await page.screenshot({ path: screenshotPath('references-record-picker') });
    await found.first().click();
    await expect.poll(() => cell(page, pasted, 0).textContent()).toBe('GJ-2026-0101');
    await expect
      .poll(async () => (await rowsOf('rectification')).find((r) => r.values.description === '材料清单未公示')?.values)
      .toMatchObject({ case_ref: Number(second) });
    expect(await field.getByRole('combobox').inputValue()).toBe('GJ-2026-0101');

    // read again from the server: the numbers, not the ids
    await page.reload();
    await openLedger(page, 'rectification');
    await expect
      .poll(async () => [await cell(page, picked, 0).textContent(), await cell(page, pasted, 0).textContent()])
      .toEqual(['GJ-2026-0100', 'GJ-2026-0101']);
    await page.context().close();
  });
});

describe('来源 and 后续', () => {
  it('a rectification made by a follow-up shows its source row, which opens with its 后续', async () => {
    // a dissatisfied visit of a window case, and a citizen's dissatisfied answer on a phone
    const source = await windowCase('GJ-2026-0300', {
      status: '办结',
      completed_at: '2026-03-03T10:00:00+08:00',
      visited_at: '2026-03-03T11:00:00+08:00',
      visit_method: '电话',
      visit_result: '非常不满意',
    });
    const phone = await product.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const survey = await phone.newPage();
    await survey.goto(`${product.server.url}/s/xz07`);
    await survey.locator('[data-question="q1"]').getByLabel('非常不满意').check();
    await survey.locator('[data-question="q11"] textarea').fill('窗口无人');
    await survey.getByTestId('submit-survey').click();
    await expect.poll(() => survey.getByTestId('survey-thanks').textContent()).toContain('感谢');
    await phone.close();
    const made = (await rowsOf('rectification')).find((r) => r.values.case_ref === Number(source));
    expect(made?.values.description).toContain('GJ-2026-0300');

    const page = await product.signedIn(CLERK, { viewport: { width: 1366, height: 768 } });
    await openLedger(page, 'rectification');
    const pane = page.getByTestId('record-pane');

    // the survey's: its ledger and the answer's id (a survey has no display field)
    await cell(page, await rowSaying(page, '窗口无人'), 1).click();
    await page.getByTestId('open-record').click();
    await expect.poll(() => pane.getByTestId('row-origin').textContent()).toMatch(/问卷.*#\d+/);
    await page.screenshot({ path: screenshotPath('references-origin-survey') });

    // the visit's: the window case by its number, a link to it
    await pane.getByTestId('record-close').click();
    await cell(page, await rowSaying(page, '回访结果'), 1).click();
    await page.getByTestId('open-record').click();
    await expect.poll(() => pane.getByTestId('row-origin').textContent()).toBe('窗口办件台账 GJ-2026-0300');
    // the row named by its case's number, not its id
    expect(await pane.locator('.record-label').textContent()).toMatch(/^GJ-2026-0300 · /);
    await page.screenshot({ path: screenshotPath('references-origin') });
    await pane.getByTestId('row-origin').getByRole('link').click();
    await page.waitForURL(`**/ledgers/window_case?row=${source}`);
    await expect.poll(() => pane.locator('.record-label').textContent()).toContain('GJ-2026-0300');
    // the source row selected in the grid, and its 后续: the rectification it made
    const selected = page.locator('.ledger-grid .ht_clone_inline_start .htCore tbody td.current');
    await expect.poll(() => selected.textContent()).toBe('GJ-2026-0300');
    await expect.poll(() => pane.getByTestId('row-follow-ups').textContent()).toBe(`不满意办件整改台账 #${made!.id}`);
    await page.screenshot({ path: screenshotPath('references-follow-ups') });

    // and back
    await pane.getByTestId('row-follow-ups').getByRole('link').click();
    await page.waitForURL(`**/ledgers/rectification?row=${made!.id}`);
    await expect.poll(() => pane.getByTestId('row-origin').textContent()).toBe('窗口办件台账 GJ-2026-0300');

    // a dissatisfied visit given in the record pane: its 后续 appears once the save has made it
    const visited = await windowCase('GJ-2026-0400', {
      status: '办结',
      completed_at: '2026-03-03T10:00:00+08:00',
      visited_at: '2026-03-03T11:00:00+08:00',
      visit_method: '电话',
    });
    await openLedger(page, 'window_case', `?row=${visited}`);
    await expect.poll(() => pane.locator('.record-label').textContent()).toContain('GJ-2026-0400');
    expect(await pane.getByTestId('row-follow-ups').count()).toBe(0);
    await pane.locator('[data-question="visit_result"] label', { hasText: '不太满意' }).click();
    await expect
      .poll(() => pane.getByTestId('row-follow-ups').textContent(), { timeout: 15_000 })
      .toMatch(/^不满意办件整改台账 #\d+$/);
    const fresh = (await rowsOf('rectification')).find((r) => r.values.case_ref === Number(visited));
    expect(await pane.getByTestId('row-follow-ups').textContent()).toBe(`不满意办件整改台账 #${fresh!.id}`);
    // the case's roll-ups count it at once, from the saved row the API answers with
    await expect.poll(() => pane.getByTestId('record-rectifications').textContent()).toBe('1');
    expect(await pane.getByTestId('record-open_rectifications').textContent()).toBe('1');
    await page.screenshot({ path: screenshotPath('references-roll-ups') });
    await page.context().close();
  });
});
