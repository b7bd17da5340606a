import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gridCell as cell,
  gridEditing as editing,
  openLedgerFromHome,
  postGraphQL,
  screenshotPath,
  startBrowserProduct,
  typeIntoCell,
  type BrowserProduct,
} from '@taizhang/testing';

/**
 * Working together (docs/live.md), in Chromium: two browsers of one unit on the same sheet, a
 * clerk of another unit beside them, and an admin returning a sheet its clerk has open.
 */
let product: BrowserProduct;

beforeAll(async () => {
  product = await startBrowserProduct();
});
afterAll(() => product?.stop());

async function gql<T>(username: string, query: string, variables: Record<string, unknown> = {}) {
  const answer = await postGraphQL<T>(product.server.url, query, variables, { token: await product.token(username) });
  expect(answer.errors).toBeUndefined();
  return answer.data!;
}

async function openLedger(context: BrowserContext, username: string, ledger: string): Promise<Page> {
  const page = await context.newPage();
  await openLedgerFromHome(product, page, username, ledger);
  await expect.poll(() => page.getByTestId('rows-count').textContent()).toMatch(/^已加载 \d+ \/ \d+ 行$/);
  return page;
}

/** Opens a cell's editor and types into it, without committing (the text stays in the editor). */
const typeWithoutCommitting = (page: Page, row: number, col: number, text: string) =>
  typeIntoCell(page, row, col, text, { commit: false });

async function waitSaved(page: Page) {
  await expect
    .poll(() => page.getByTestId('save-status').getAttribute('data-state'), { timeout: 15_000 })
    .toBe('saved');
}

const APPLICANT = 3; // window_case: 办件编号, 受理时间, 办理事项, 申请人, …
const SAVE = `mutation ($changes: [RowChangeInput!]!) { saveRows(ledger: "window_case", changes: $changes) { results { row { id version } } } }`;
const caseOf = (caseNo: string, applicant: string) => ({
  case_no: caseNo,
  accepted_at: '2026-12-07T09:30:00+08:00',
  service_item: '不动产登记',
  applicant,
  status: '受理',
});

describe('two browsers of one unit', () => {
  it("shows one clerk's change in the other's grid within a second, while the other is typing in another cell", async () => {
    await gql('clerk01', SAVE, {
      changes: ['甲', '乙', '丙'].map((n, i) => ({ op: 'INSERT', values: caseOf(`LIVE-${i + 1}`, `申请人${n}`) })),
    });
    const a = await product.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const b = await product.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const other = await product.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const pageA = await openLedger(a, 'clerk01', 'window_case');
    const pageB = await openLedger(b, 'clerk01', 'window_case');
    const pageOther = await openLedger(other, 'clerk02', 'window_case');
    const first = (await cell(pageA, 0, 0).textContent()) ?? '';
    expect(await cell(pageB, 0, 0).textContent()).toBe(first);

    // B is in the middle of typing into row 2 when A's change to row 0 arrives
    await typeWithoutCommitting(pageB, 2, APPLICANT, '王五');
    // A sees who else is in the sheet, and on which row (the same clerk in another browser)
    await expect
      .poll(() => pageA.getByTestId('presence').textContent())
      .toBe('同时在填：● 城关镇行政审批服务中心填报员（第 3 行）');
    expect(await pageOther.getByTestId('presence').count()).toBe(0);
    await typeWithoutCommitting(pageA, 0, APPLICANT, '欧阳娜娜');
    const typedAt = Date.now();
    await pageA.keyboard.press('Enter');
    await waitSaved(pageA);
    await expect.poll(() => cell(pageB, 0, APPLICANT).textContent(), { interval: 25 }).toBe('欧阳娜娜');
    const seenAfter = Date.now() - typedAt;
    // B's editor stayed open with what B typed
    expect(await editing(pageB)).toBe(true);
    expect(await pageB.evaluate(() => (document.activeElement as HTMLTextAreaElement).value)).toBe('王五');
    await pageB.screenshot({ path: screenshotPath('live-rows-other-browser') });
    await pageB.keyboard.press('Enter');
    await waitSaved(pageB);
    await expect.poll(() => cell(pageA, 2, APPLICANT).textContent()).toBe('王五');
    console.log(`live rows: A's save seen in B ${seenAfter} ms after Enter (save included)`);
    expect(seenAfter).toBeLessThan(3_000);

    // both changes are kept: neither overwrote the other
    const { rows } = await gql<{ rows: { edges: { node: { values: Record<string, unknown> } }[] } }>(
      'clerk01',
      `{ rows(ledger: "window_case", first: 1000) { edges { node { values } } } }`,
    );
    const applicants = rows.edges.map((e) => e.node.values.applicant);
    expect(applicants).toContain('欧阳娜娜');
    expect(applicants).toContain('王五');
    // the clerk of another unit saw neither
    expect(await pageOther.locator('.ledger-grid').textContent()).not.toContain('欧阳娜娜');
    await pageA.screenshot({ path: screenshotPath('live-rows-presence') });
    // B leaves: gone from A's sheet within a few seconds
    await b.close();
    await expect.poll(() => pageA.getByTestId('presence').count(), { timeout: 5_000 }).toBe(0);
    await Promise.all([a.close(), other.close()]);
  });

  it('adds a row another browser inserted, and removes one it deleted', async () => {
    const a = await product.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const pageA = await openLedger(a, 'clerk01', 'window_case');
    const count = async () =>
      Number(
        /\/ ([\d,]+) 行$/.exec((await pageA.getByTestId('rows-count').textContent()) ?? '')?.[1]?.replace(/,/g, ''),
      );
    const before = await count();
    const saved = await gql<{ saveRows: { results: { row: { id: string; version: number } }[] } }>('clerk01', SAVE, {
      changes: [{ op: 'INSERT', values: caseOf('LIVE-新增-001', '诸葛亮') }],
    });
    await expect.poll(() => pageA.locator('.ledger-grid').textContent()).toContain('诸葛亮');
    expect(await count()).toBe(before + 1);
    const row = saved.saveRows.results[0].row;
    await gql('clerk01', SAVE, { changes: [{ op: 'DELETE', id: row.id, version: row.version }] });
    await expect.poll(() => pageA.locator('.ledger-grid').textContent()).not.toContain('诸葛亮');
    expect(await count()).toBe(before);
    await a.close();
  });
});

