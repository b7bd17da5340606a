import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { FieldValue } from '@taizhang/ledger-core';
import { postGraphQL, screenshotPath, startBrowserProduct, type BrowserProduct } from '@taizhang/testing';

/**
 * A row on a phone (docs/grid.md, "The phone form"): the clerk's form of one row at 375 px, an
 * existing row edited, a new one saved offline through the grid's save queue and delivered once,
 * the server's refusal under its field, someone else's change met as a conflict.
 */
let product: BrowserProduct;

beforeAll(async () => {
  product = await startBrowserProduct();
});
afterAll(() => product?.stop());

const PHONE: BrowserContextOptions = {
  viewport: { width: 375, height: 740 },
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
};
/** A township centre's clerk: it fills the window cases. */
const CLERK = 'clerk06';
const LEDGER = 'window_case';

interface Row {
  id: string;
  version: number;
  values: Record<string, FieldValue>;
}

async function rowsOf(): Promise<Row[]> {
  const response = await postGraphQL<{ rows: { edges: { node: Row }[] } }>(
    product.server.url,
    `query { rows(ledger: "${LEDGER}", first: 1000) { edges { node { id version values } } } }`,
    {},
    { token: await product.token(CLERK) },
  );
  expect(response.errors).toBeUndefined();
  return response.data!.rows.edges.map((edge) => edge.node);
}

async function save(changes: unknown[]) {
  const response = await postGraphQL<{ saveRows: { results: { status: string; row: Row | null }[] } }>(
    product.server.url,
    `mutation ($changes: [RowChangeInput!]!) { saveRows(ledger: "${LEDGER}", changes: $changes) { results { status row { id version values } } } }`,
    { changes },
    { token: await product.token(CLERK) },
  );
  expect(response.errors).toBeUndefined();
  return response.data!.saveRows.results;
}

const caseOf = (caseNo: string, applicant: string) => ({
  op: 'INSERT',
  values: {
    case_no: caseNo,
    accepted_at: '2026-03-02T09:30:00+08:00',
    service_item: '户籍办理',
    applicant,
    status: '受理',
  },
});

const card = (page: Page, key: string) => page.locator(`[data-question="${key}"]`);
const textbox = (page: Page, key: string) => card(page, key).getByRole('textbox');

async function noSidewaysScroll(page: Page) {
  const { scroll, client, wide } = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    return {
      scroll: document.documentElement.scrollWidth,
      client: width,
      // what sticks out, to say so when it does
      wide: [...document.body.querySelectorAll('*')]
        .filter((element) => element.getBoundingClientRect().right > width + 0.5)
        .map((element) => `${element.tagName.toLowerCase()}.${element.className}`)
        .slice(0, 5),
    };
  });
  expect(scroll, `the page scrolls sideways: ${wide.join(' ')}`).toBeLessThanOrEqual(client);
}

async function fillNewCase(page: Page, caseNo: string, applicant: string) {
  await textbox(page, 'case_no').fill(caseNo);
  await card(page, 'accepted_at').locator('input').fill('2026-03-05T10:15');
  await textbox(page, 'service_item').fill('社保卡补办');
  await textbox(page, 'applicant').fill(applicant);
}

/** What this browser keeps of the sheet's queue (the grid's storage key), by key. */
async function storedQueues(page: Page): Promise<Record<string, { op: string; values: Record<string, unknown> }[]>> {
  return page.evaluate(() =>
    Object.fromEntries(
      Object.keys(localStorage)
        .filter((key) => key.startsWith('taizhang.queue.'))
        .map((key) => [key, JSON.parse(localStorage.getItem(key) ?? '[]')]),
    ),
  );
}

