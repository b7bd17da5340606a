import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL, screenshotPath, startBrowserProduct, type BrowserProduct } from '@taizhang/testing';

/**
 * The dashboards in Chromium, their figures checked against sums computed here from the rows
 * this test saves (not by the product's code).
 */
let product: BrowserProduct;
const day = (daysAgo: number) => new Date(Date.now() + 8 * 3_600_000 - daysAgo * 86_400_000).toISOString().slice(0, 10);

/** Daily reports of three townships over the last three days: [clerk, [cases, follow_ups] per day]. */
const REPORTS: [string, [number, number][]][] = [
  [
    'clerk01',
    [
      [10, 10],
      [20, 19],
      [5, 5],
    ],
  ],
  [
    'clerk02',
    [
      [8, 4],
      [0, 0],
      [12, 9],
    ],
  ],
  [
    'clerk03',
    [
      [30, 30],
      [30, 30],
      [40, 40],
    ],
  ],
];
const SURVEY = [
  { q1: 'A', q7: ['A', 'C'] },
  { q1: 'A', q7: ['C'] },
  { q1: 'B', q7: ['A'] },
];

const tokenOf = (username: string) => product.token(username);

async function save(username: string, ledger: string, values: Record<string, unknown>[]) {
  const response = await postGraphQL<{ saveRows: { saved: number } }>(
    product.server.url,
    `mutation ($ledger: String!, $changes: [RowChangeInput!]!) { saveRows(ledger: $ledger, changes: $changes) { saved results { errors { message } } } }`,
    { ledger, changes: values.map((v) => ({ op: 'INSERT', values: v })) },
    { token: await tokenOf(username) },
  );
  expect(response.data?.saveRows.saved, JSON.stringify(response.data ?? response.errors)).toBe(values.length);
}

const percent = (n: number, d: number) => `${((n / d) * 100).toFixed(1)}%`;

/** A window case completed on a day (at 00:10 Shanghai plus `minute`), visited or not. */
const windowCase = (caseNo: string, date: string, minute: number, visited: boolean) => {
  const at = (extra: number) => {
    const m = 10 + minute + extra;
    return `${date}T${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}:00+08:00`;
  };
  return {
    case_no: caseNo,
    accepted_at: at(0),
    service_item: '社保参保登记',
    applicant: '赵敏',
    status: '办结',
    completed_at: at(0),
    ...(visited ? { visited_at: at(5), visit_method: '电话', visit_result: '非常满意' } : {}),
  };
};

beforeAll(async () => {
  product = await startBrowserProduct();
  // the daily reports' counts derive from the window cases: each unit's cases of each day,
  // completed, of which the follow-ups visited; the reports then give only the date
  for (const [clerk, days] of REPORTS) {
    await save(
      clerk,
      'window_case',
      days.flatMap(([cases, followUps], i) =>
        Array.from({ length: cases }, (_, n) => windowCase(`${clerk}-${i}-${n}`, day(2 - i), n, n < followUps)),
      ),
    );
    await save(
      clerk,
      'daily_followup',
      days.map((_, i) => ({ report_date: day(2 - i) })),
    );
  }
  const submitted = await postGraphQL(
    product.server.url,
    `mutation ($period: String!) { submitSheet(ledger: "daily_followup", period: $period) { state } }`,
    { period: day(0) },
    { token: await tokenOf('clerk01') },
  );
  expect(submitted.errors).toBeUndefined();
  await save('clerk01', 'survey', SURVEY);
});
afterAll(() => product?.stop());

async function openDashboard(username: string): Promise<Page> {
  const page = await product.signedIn(username, { viewport: { width: 1440, height: 1000 } });
  await page.getByTestId('nav-dashboard').click();
  await page.waitForURL('**/dashboard');
  return page;
}

