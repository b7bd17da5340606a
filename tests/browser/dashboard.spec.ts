import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL, screenshotPath, startBrowserProduct, type BrowserProduct } from '@taizhang/testing';

/**
 * The dashboards in Chromium, their figures checked against sums computed here from the rows
 * this test saves (not by the product's code).
 */
let product: BrowserProduct;
/** A dashboard asks for 20-odd panels at once: their answers may take a few seconds on a busy machine. */
const SLOW = { timeout: 10_000 };
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
    await expect.poll(() => board.getByTestId('count-submitted').textContent(), SLOW).toBe('1');
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
    await expect.poll(() => board.getByTestId('missing-units').textContent(), SLOW).toContain('已催报');

    const rate = page.getByTestId('indicator-daily_followup-followup_rate');
    // the unit's rate: the first figure of its line (n and 未达标 follow)
    const rowOf = (unit: string) => rate.locator(`tr[data-unit^="${unit}"] td.num`).first();
    await expect.poll(() => rowOf('城关镇').textContent(), SLOW).toBe(percent(10 + 19 + 5, 10 + 20 + 5));
    expect(await rowOf('亢村镇').textContent()).toBe(percent(4 + 0 + 9, 8 + 0 + 12));
    expect(await rowOf('照镜镇').textContent()).toBe('100.0%');
    // a unit that never reported has no rate, not 0%
    expect(await rowOf('中和镇').textContent()).toBe('—');
    const allFollowUps = REPORTS.flatMap(([, days]) => days.map(([, f]) => f)).reduce((a, b) => a + b, 0);
    const allCases = REPORTS.flatMap(([, days]) => days.map(([c]) => c)).reduce((a, b) => a + b, 0);
    expect(await rate.getByTestId('indicator-total').textContent()).toContain(
      `全县 ${percent(allFollowUps, allCases)}（n=${allCases}）`,
    );
    expect(await rate.locator('svg').count()).toBeGreaterThan(0);

    const trend = page.getByTestId('trend-daily_followup');
    await expect.poll(() => trend.locator('tbody tr').count(), SLOW).toBe(3);
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
    // the page reloads 20-odd panels' queries: the reconciliation's answer may come after them
    await expect.poll(() => reconciliation.getByTestId('difference').count(), SLOW).toBe(1);
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
    await expect.poll(() => survey.getByTestId('survey-responses').textContent(), SLOW).toBe('3');
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

  it('says which ledger, scope and target each panel shows, lists every unit, and opens the rows behind a bar, a value and a day', async () => {
    const page = await openDashboard('leader');
    const from = day(29);
    const to = day(0);
    const daily = page.getByTestId('indicator-daily_followup-followup_rate');
    const cases = page.getByTestId('indicator-window_case-followup_rate');
    await expect.poll(() => daily.locator('tbody tr').count(), SLOW).toBeGreaterThan(0);
    // two 回访率 panels, told apart by their ledgers; no two panels read the same
    expect(await daily.getByTestId('indicator-title').textContent()).toBe('回访率 · 政务服务大回访日报台账');
    expect(await cases.getByTestId('indicator-title').textContent()).toBe('回访率 · 窗口办件台账');
    const titles = await page.getByTestId('indicator-title').allTextContents();
    expect(new Set(titles).size).toBe(titles.length);
    expect(await daily.getByTestId('indicator-scope').textContent()).toBe('全县');
    expect(await daily.getByTestId('indicator-total').textContent()).toContain('全县');
    expect(await daily.getByTestId('indicator-total').textContent()).not.toContain('合计');

    // every unit the API counts is a line of the table (no box that cuts it after ten)
    const stats = await postGraphQL<{
      statistics: {
        rows: { keys: { value: string; label: string }[]; values: { measure: string; value: number | null }[] }[];
      };
    }>(
      product.server.url,
      `query ($from: String, $to: String) { statistics(ledger: "window_case", measures: ["followup_rate", "completed", "visited"], groupBy: ["unit"], from: $from, to: $to) {
         rows { keys { value label } values { measure value } } } }`,
      { from, to },
      { token: await tokenOf('leader') },
    );
    const units = stats.data!.statistics.rows;
    expect(units.length).toBe(20);
    await expect.poll(() => cases.locator('tbody tr').count(), SLOW).toBe(units.length);
    for (const unit of units) expect(await cases.locator(`tr[data-unit="${unit.keys[0].label}"]`).count()).toBe(1);
    const table = await cases.locator('table').boundingBox();
    const lastRow = await cases.locator('tbody tr').last().boundingBox();
    expect(lastRow!.y + lastRow!.height).toBeLessThanOrEqual(table!.y + table!.height + 1);
    expect(await cases.locator('tbody tr').last().isVisible()).toBe(true);

    // the target line is labelled 目标 100%, and the axis says it does not start at 0
    expect(await cases.locator('svg text', { hasText: '目标 100%' }).count()).toBe(1);
    expect(await cases.getByTestId('axis-note').textContent()).toContain('未从 0 开始');
    await cases.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('dashboard-indicators'), fullPage: true });

    // a bar: 亢村镇's, found beside its label on the unit axis
    const kangcun = units.find((u) => u.keys[0].label.startsWith('亢村镇'))!;
    const valueOf = (measure: string) => kangcun.values.find((v) => v.measure === measure)!.value!;
    const label = await cases.locator('svg text', { hasText: /^亢村镇$/ }).boundingBox();
    await page.mouse.click(label!.x + label!.width + 24, label!.y + label!.height / 2);
    await page.waitForURL(/\/ledgers\/window_case\?/);
    const bar = page.getByTestId('drill-bar');
    await bar.waitFor();
    expect(await page.getByTestId('drill-text').textContent()).toBe(
      `来自统计看板：回访率（计入分母（办结量）的行） · 亢村镇行政审批服务中心 · ${from} 至 ${to}`,
    );
    // the grid's rows are the statistic's denominator, as the API gives it
    await expect
      .poll(() => page.getByTestId('drill-count').getAttribute('data-total'))
      .toBe(String(valueOf('completed')));
    expect(valueOf('completed')).toBe(20);
    await page.screenshot({ path: screenshotPath('dashboard-drill') });

    // back: the dashboard with its range
    await page.getByTestId('drill-back').click();
    await page.waitForURL(/\/dashboard\?/);
    expect(new URL(page.url()).searchParams.get('from')).toBe(from);
    // 未达标 of 亢村镇: the cases completed and not visited (n − hits)
    const missed = cases.locator(`tr[data-unit^="亢村镇"] [data-testid="drill-missed"]`);
    await expect.poll(() => missed.textContent(), SLOW).toBe(String(valueOf('completed') - valueOf('visited')));
    await missed.click();
    await page.waitForURL(/part=MISSED/);
    await expect.poll(() => page.getByTestId('drill-count').getAttribute('data-total'), SLOW).toBe('7');
    expect(await page.getByTestId('drill-text').textContent()).toContain('仅未达标的行');
    // 清除: the unit's ordinary ledger, all its rows
    await page.getByTestId('drill-clear').click();
    await expect.poll(() => page.getByTestId('drill-bar').count(), SLOW).toBe(0);
    expect(new URL(page.url()).searchParams.get('measure')).toBeNull();

    // the daily report: a unit's rows across the days of the range (not one day's sheet), the days with cases
    await page.goBack();
    await page.goBack();
    await page.waitForURL(/\/dashboard/);
    const dailyValue = daily.locator('tr[data-unit^="亢村镇"] [data-testid="drill-value"]');
    await dailyValue.click();
    await page.waitForURL(/\/ledgers\/daily_followup\?/);
    // 亢村镇 reported three days, one with no cases: two rows carry its 办件量
    await expect.poll(() => page.getByTestId('drill-count').getAttribute('data-total'), SLOW).toBe('2');
    await page.locator('.ledger-grid .ht_master .htCore').waitFor();
    const shown = await page.locator('.ledger-grid .ht_master tbody td').allTextContents();
    expect(shown).toEqual(expect.arrayContaining([day(2), day(0)]));
    expect(await page.getByTestId('add-row').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('dashboard-drill-daily') });

    // a day of the trend: that day's rows of every unit
    await page.getByTestId('drill-back').click();
    const trend = page.getByTestId('trend-window_case');
    const today = trend.locator(`tr[data-day="${day(0)}"] td.num a`).first();
    await today.click();
    await page.waitForURL(/\/ledgers\/window_case\?/);
    expect(await page.getByTestId('drill-text').textContent()).toContain(`全县 · ${day(0)} 至 ${day(0)}`);
    const completedToday = await postGraphQL<{ statistics: { totals: { value: number }[] } }>(
      product.server.url,
      `query ($day: String) { statistics(ledger: "window_case", measures: ["completed"], groupBy: ["day"], from: $day, to: $day) { totals { value } } }`,
      { day: day(0) },
      { token: await tokenOf('leader') },
    );
    const casesToday = completedToday.data!.statistics.totals[0].value;
    expect(casesToday).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('drill-count').getAttribute('data-total'), SLOW).toBe(String(casesToday));
    await page.context().close();
  });

  it('fits 20 unit names at 1366 px without overprinting', async () => {
    const page = await product.signedIn('leader', { viewport: { width: 1366, height: 900 } });
    await page.getByTestId('nav-dashboard').click();
    const cases = page.getByTestId('indicator-window_case-followup_rate');
    await expect.poll(() => cases.locator('tbody tr').count(), SLOW).toBe(20);
    // the unit axis' labels: one line each, none overlapping the next
    const labels = cases.locator('svg text', { hasText: /镇$|乡$|窗口$/ });
    await expect.poll(() => labels.count(), SLOW).toBe(20);
    const boxes = (await Promise.all((await labels.all()).map((l) => l.boundingBox()))).map((b) => b!);
    boxes.sort((a, b) => a.y - b.y);
    for (let i = 1; i < boxes.length; i++)
      expect(boxes[i].y).toBeGreaterThanOrEqual(boxes[i - 1].y + boxes[i - 1].height - 1);
    await page.screenshot({ path: screenshotPath('dashboard-1366'), fullPage: true });
    await page.context().close();
  });

  it('leaves a ledger that says dashboard: false off the page until the leader chooses it', async () => {
    const published = await postGraphQL(
      product.server.url,
      'mutation ($d: JSON!) { publishLedger(definition: $d) { key } }',
      {
        d: {
          key: 't_tryout',
          title: '试用台账',
          dashboard: false,
          fields: [{ key: 'n', title: '数量', type: 'integer' }],
          measures: [{ key: 'rows', title: '试用条数', kind: 'count', target: 1 }],
        },
      },
      { token: await tokenOf('admin') },
    );
    expect(published.errors, JSON.stringify(published.errors)).toBeUndefined();
    const page = await openDashboard('leader');
    const chooser = page.getByTestId('ledger-chooser');
    await chooser.waitFor();
    await expect.poll(() => page.getByTestId('indicator-title').count(), SLOW).toBeGreaterThan(0);
    expect(await page.getByTestId('indicator-t_tryout-rows').count()).toBe(0);
    await chooser.locator('summary').click();
    // the choice goes through the address (not check(): the box follows the address a moment later)
    await chooser.getByLabel('试用台账').click();
    await page.getByTestId('indicator-t_tryout-rows').waitFor();
    expect(await page.getByTestId('indicator-t_tryout-rows').getByTestId('indicator-title').textContent()).toBe(
      '试用条数 · 试用台账',
    );
    // chosen in the address: a reload keeps it
    expect(new URL(page.url()).searchParams.get('show')).toBe('t_tryout');
    await page.context().close();
  });

  it('shows a clerk their own unit only', async () => {
    const page = await openDashboard('clerk02');
    const rate = page.getByTestId('indicator-daily_followup-followup_rate');
    await expect.poll(() => rate.locator('tbody tr').count(), SLOW).toBe(1);
    expect(await rate.locator('tbody tr td').first().textContent()).toContain('亢村镇');
    expect(await page.getByTestId('remind-missing').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('dashboard-unit'), fullPage: true });
    await page.context().close();
  });
});