describe('a returned sheet', () => {
  it("unlocks in the clerk's open grid, with the admin's reason", async () => {
    const context = await product.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await openLedger(context, 'clerk01', 'daily_followup');
    const period = await page.getByTestId('period-picker').inputValue();
    const state = () => page.getByTestId('sheet-state').getAttribute('data-state');
    if (!['SUBMITTED', 'SUBMITTED_LATE'].includes((await state()) ?? '')) {
      // the day's row, then 提交 through the API as the clerk (another browser of the unit, say)
      const sheet = await gql<{ rows: { totalCount: number } }>(
        'clerk01',
        `query ($p: String) { rows(ledger: "daily_followup", period: $p) { totalCount } }`,
        { p: period },
      );
      if (sheet.rows.totalCount === 0)
        await gql(
          'clerk01',
          `mutation ($changes: [RowChangeInput!]!) { saveRows(ledger: "daily_followup", changes: $changes) { saved } }`,
          {
            changes: [
              {
                op: 'INSERT',
                values: { report_date: period, cases: 3, follow_ups: 2 },
                reasons: { cases: '手工', follow_ups: '手工' },
              },
            ],
          },
        );
      await gql(
        'clerk01',
        `mutation ($p: String!) { submitSheet(ledger: "daily_followup", period: $p, acknowledgedWarnings: 9) { state } }`,
        {
          p: period,
        },
      );
    }
    await expect.poll(state).toMatch(/^SUBMITTED/);
    expect(await page.getByTestId('add-row').count()).toBe(0);
    const { units } = await gql<{ units: { id: string; code: string }[] }>('admin', '{ units { id code } }');
    const unitId = units.find((u) => u.code === 'xz01')!.id;
    await gql(
      'admin',
      `mutation ($u: ID!, $p: String!) { returnSheet(ledger: "daily_followup", unitId: $u, period: $p, reason: "随访数与办件台账不符，请核对") { state } }`,
      {
        u: unitId,
        p: period,
      },
    );
    await expect.poll(state, { timeout: 3_000 }).toBe('RETURNED');
    expect(await page.getByTestId('sheet-bar').textContent()).toContain('随访数与办件台账不符，请核对');
    await page.screenshot({ path: screenshotPath('live-rows-returned') });
    // editable again, without a reload: rows can be added and the sheet submitted again
    await page.getByTestId('add-row').waitFor({ timeout: 3_000 });
    expect(await page.getByTestId('submit-sheet').isEnabled()).toBe(true);
    await context.close();
  });
});

describe('the board, live', () => {
  it("counts a unit's submission on the leader's open board without a reload", async () => {
    const page = await product.signedIn('leader', { viewport: { width: 1440, height: 1000 } });
    await page.getByTestId('nav-dashboard').click();
    await page.waitForURL('**/dashboard');
    const board = page.getByTestId('board-daily_followup');
    const submitted = () => board.getByTestId('count-submitted').textContent();
    await expect.poll(submitted).toMatch(/^\d+$/);
    const before = Number(await submitted());
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    await gql(
      'clerk03',
      `mutation ($changes: [RowChangeInput!]!) { saveRows(ledger: "daily_followup", changes: $changes) { saved } }`,
      {
        changes: [
          {
            op: 'INSERT',
            values: { report_date: today, cases: 4, follow_ups: 4 },
            reasons: { cases: '手工', follow_ups: '手工' },
          },
        ],
      },
    );
    const at = Date.now();
    await gql(
      'clerk03',
      `mutation ($p: String!) { submitSheet(ledger: "daily_followup", period: $p, acknowledgedWarnings: 9) { state } }`,
      {
        p: today,
      },
    );
    await expect.poll(submitted, { timeout: 3_000, interval: 25 }).toBe(String(before + 1));
    console.log(`live board: a submission counted on the open board ${Date.now() - at} ms after the submit was sent`);
    await board.screenshot({ path: screenshotPath('live-board') });
    await page.context().close();
  });
});