describe('the county dashboard', () => {
  it('shows today’s board with 催报, the follow-up rate as Σ÷Σ per unit against 100%, and the survey', async () => {
    const page = await openDashboard('admin');
    const board = page.getByTestId('board-daily_followup');
    await expect.poll(() => board.getByTestId('count-submitted').textContent()).toBe('1');
    // 20 units fill the daily report (10 township centres, 10 windows); one has submitted
    expect(await board.getByTestId('count-missing').textContent()).toBe('19');
    expect(await board.getByTestId('missing-units').textContent()).toContain('照镜镇行政审批服务中心（草稿）');

    // 一键催报 asks first, saying how many units it will remind
    const asked = new Promise<string>((resolve) =>
      page.once('dialog', (dialog) => {
        resolve(dialog.message());
        void dialog.accept();
      }),
    );
    await board.getByTestId('remind-missing').click();
    expect(await asked).toContain('19 个未报送单位');
    const reminder = board.getByTestId('reminder');
    await reminder.waitFor();
    expect(await reminder.textContent()).toContain('已催报 19 个单位');
    expect(await reminder.textContent()).toContain('clerk02');
    await expect.poll(() => board.getByTestId('missing-units').textContent()).toContain('已催报');

    const rate = page.getByTestId('indicator-daily_followup-followup_rate');
    const rowOf = (unit: string) => rate.locator(`tr[data-unit^="${unit}"] td.num`);
    await expect.poll(() => rowOf('城关镇').textContent()).toBe(percent(10 + 19 + 5, 10 + 20 + 5));
    expect(await rowOf('亢村镇').textContent()).toBe(percent(4 + 0 + 9, 8 + 0 + 12));
    expect(await rowOf('照镜镇').textContent()).toBe('100.0%');
    // a unit that never reported has no rate, not 0%
    expect(await rowOf('中和镇').textContent()).toBe('—');
    const allFollowUps = REPORTS.flatMap(([, days]) => days.map(([, f]) => f)).reduce((a, b) => a + b, 0);
    const allCases = REPORTS.flatMap(([, days]) => days.map(([c]) => c)).reduce((a, b) => a + b, 0);
    expect(await rate.getByTestId('indicator-total').textContent()).toContain(percent(allFollowUps, allCases));
    expect(await rate.locator('svg').count()).toBeGreaterThan(0);

    const trend = page.getByTestId('trend-daily_followup');
    await expect.poll(() => trend.locator('tbody tr').count()).toBe(3);
    const firstDay = REPORTS.map(([, days]) => days[0]);
    expect(await trend.locator('tbody tr').first().locator('td.num').first().textContent()).toBe(
      percent(
        firstDay.reduce((a, [, f]) => a + f, 0),
        firstDay.reduce((a, [c]) => a + c, 0),
      ),
    );

    // a case of 城关镇 entered after its sheet of today was submitted: 数据核对 shows the difference and the case
    await save('clerk01', 'window_case', [windowCase('clerk01-late', day(0), 200, false)]);
    await page.reload();
    const reconciliation = page.getByTestId('board-daily_followup').getByTestId('reconciliation');
    await expect.poll(() => reconciliation.getByTestId('difference').count()).toBe(1);
    const difference = reconciliation.getByTestId('difference');
    expect(await difference.locator('td').allTextContents()).toEqual([
      day(0),
      '城关镇行政审批服务中心',
      '当日办件量：5 → 6（+1）',
      'clerk01-late',
    ]);
    expect(await difference.locator('a').getAttribute('href')).toMatch(/^\/ledgers\/window_case\?row=\d+$/);
    await reconciliation.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('dashboard-reconciliation') });

    const survey = page.getByTestId('survey-survey');
    await expect.poll(() => survey.getByTestId('survey-responses').textContent()).toBe('3');
    const q1 = survey.locator('[data-question="q1"]');
    expect(await q1.locator('tr[data-option="A"] td.num').allTextContents()).toEqual(['2', '66.7%']);
    const q7 = survey.locator('[data-question="q7"]');
    expect(await q7.locator('tr[data-option="A"] td.num').allTextContents()).toEqual(['2', '66.7%']);
    expect(await q7.locator('tr[data-option="C"] td.num').allTextContents()).toEqual(['2', '66.7%']);
    // the same numbers as a file, from the panel's link
    const csvHref = await rate.locator('.export-links a', { hasText: 'CSV' }).getAttribute('href');
    const csv = await page.evaluate(async (href) => (await fetch(href!)).text(), csvHref);
    expect(csv).toContain('城关镇行政审批服务中心');
    expect(csv).toContain('回访率');
    await page.screenshot({ path: screenshotPath('dashboard-county'), fullPage: true });
    await page.context().close();
  });

  it('shows a clerk their own unit only', async () => {
    const page = await openDashboard('clerk02');
    const rate = page.getByTestId('indicator-daily_followup-followup_rate');
    await expect.poll(() => rate.locator('tbody tr').count()).toBe(1);
    expect(await rate.locator('tbody tr td').first().textContent()).toContain('亢村镇');
    expect(await page.getByTestId('remind-missing').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('dashboard-unit'), fullPage: true });
    await page.context().close();
  });
});