describe('a row on a phone', () => {
  let context: BrowserContext;
  let page: Page;
  let seeded: Row[];

  beforeAll(async () => {
    const results = await save([caseOf('SJ-0001', '张三'), caseOf('SJ-0002', '李四'), caseOf('SJ-0003', '王五')]);
    seeded = results.map((result) => result.row!);
    page = await product.signedIn(CLERK, PHONE);
    context = page.context();
  });
  afterAll(() => context?.close());

  it('lists the sheet’s rows newest first and edits one: the server has the Chinese value', async () => {
    await page.goto(`${product.server.url}/ledgers/${LEDGER}/new`);
    const listed = page.getByTestId('sheet-row');
    await expect.poll(() => listed.count()).toBe(3);
    expect(await listed.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id')))).toEqual(
      seeded.map((row) => row.id).reverse(),
    );
    expect(await listed.first().textContent()).toContain('SJ-0003');
    await noSidewaysScroll(page);
    await page.screenshot({ path: screenshotPath('phone-form-list'), fullPage: true });

    const target = seeded[0];
    await page.locator(`[data-testid="sheet-row"][data-id="${target.id}"]`).tap();
    await page.waitForURL(`**/ledgers/${LEDGER}/rows/${target.id}`);
    await expect.poll(() => textbox(page, 'applicant').inputValue()).toBe('张三');
    expect(await page.getByTestId('row-form-which').textContent()).toBe(`修改第 ${target.id} 号行`);
    await textbox(page, 'applicant').fill('欧阳娜娜');
    await textbox(page, 'remark').fill('群众要求更正姓名');
    await page.getByTestId('save-row').tap();
    await expect.poll(() => page.getByTestId('row-form-saved').textContent()).toBe('已保存');
    await noSidewaysScroll(page);
    await page.screenshot({ path: screenshotPath('phone-form-edited'), fullPage: true });

    const after = (await rowsOf()).find((row) => row.id === target.id)!;
    expect(after.values).toMatchObject({ case_no: 'SJ-0001', applicant: '欧阳娜娜', remark: '群众要求更正姓名' });
    expect(after.version).toBe(target.version + 1);
    // nothing was left in the queue, and no other row was touched
    expect(await storedQueues(page)).toEqual({});
    expect((await rowsOf()).length).toBe(3);

    // a link opens that row in the form, as saved
    await page.goto(`${product.server.url}/ledgers/${LEDGER}/rows/${target.id}`);
    await expect.poll(() => textbox(page, 'applicant').inputValue()).toBe('欧阳娜娜');
  });

  it('saves a new row offline, says it is waiting, and delivers it once when back online', async () => {
    await page.goto(`${product.server.url}/ledgers/${LEDGER}/new`);
    await textbox(page, 'case_no').waitFor();
    const before = (await rowsOf()).length;

    await context.setOffline(true);
    onTestFinished(() => context.setOffline(false));
    await fillNewCase(page, 'SJ-0100', '司马相如');
    await page.getByTestId('save-row').tap();
    const queue = page.getByTestId('row-form-queue');
    await expect.poll(() => queue.textContent(), { timeout: 10_000 }).toBe('离线：待发送 1 条，联网后自动发送');
    expect(await page.getByTestId('row-form-waiting').textContent()).toContain('联网后自动发送');
    await noSidewaysScroll(page);
    await page.screenshot({ path: screenshotPath('phone-form-offline'), fullPage: true });

    // kept in the grid's queue of this sheet (the same key the grid reads), and not sent
    const stored = Object.values(await storedQueues(page));
    expect(stored).toEqual([
      [expect.objectContaining({ op: 'INSERT', values: expect.objectContaining({ case_no: 'SJ-0100' }) })],
    ]);
    await page.waitForTimeout(3_000);
    expect((await rowsOf()).length).toBe(before);

    await context.setOffline(false);
    await expect.poll(() => page.getByTestId('row-form-saved').textContent(), { timeout: 15_000 }).toMatch(/^已保存/);
    // the form is empty again for the next row; the list has the new one on top
    expect(await textbox(page, 'case_no').inputValue()).toBe('');
    await expect.poll(() => page.getByTestId('sheet-row').first().textContent()).toContain('SJ-0100');
    await page.waitForTimeout(2_000);
    const rows = await rowsOf();
    expect(rows.length).toBe(before + 1);
    expect(rows.filter((row) => row.values.case_no === 'SJ-0100').map((row) => row.values.applicant)).toEqual([
      '司马相如',
    ]);
    expect(await storedQueues(page)).toEqual({});
  });

  it('shows the server’s refusal under its field, in Chinese', async () => {
    await page.goto(`${product.server.url}/ledgers/${LEDGER}/new`);
    await textbox(page, 'case_no').waitFor();
    const before = (await rowsOf()).length;
    // a case number the unit has already: the client cannot know, the server refuses the row
    await fillNewCase(page, 'SJ-0002', '诸葛亮');
    await page.getByTestId('save-row').tap();
    await expect
      .poll(() => card(page, 'case_no').getByRole('alert').textContent(), { timeout: 10_000 })
      .toBe('本单位已有相同的「办件编号」');
    expect(await page.getByTestId('row-form-rejected').textContent()).toBe(
      '服务器未接受这一行，请按标红处修改后再保存',
    );
    await noSidewaysScroll(page);
    await page.screenshot({ path: screenshotPath('phone-form-rejected') });
    expect((await rowsOf()).length).toBe(before);

    // corrected, it goes
    await textbox(page, 'case_no').fill('SJ-0101');
    await page.getByTestId('save-row').tap();
    await expect.poll(() => page.getByTestId('row-form-saved').textContent()).toMatch(/^已保存/);
    const rows = await rowsOf();
    expect(rows.length).toBe(before + 1);
    expect(rows.filter((row) => row.values.applicant === '诸葛亮').map((row) => row.values.case_no)).toEqual([
      'SJ-0101',
    ]);
  });

  it('meets someone else’s change as a conflict, with both values and the choice', async () => {
    const target = (await rowsOf()).find((row) => row.values.case_no === 'SJ-0002')!;
    await page.goto(`${product.server.url}/ledgers/${LEDGER}/rows/${target.id}`);
    await expect.poll(() => textbox(page, 'applicant').inputValue()).toBe('李四');
    // someone else changes the row after the phone read it
    const [theirs] = await save([
      { op: 'UPDATE', id: target.id, version: target.version, values: { applicant: '李思思' } },
    ]);
    expect(theirs.status).toBe('SAVED');

    await textbox(page, 'applicant').fill('李斯');
    await page.getByTestId('save-row').tap();
    const conflict = page.getByTestId('row-form-conflict');
    await expect
      .poll(() => conflict.getByTestId('their-value').allTextContents(), { timeout: 10_000 })
      .toEqual(['李思思']);
    expect(await conflict.getByTestId('my-value').allTextContents()).toEqual(['李斯']);
    await noSidewaysScroll(page);
    await page.screenshot({ path: screenshotPath('phone-form-conflict') });

    await conflict.getByTestId('keep-mine').tap();
    await expect
      .poll(async () => (await rowsOf()).find((row) => row.id === target.id)!.values.applicant, { timeout: 10_000 })
      .toBe('李斯');
    await expect.poll(() => page.getByTestId('row-form-saved').textContent()).toBe('已保存');
    expect(await conflict.count()).toBe(0);
  });

  it('leaves what it queued offline to the grid of that sheet in the same browser, which sends it once', async () => {
    const phone = await context.newPage();
    await phone.goto(`${product.server.url}/ledgers/${LEDGER}/new`);
    await textbox(phone, 'case_no').waitFor();
    const before = (await rowsOf()).length;
    await context.setOffline(true);
    onTestFinished(() => context.setOffline(false));
    await fillNewCase(phone, 'SJ-0200', '东方朔');
    await phone.getByTestId('save-row').tap();
    await expect.poll(() => phone.getByTestId('row-form-queue').textContent()).toContain('待发送 1 条');
    // the phone is put away before the network comes back
    await phone.close();
    await context.setOffline(false);
    expect((await rowsOf()).length).toBe(before);

    // the grid of the sheet reads the same queue: the row is there, and sent
    const grid = await context.newPage();
    await grid.goto(`${product.server.url}/ledgers/${LEDGER}`);
    const status = grid.getByTestId('save-status');
    await expect
      .poll(async () => `${await status.getAttribute('data-state')}/${await status.getAttribute('data-pending')}`, {
        timeout: 15_000,
      })
      .toBe('saved/0');
    await grid.waitForTimeout(1_000);
    const rows = await rowsOf();
    expect(rows.length).toBe(before + 1);
    expect(rows.filter((row) => row.values.case_no === 'SJ-0200').map((row) => row.values.applicant)).toEqual([
      '东方朔',
    ]);
    expect(await storedQueues(grid)).toEqual({});
    await grid.close();
  });
});
