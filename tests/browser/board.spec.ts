import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL, screenshotPath, startBrowserProduct, type BrowserProduct } from '@taizhang/testing';

/**
 * The board at 16:50 and the print of every unit (issue 28), in Chromium as a leader and an
 * admin: a unit on the board opens its sheet, a count opens its units, the missing units show
 * whom to call, the leader 催报 and sees it recorded; a print of all units says whose each row is.
 */
let product: BrowserProduct;
const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

async function api<T>(username: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const answer = await postGraphQL<T>(product.server.url, query, variables, { token: await product.token(username) });
  expect(answer.errors, JSON.stringify(answer.errors)).toBeUndefined();
  return answer.data!;
}

const SAVE = `mutation ($ledger: String!, $changes: [RowChangeInput!]!) { saveRows(ledger: $ledger, changes: $changes) { saved } }`;
const windowCase = (caseNo: string, applicant: string) => ({
  case_no: caseNo,
  accepted_at: `${today()}T09:30:00+08:00`,
  service_item: '社保参保登记',
  applicant,
  status: '受理',
});

let units: Map<string, string>;
/** Whether 城关镇's sheet went in after today's 17:00 deadline (the test runs on the real clock). */
let submittedLate: boolean;
let phones: Map<string, string | null>;

beforeAll(async () => {
  product = await startBrowserProduct();
  // 城关镇 (clerk01) submits today's report, 亢村镇 (clerk02) has a draft; each has a window case
  for (const [clerk, name] of [
    ['clerk01', '王芳'],
    ['clerk02', '李强'],
  ]) {
    await api(clerk, SAVE, {
      ledger: 'window_case',
      changes: [{ op: 'INSERT', values: windowCase(`${clerk}-P1`, name) }],
    });
    await api(clerk, SAVE, { ledger: 'daily_followup', changes: [{ op: 'INSERT', values: { report_date: today() } }] });
  }
  // on time before 17:00 in Shanghai, late after: the board is read as the server judged it
  const sent = await api<{ submitSheet: { state: string } }>(
    'clerk01',
    'mutation ($p: String!) { submitSheet(ledger: "daily_followup", period: $p) { state } }',
    { p: today() },
  );
  submittedLate = sent.submitSheet.state === 'SUBMITTED_LATE';
  const listed = await api<{ units: { id: string; name: string }[] }>('admin', '{ units { id name } }');
  units = new Map(listed.units.map((u) => [u.name, u.id]));
  // the clerks' phones as the users query gives them (not the board)
  const users = await api<{ users: { username: string; phone: string | null }[] }>(
    'admin',
    '{ users { username phone } }',
  );
  phones = new Map(users.users.map((u) => [u.username, u.phone]));
});
afterAll(() => product?.stop());

async function openDashboard(username: string, width = 1440): Promise<Page> {
  const page = await product.signedIn(username, { viewport: { width, height: 1000 } });
  await page.getByTestId('nav-dashboard').click();
  await page.waitForURL('**/dashboard');
  return page;
}

describe('the board as a leader', () => {
  it('shows whom to call, lets the leader 催报, and opens a unit’s sheet from its name', async () => {
    const page = await openDashboard('leader');
    const board = page.getByTestId('board-daily_followup');
    await expect.poll(() => board.getByTestId('count-submitted').textContent()).toBe('1');
    expect(await board.getByTestId('count-missing').textContent()).toBe('19');

    // each missing unit with its clerk's name and phone
    const kangcun = board.locator('li.unit-chip[data-unit="亢村镇行政审批服务中心"]');
    expect(await kangcun.textContent()).toContain('亢村镇行政审批服务中心（草稿）');
    expect(await kangcun.getByTestId('unit-clerks').textContent()).toContain('亢村镇行政审批服务中心填报员');
    expect(phones.get('clerk02')).toMatch(/^(1\d{10}|0\d{2,3}-?\d{7,8})$/);
    expect(await kangcun.getByTestId('clerk-phone').textContent()).toBe(phones.get('clerk02'));
    expect(await kangcun.getByTestId('clerk-phone').getAttribute('href')).toBe(`tel:${phones.get('clerk02')}`);

    // 催报 by the leader: recorded on the unit's line with the time and who sent it
    expect(await kangcun.getByTestId('reminded').count()).toBe(0);
    await kangcun.getByTestId('remind-unit').click();
    await expect.poll(() => kangcun.getByTestId('reminded').count()).toBe(1);
    expect(await kangcun.getByTestId('reminded').textContent()).toMatch(/已催报 \d\d:\d\d（局领导）/);
    // the reminder lists whom to call, with the phone
    expect(await board.getByTestId('reminder').textContent()).toContain(`（clerk02） ${phones.get('clerk02')}`);
    // one unit reminded, not the others
    expect(await board.getByTestId('reminded').count()).toBe(1);
    expect(await board.getByTestId('remind-missing').count()).toBe(1);
    await board.scrollIntoViewIfNeeded();
    await board.screenshot({ path: screenshotPath('board-leader-missing') });

    // 已提交 1 opens the submitted units; a unit's name opens its sheet of today
    await board.getByTestId('count-submitted').click();
    const submitted = board.getByTestId('submitted-units');
    await submitted.waitFor();
    expect(await submitted.textContent()).toContain('城关镇行政审批服务中心');
    expect(await board.getByTestId('missing-units').count()).toBe(0);
    await board.screenshot({ path: screenshotPath('board-leader-submitted') });
    await board.getByTestId('count-late').click();
    const late = await board.getByTestId('late-units').textContent();
    if (submittedLate) expect(late).toContain('城关镇行政审批服务中心');
    else expect(late).toContain('无');
    await board.getByTestId('count-submitted').click();
    await submitted.getByTestId('unit-link').first().click();
    const chengguan = units.get('城关镇行政审批服务中心')!;
    await page.waitForURL(`**/ledgers/daily_followup?unit=${chengguan}&period=${today()}`);
    await expect.poll(() => page.getByTestId('unit-picker').inputValue()).toBe(chengguan);
    expect(await page.getByTestId('unit-picker').locator('option:checked').textContent()).toBe(
      '城关镇行政审批服务中心',
    );
    expect(await page.getByTestId('period-picker').inputValue()).toBe(today());
    await expect.poll(() => page.getByTestId('sheet-state').getAttribute('data-state')).toMatch(/^SUBMITTED/);
    await page.screenshot({ path: screenshotPath('board-leader-opened-sheet') });

    // back on the board, a missing unit's name opens its sheet too
    await page.goBack();
    await page.waitForURL('**/dashboard');
    const back = page.getByTestId('board-daily_followup');
    await back.locator('li.unit-chip[data-unit="亢村镇行政审批服务中心"]').getByTestId('unit-link').click();
    await page.waitForURL(`**/ledgers/daily_followup?unit=${units.get('亢村镇行政审批服务中心')}&period=${today()}`);
    await expect.poll(() => page.getByTestId('sheet-state').getAttribute('data-state')).toBe('DRAFT');
    await page.context().close();
  });

  it('fits the board at 1366 px', async () => {
    const page = await openDashboard('leader', 1366);
    const board = page.getByTestId('board-daily_followup');
    await expect.poll(() => board.getByTestId('count-missing').textContent()).toBe('19');
    await page.screenshot({ path: screenshotPath('board-leader-1366'), fullPage: true });
    // nothing wider than the window
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);
    await page.context().close();
  });

  it('gives a clerk neither the board’s phones nor 催报', async () => {
    const page = await openDashboard('clerk02');
    const board = page.getByTestId('board-daily_followup');
    await expect.poll(() => board.getByTestId('count-missing').textContent()).toBe('1');
    expect(await board.getByTestId('unit-clerks').count()).toBe(0);
    expect(await board.getByTestId('remind-unit').count()).toBe(0);
    await page.context().close();
  });
});

describe('printing every unit', () => {
  it('heads the print 全部单位 and gives each row its 单位', async () => {
    const page = await product.signedIn('admin', { viewport: { width: 1440, height: 1000 } });
    await page.goto(`${product.server.url}/ledgers/window_case/print`);
    const sheet = page.getByTestId('print-sheet');
    await sheet.waitFor();
    // the admin's own unit (gs02) is not what is printed
    expect(await sheet.getByTestId('print-unit').textContent()).toBe('填报单位：全部单位');
    expect(await sheet.locator('thead th').first().textContent()).toBe('单位');
    const rowOf = (caseNo: string) => sheet.locator('tbody tr', { hasText: caseNo }).locator('td').first();
    expect(await rowOf('clerk01-P1').textContent()).toBe('城关镇行政审批服务中心');
    expect(await rowOf('clerk02-P1').textContent()).toBe('亢村镇行政审批服务中心');
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: screenshotPath('print-all-units'), fullPage: true });

    // one unit chosen: headed with it, no 单位 column
    await page.emulateMedia({ media: 'screen' });
    await page.goto(`${product.server.url}/ledgers/window_case/print?unitId=${units.get('亢村镇行政审批服务中心')}`);
    await sheet.waitFor();
    await expect.poll(() => sheet.getByTestId('print-unit').textContent()).toBe('填报单位：亢村镇行政审批服务中心');
    expect(await sheet.getByTestId('print-unit-column').count()).toBe(0);
    expect(await sheet.locator('tbody tr').count()).toBe(1);
    await page.screenshot({ path: screenshotPath('print-one-unit'), fullPage: true });
    await page.context().close();
  });
});
