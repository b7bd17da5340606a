import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, launchChromium } from '@taizhang/testing';
import { startBenchProduct, type BenchProduct } from './bench-product';
import { judge, median, writeResults, type BenchCase } from './bench-results';

/**
 * grid: the ledger page in headless Chromium. Opening a window-case ledger of 50,000 rows (first
 * rows visible) against a bare Handsontable page given the same rows inline; pasting 5,000 rows ×
 * 8 columns (visible and validated; saved on the server). A ledger of 1,000,000 rows in one unit
 * (GRID_BIG_ROWS): opening it, jumping to row 900,000, sorting by a date, a number and a text and
 * filtering by a value, each until its rows are visible, against the same SQL feeding a bare
 * Handsontable page; first on the indexes the tables have, then with one index per column of the
 * shape the compiler makes (unit_id, <field> DESC NULLS LAST, id DESC) over live rows, and what
 * those indexes cost a save of 10,000 rows.
 */
const ROWS = 50_000;
const BIG = Number(process.env.GRID_BIG_ROWS ?? 1_000_000);
const PASTE_ROWS = 5_000;
const RUNS = 3;
const HT = path.resolve(__dirname, '../node_modules/handsontable');

let product: BenchProduct;
let browser: Browser;
/** The bench's clerks (production seeds none): one per unit, by the unit's place in unitIds. */
const clerks: string[] = [];
let bare: http.Server;
let bareUrl: string;
const cases: BenchCase[] = [];

const fields = ['case_no', 'accepted_at', 'service_item', 'applicant', 'phone', 'channel', 'handler', 'status'];
const caseRow = (i: number) => ({
  case_no: `BC-${String(i).padStart(6, '0')}`,
  accepted_at: `2023-03-${String((i % 28) + 1).padStart(2, '0')}T09:00:00+08:00`,
  service_item: '营业执照办理',
  applicant: `申请人${i}`,
  phone: '13800000000',
  channel: '窗口',
  handler: '李四',
  status: '受理',
});

/** A page with nothing but Handsontable and the rows inline, styled like ours. */
function barePage(): string {
  const data = Array.from({ length: ROWS }, (_, i) => caseRow(i));
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<link rel="stylesheet" href="/ht/styles/handsontable.min.css"><link rel="stylesheet" href="/ht/styles/ht-theme-main.min.css">
<script src="/ht/dist/handsontable.full.min.js"></script></head><body><div id="grid"></div><script>
const data = ${JSON.stringify(data)};
new Handsontable(document.getElementById('grid'), { data, themeName: 'ht-theme-main', licenseKey: 'non-commercial-and-evaluation',
  columns: ${JSON.stringify(fields.map((data) => ({ data })))}, colHeaders: ${JSON.stringify(fields)}, rowHeaders: true,
  height: 700, width: '100%', autoRowSize: false, autoColumnSize: false });
</script></body></html>`;
}

beforeAll(async () => {
  product = await startBenchProduct(24);
  const [unit] = product.unitIds; // the first clerk's unit
  for (const [i, unitId] of product.unitIds.slice(0, 3).entries()) {
    const username = `bench-clerk${i + 1}`;
    const made = await product.api.post(
      'mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }',
      {
        input: {
          username,
          displayName: `压测填报员${i + 1}`,
          role: 'CLERK',
          unitId: String(unitId),
          password: 'Taizhang@2026',
        },
      },
      product.token,
    );
    if (made.errors) throw new Error(JSON.stringify(made.errors));
    clerks.push(username);
  }
  await product.pool.query(`UPDATE users SET must_change_password = false WHERE username LIKE 'bench-clerk%'`);
  await product.pool.query(
    `INSERT INTO ledger_window_case (unit_id, def_version, case_no, accepted_at, service_item, applicant, phone, channel, handler, status)
     SELECT $1, 1, 'BC-' || lpad(n::text, 6, '0'), timestamptz '2023-03-01 09:00+08' + (n % 28) * interval '1 day',
            '营业执照办理', '申请人' || n, '13800000000', '窗口', '李四', '受理'
     FROM generate_series(0, $2 - 1) AS n`,
    [unit, ROWS],
  );
  const html = barePage();
  bare = http.createServer((request, response) => {
    const url = request.url ?? '/';
    if (url.startsWith('/ht/')) {
      const file = path.join(HT, url.slice(4));
      if (!file.startsWith(HT) || !fs.existsSync(file)) return response.writeHead(404).end();
      response.writeHead(200, { 'content-type': file.endsWith('.css') ? 'text/css' : 'text/javascript' });
      return fs.createReadStream(file).pipe(response);
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => bare.listen(port, '127.0.0.1', resolve));
  bareUrl = `http://127.0.0.1:${port}/`;
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  if (bare) await new Promise((resolve) => bare.close(resolve));
  await product?.stop();
  if (cases.length > 0) writeResults('grid', cases);
});

async function signedIn(username: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${product.server.url}/sign-in`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill('Taizhang@2026');
  await page.getByRole('button', { name: '登录' }).click();
  await page.locator('[data-ledger="window_case"]').waitFor();
  await page.close();
  return context;
}

/** From navigation to the first data cell showing a case number. */
async function timeToFirstRows(context: BrowserContext, url: string): Promise<number> {
  const page = await context.newPage();
  const started = performance.now();
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(
    () => /^BC-/.test(document.querySelector('.ht_master .htCore tbody tr td')?.textContent ?? ''),
    undefined,
    { polling: 'raf', timeout: 60_000 },
  );
  const elapsed = performance.now() - started;
  await page.close();
  return elapsed;
}

it('opens a ledger of 50,000 rows within 1.5× of a bare Handsontable page with the rows inline', async () => {
  const context = await signedIn(clerks[0]);
  const bareContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const ledgerUrl = `${product.server.url}/ledgers/window_case`;
  await timeToFirstRows(context, ledgerUrl); // warm both (HTTP cache, server caches)
  await timeToFirstRows(bareContext, bareUrl);
  const ours: number[] = [];
  const baseline: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    ours.push(await timeToFirstRows(context, ledgerUrl));
    baseline.push(await timeToFirstRows(bareContext, bareUrl));
  }
  cases.push(
    judge(
      'open 50k-row ledger: first rows visible (vs bare Handsontable, rows inline)',
      median(ours),
      median(baseline),
      '<= 1.5',
    ),
  );
  await context.close();
  await bareContext.close();
});

it('pastes 5,000 rows × 8 columns: visible and validated within 2 s, saved within 5 s', async () => {
  const context = await signedIn(clerks[1]);
  const page: Page = await context.newPage();
  await page.goto(`${product.server.url}/ledgers/window_case`);
  await page.waitForFunction(() =>
    /已加载 0 \//.test(document.querySelector('[data-testid="rows-count"]')?.textContent ?? ''),
  );
  await page.getByTestId('add-row').click();
  await page.locator('.ledger-grid .ht_master .htCore tbody tr').first().locator('td').nth(1).click();
  await page.keyboard.press('ArrowLeft');
  const text = Array.from({ length: PASTE_ROWS }, (_, i) => {
    const row = caseRow(i);
    return fields
      .map((key) =>
        key === 'accepted_at' ? row.accepted_at.slice(0, 16).replace('T', ' ') : row[key as keyof typeof row],
      )
      .join('\t');
  }).join('\n');
  const started = performance.now();
  const visibleMs = await page.evaluate(async (tsv) => {
    const t0 = performance.now();
    const data = new DataTransfer();
    data.setData('text/plain', tsv);
    document.activeElement!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    return performance.now() - t0;
  }, text);
  expect(await page.getByTestId('rows-count').textContent()).toContain(`${PASTE_ROWS.toLocaleString('zh-CN')} /`);
  await page.waitForFunction(
    () => {
      const status = document.querySelector('[data-testid="save-status"]');
      return status?.getAttribute('data-state') === 'saved' && status.getAttribute('data-pending') === '0';
    },
    undefined,
    { polling: 'raf', timeout: 60_000 },
  );
  const savedMs = performance.now() - started;
  const stored = await product.pool.query(
    `SELECT count(*)::int AS n FROM ledger_window_case WHERE unit_id = $1 AND deleted_at IS NULL`,
    [product.unitIds[1]],
  );
  expect(stored.rows[0].n).toBe(PASTE_ROWS);
  cases.push(judge('paste 5000×8: all visible and validated', visibleMs, null, '< 2000ms'));
  cases.push(judge('paste 5000×8: saved on the server', savedMs, null, '< 5000ms'));
  await context.close();
});

// ── 1,000,000 rows in one unit ───────────────────────────────────────────────────────────────

/** The columns measured, as the window-case ledger titles them, and their order in SQL. */
const SORTS = (
  [
    { field: 'accepted_at', title: '受理时间', kind: 'a date' },
    { field: 'promised_days', title: '承诺时限（工作日）', kind: 'a number' },
    { field: 'applicant', title: '申请人', kind: 'a text' },
  ] as const
).filter((s) => !process.env.GRID_SORTS || process.env.GRID_SORTS.includes(s.field));
const FILTER = { field: 'channel', title: '受理渠道', value: '网上' };
const WINDOW = 200;
/** Runs of each big-ledger case after one warm-up (a run is seconds of clicking: fewer than RUNS). */
const BIG_RUNS = Number(process.env.GRID_BIG_RUNS ?? 2);
/** A run's time, logged as it is taken (so a long bench shows its progress), kept after the warm-up. */
function record(list: number[], run: number, what: string, started: number) {
  const ms = performance.now() - started;
  console.log(
    `${new Date().toISOString().slice(11, 19)} ${what}${run === 0 ? ' (warm-up)' : ''}: ${Math.round(ms)} ms`,
  );
  if (run > 0) list.push(ms);
}
const BIG_COLUMNS = ['id', 'case_no', 'accepted_at', 'applicant', 'promised_days', 'channel', 'service_item', 'status'];

type BigQuery = { order?: string; desc?: boolean; filter?: boolean };

/** The SQL a DBA writes for the window of the grid: the same order, the same LIMIT and OFFSET. */
function bigSql(unit: number, q: BigQuery, offset: number, limit = WINDOW) {
  const order = q.order
    ? `${q.order} ${q.desc ? 'DESC NULLS LAST' : 'ASC NULLS LAST'}, id ${q.desc ? 'DESC' : 'ASC'}`
    : 'id ASC';
  const where = `unit_id = $1 AND deleted_at IS NULL${q.filter ? ` AND ${FILTER.field} = '${FILTER.value}'` : ''}`;
  return {
    rows: `SELECT ${BIG_COLUMNS.join(', ')} FROM ledger_window_case WHERE ${where} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`,
    count: `SELECT count(*)::int AS n FROM ledger_window_case WHERE ${where}`,
    params: [unit],
  };
}

/**
 * Where an open's time went, from the browser's own entries (ms since navigation start): the
 * document, the scripts and styles, each GraphQL request (start → end, by its operation's place),
 * and the moment the first rows were seen.
 */
function openBreakdown(p: Page) {
  return p.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const ms = (n: number) => Math.round(n);
    const assets = resources.filter((r) => /\.(js|css)(\?|$)/.test(r.name));
    return {
      document: ms(nav.responseEnd),
      scriptsAndStyles: ms(Math.max(0, ...assets.map((r) => r.responseEnd))),
      domContentLoaded: ms(nav.domContentLoadedEventEnd),
      graphql: resources
        .filter((r) => r.name.includes('/graphql'))
        .map((r) => `${ms(r.startTime)}→${ms(r.responseEnd)}`),
      firstRowsSeen: ms(performance.now()),
    };
  });
}

describe(`a ledger of ${BIG.toLocaleString('en')} rows in one unit`, () => {
  let unit: number;
  let bigBare: http.Server;
  let bigBareUrl: string;
  let context: BrowserContext;
  let page: Page;
  let barePage: Page;

  /** The case number at a position (0-based) of an order: what must be visible. */
  const caseAt = async (q: BigQuery, position: number) => {
    const sql = bigSql(unit, q, position, 1);
    return (await product.pool.query(sql.rows, sql.params)).rows[0].case_no as string;
  };
  /** Whether the grid shows, in view, the row with this header number and case number. */
  const shows = (p: Page, header: string | null, caseNo: string) =>
    p.waitForFunction(
      ([h, c]) =>
        [
          ...document.querySelectorAll('.ht_clone_inline_start .htCore tbody tr, #grid .ht_master .htCore tbody tr'),
        ].some(
          (tr) =>
            (h === null || tr.querySelector('th')?.textContent === h) && tr.querySelector('td')?.textContent === c,
        ),
      [header, caseNo] as const,
      { polling: 'raf', timeout: 60_000 },
    );
  const header = (title: string) =>
    page.locator('.ledger-grid .ht_clone_top thead th').filter({ hasText: title }).first();
  const waitIdle = () =>
    page.waitForFunction(
      () => /^已(加载|筛选)/.test(document.querySelector('[data-testid="rows-count"]')?.textContent ?? ''),
      undefined,
      {
        timeout: 60_000,
      },
    );
  /** The bare page reads a window through the same SQL and loads it into Handsontable. */
  const bareShow = (q: BigQuery, offset: number, count = false) =>
    barePage.evaluate(
      (qs) => (window as unknown as { show(qs: string): Promise<void> }).show(qs),
      new URLSearchParams({
        order: q.order ?? '',
        desc: q.desc ? '1' : '',
        filter: q.filter ? '1' : '',
        offset: String(offset),
        count: count ? '1' : '',
      }).toString(),
    );

  beforeAll(async () => {
    unit = product.unitIds[2];
    const started = performance.now();
    await product.pool.query(
      `INSERT INTO ledger_window_case (unit_id, def_version, case_no, accepted_at, service_item, applicant, phone, channel, handler, status, promised_days)
       SELECT $1, 1, 'M-' || lpad(n::text, 7, '0'),
              timestamptz '2025-01-01 08:00+08' + ((n::bigint * 7919) % 1000003) * interval '31 seconds',
              (ARRAY['营业执照办理','社保卡补办','户籍迁移','不动产登记','医保报销'])[1 + n % 5],
              '申请人' || lpad(((n::bigint * 104729) % 1000003)::text, 7, '0'), '13800000000',
              (ARRAY['窗口','网上','自助','帮办代办'])[1 + (n / 7) % 4], '李四', '受理', (n * 31) % 60
       FROM generate_series(1, $2) AS n`,
      [unit, BIG],
    );
    await product.pool.query('VACUUM ANALYZE ledger_window_case');
    await product.pool.query('CHECKPOINT');
    console.log(`loaded ${BIG} rows in ${Math.round(performance.now() - started)} ms`);
    const indexes = await product.pool.query(`SELECT indexdef FROM pg_indexes WHERE tablename = 'ledger_window_case'`);
    console.log(indexes.rows.map((r) => r.indexdef).join('\n'));

    // the baseline: the same SQL as the table's owner, into a bare Handsontable page
    bigBare = http.createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      if (url.pathname.startsWith('/ht/')) {
        const file = path.join(HT, url.pathname.slice(4));
        if (!file.startsWith(HT) || !fs.existsSync(file)) return response.writeHead(404).end();
        response.writeHead(200, { 'content-type': file.endsWith('.css') ? 'text/css' : 'text/javascript' });
        return fs.createReadStream(file).pipe(response);
      }
      if (url.pathname === '/rows') {
        const q = url.searchParams;
        const sql = bigSql(
          unit,
          { order: q.get('order') || undefined, desc: q.get('desc') === '1', filter: q.get('filter') === '1' },
          Number(q.get('offset')),
        );
        void Promise.all([
          product.pool.query(sql.rows, sql.params),
          q.get('count') ? product.pool.query(sql.count, sql.params) : null,
        ]).then(([rows, count]) =>
          response
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ rows: rows.rows, total: count?.rows[0].n ?? null })),
        );
        return;
      }
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<link rel="stylesheet" href="/ht/styles/handsontable.min.css"><link rel="stylesheet" href="/ht/styles/ht-theme-main.min.css">
<script src="/ht/dist/handsontable.full.min.js"></script></head><body><div id="grid"></div><script>
const hot = new Handsontable(document.getElementById('grid'), { data: [], themeName: 'ht-theme-main', licenseKey: 'non-commercial-and-evaluation',
  columns: ${JSON.stringify(BIG_COLUMNS.slice(1).map((data) => ({ data })))}, colHeaders: true, rowHeaders: true,
  height: 700, width: '100%', autoRowSize: false, autoColumnSize: false });
window.show = async (qs) => { const answer = await (await fetch('/rows?' + qs)).json(); hot.loadData(answer.rows); };
show('offset=0&count=1');
</script></body></html>`);
    });
    const port = await freePort();
    await new Promise<void>((resolve) => bigBare.listen(port, '127.0.0.1', resolve));
    bigBareUrl = `http://127.0.0.1:${port}/`;

    context = await signedIn(clerks[2]);
    // the number column next to the others, so its header is on screen (the user's column order)
    const [{ id: userId }] = (await product.pool.query(`SELECT id FROM users WHERE username = $1`, [clerks[2]])).rows;
    const order = [
      ...['case_no', 'accepted_at', 'promised_days', 'applicant', 'channel', 'service_item', 'phone', 'handler'],
      ...['status', 'completed_at', 'on_time', 'visited_at', 'visit_method', 'visit_result', 'visited_within_2h'],
      ...['remark', 'rectifications', 'open_rectifications'],
    ];
    await context.addInitScript(([key, value]) => localStorage.setItem(key, value), [
      `taizhang.columns.${userId}.window_case`,
      JSON.stringify({ order, widths: {} }),
    ] as const);
    page = await context.newPage();
    barePage = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  }, 1_200_000);

  afterAll(async () => {
    await context?.close();
    await barePage?.context().close();
    if (bigBare) await new Promise((resolve) => bigBare.close(resolve));
  });

  /** Every case, ours and the baseline alternating, BIG_RUNS times after one warm-up each. */
  async function measureAll(label: string) {
    const first = await caseAt({}, 0);
    // open: navigation to the first rows visible
    const open: number[] = [];
    const openBare: number[] = [];
    for (let run = 0; run <= BIG_RUNS; run += 1) {
      let t = performance.now();
      await page.goto(`${product.server.url}/ledgers/window_case`, { waitUntil: 'commit' });
      await shows(page, '1', first);
      record(open, run, `${label} open`, t);
      console.log(`  where it went (ms from navigation start): ${JSON.stringify(await openBreakdown(page))}`);
      await waitIdle();
      t = performance.now();
      await barePage.goto(bigBareUrl, { waitUntil: 'commit' });
      await shows(barePage, null, first);
      record(openBare, run, `${label} openBare`, t);
    }
    cases.push(judge(`1M rows, ${label}: open, first rows visible`, median(open), median(openBare), '< 1000ms'));
    cases.push(
      judge(`1M rows, ${label}: open vs same SQL + bare Handsontable`, median(open), median(openBare), '<= 3'),
    );

    // jump to row 900,000 of the current order (转到行), and back to the top between runs
    const far = Math.min(900_000, BIG) - 1;
    const farCase = await caseAt({}, far);
    const jump: number[] = [];
    const jumpBare: number[] = [];
    for (let run = 0; run <= BIG_RUNS; run += 1) {
      await page.getByTestId('goto-row').fill(String(far + 1));
      let t = performance.now();
      await page.getByTestId('goto-row').press('Enter');
      await shows(page, String(far + 1), farCase);
      record(jump, run, `${label} jump`, t);
      await page.keyboard.press('Control+Home');
      await shows(page, '1', first);
      await waitIdle();
      t = performance.now();
      await bareShow({}, far);
      await shows(barePage, null, farCase);
      record(jumpBare, run, `${label} jumpBare`, t);
      await bareShow({}, 0);
    }
    cases.push(
      judge(`1M rows, ${label}: jump to row 900,000, rows visible`, median(jump), median(jumpBare), '< 1000ms'),
    );

    // sort by each column from its menu (ascending, then descending), back to no sort between runs
    for (const sort of SORTS) {
      for (const desc of [false, true]) {
        const want = await caseAt({ order: sort.field, desc }, 0);
        const ours: number[] = [];
        const bare: number[] = [];
        for (let run = 0; run <= BIG_RUNS; run += 1) {
          await header(sort.title)
            .locator('.changeType')
            .click({ timeout: 10_000 })
            .catch(async (error: unknown) => {
              await page.screenshot({ path: '/tmp/wt-grid-shot.png' });
              throw error;
            });
          const t = performance.now();
          await page.getByText(desc ? '降序排列' : '升序排列', { exact: true }).click();
          await shows(page, '1', want);
          record(ours, run, `${label} sort ${sort.field} ${desc ? 'desc' : 'asc'} ours`, t);
          await waitIdle();
          await header(sort.title).locator('.changeType').click();
          await page.getByText('取消排序', { exact: true }).click();
          await shows(page, '1', first);
          await waitIdle();
          const tb = performance.now();
          await bareShow({ order: sort.field, desc }, 0);
          await shows(barePage, null, want);
          record(bare, run, `${label} sort ${sort.field} ${desc ? 'desc' : 'asc'} bare`, tb);
          await bareShow({}, 0);
        }
        cases.push(
          judge(
            `1M rows, ${label}: sort by ${sort.kind} (${sort.field} ${desc ? 'desc' : 'asc'}), rows visible`,
            median(ours),
            median(bare),
            '< 1000ms',
          ),
        );
      }
    }

    // filter by a value (按值筛选 → 网上): from 确定 to the rows visible
    const wantFiltered = await caseAt({ filter: true }, 0);
    const ours: number[] = [];
    const bare: number[] = [];
    for (let run = 0; run <= BIG_RUNS; run += 1) {
      await header(FILTER.title).locator('.changeType').click();
      await page.getByText('按值筛选…', { exact: true }).click();
      await page.getByTestId('value-filter-list').locator('li').first().waitFor({ timeout: 120_000 });
      await page.getByTestId('value-filter-search').fill(FILTER.value);
      await page.waitForFunction(
        () => document.querySelectorAll('[data-testid="value-filter-list"] label').length === 1,
      );
      const t = performance.now();
      await page.getByTestId('value-filter-search').press('Enter');
      await shows(page, '1', wantFiltered);
      record(ours, run, `${label} ours`, t);
      await waitIdle();
      await page.getByTestId('clear-filters').click();
      await shows(page, '1', first);
      await waitIdle();
      const tb = performance.now();
      await bareShow({ filter: true }, 0, true);
      await shows(barePage, null, wantFiltered);
      record(bare, run, `${label} bare`, tb);
      await bareShow({}, 0);
    }
    cases.push(
      judge(
        `1M rows, ${label}: filter by a value (channel = 网上), rows visible`,
        median(ours),
        median(bare),
        '< 1000ms',
      ),
    );
  }

  /** saveRows of 10,000 new rows into a unit of their own (another than the big one), median of 3. */
  async function saveCost(label: string, firstUnit: number) {
    console.log(`10,000-row saves: ${label}`);
    const times: number[] = [];
    for (let run = 0; run < 3; run += 1) {
      const changes = Array.from({ length: 10_000 }, (_, i) => ({
        op: 'INSERT',
        values: { ...caseRow(i), case_no: `S-${firstUnit}-${run}-${i}`, promised_days: i % 60 },
      }));
      const t = performance.now();
      const response = await product.api.post<{ saveRows: { saved: number } }>(
        `mutation ($unit: ID, $changes: [RowChangeInput!]!) { saveRows(ledger: "window_case", unitId: $unit, changes: $changes) { saved } }`,
        { unit: String(product.unitIds[firstUnit + run]), changes },
        product.token,
      );
      expect(response.data?.saveRows.saved, JSON.stringify(response.errors)).toBe(10_000);
      record(times, 1, `save 10,000 ${label}`, t);
    }
    return median(times);
  }

  it('reads a far page from its boundary key: SQL and API against OFFSET, and what the live-rows index costs a save', async () => {
    const far = Math.min(900_000, BIG) - 5;
    const where = `unit_id = $1 AND deleted_at IS NULL`;
    const cols = BIG_COLUMNS.join(', ');
    const statements = {
      'id order': {
        offset: `SELECT ${cols} FROM ledger_window_case WHERE ${where} ORDER BY id LIMIT ${WINDOW + 1} OFFSET ${far}`,
        boundary: `WITH b AS MATERIALIZED (SELECT id FROM ledger_window_case WHERE ${where} ORDER BY id LIMIT 1 OFFSET ${far})
          SELECT ${cols} FROM ledger_window_case WHERE ${where} AND id >= (SELECT id FROM b) ORDER BY id LIMIT ${WINDOW + 1}`,
      },
      'accepted_at desc': {
        offset: `SELECT ${cols} FROM ledger_window_case WHERE ${where} ORDER BY accepted_at DESC NULLS LAST, id DESC LIMIT ${WINDOW + 1} OFFSET ${far}`,
        boundary: `WITH b AS MATERIALIZED (SELECT accepted_at AS k, id FROM ledger_window_case WHERE ${where}
            ORDER BY accepted_at DESC NULLS LAST, id DESC LIMIT 1 OFFSET ${far})
          SELECT ${cols} FROM ledger_window_case WHERE ${where} AND (accepted_at, id) <= ((SELECT k FROM b), (SELECT id FROM b))
          ORDER BY accepted_at DESC NULLS LAST, id DESC LIMIT ${WINDOW + 1}`,
      },
    };
    const ROWS_AT = `query ($unit: ID, $offset: Int, $orderBy: [OrderInput!]) {
      rows(ledger: "window_case", unitId: $unit, offset: $offset, first: ${WINDOW}, orderBy: $orderBy) { edges { node { id } } } }`;
    for (const [name, sql] of Object.entries(statements)) {
      const offsetRuns: number[] = [];
      const boundaryRuns: number[] = [];
      const apiRuns: number[] = [];
      for (let run = 0; run <= 3; run += 1) {
        let t = performance.now();
        const a = await product.pool.query(sql.offset, [unit]);
        record(offsetRuns, run, `far page ${name}: OFFSET`, t);
        t = performance.now();
        const b = await product.pool.query(sql.boundary, [unit]);
        record(boundaryRuns, run, `far page ${name}: boundary key`, t);
        expect(b.rows.map((r) => r.id)).toEqual(a.rows.map((r) => r.id));
        t = performance.now();
        const answer = await product.api.post(
          ROWS_AT,
          {
            unit: String(unit),
            offset: far,
            orderBy: name === 'id order' ? null : [{ field: 'accepted_at', desc: true }],
          },
          product.token,
        );
        expect(answer.errors).toBeUndefined();
        record(apiRuns, run, `far page ${name}: API rows(offset)`, t);
      }
      const plan = await product.pool.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql.boundary}`, [unit]);
      console.log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'));
      cases.push(
        judge(
          `1M rows: far page (900,000th, ${name}), boundary key vs OFFSET, SQL`,
          median(boundaryRuns),
          median(offsetRuns),
          '<= 1',
        ),
      );
      cases.push(
        judge(
          `1M rows: far page (900,000th, ${name}), API rows(offset) vs OFFSET SQL`,
          median(apiRuns),
          median(offsetRuns),
          '<= 1',
        ),
      );
    }
    // what the live rows' index (unit_id, id) WHERE deleted_at IS NULL costs a 10,000-row save
    const index = (
      await product.pool.query(
        `SELECT indexdef FROM pg_indexes WHERE tablename = 'ledger_window_case' AND indexname = 'ledger_window_case_live_idx'`,
      )
    ).rows[0].indexdef as string;
    const withIt = await saveCost('with the live rows index', 9);
    await product.pool.query('DROP INDEX ledger_window_case_live_idx');
    const without = await saveCost('without the live rows index', 12);
    await product.pool.query(index);
    await product.pool.query('VACUUM ANALYZE ledger_window_case');
    cases.push(judge('10,000-row save, with the live rows index (vs without)', withIt, without, '<= 1.1'));
  });

  it('opens, jumps, sorts and filters on the indexes the tables have', async () => {
    await measureAll('table as compiled');
  });

  it('the same with an index per column of the compiler’s shape, and what they cost a 10,000-row save', async () => {
    const before = await saveCost('before', 3);
    const started = performance.now();
    for (const field of [...SORTS.map((s) => s.field), FILTER.field]) {
      await product.pool.query(
        `CREATE INDEX IF NOT EXISTS bench_grid_${field} ON ledger_window_case (unit_id, ${field} DESC NULLS LAST, id DESC) WHERE deleted_at IS NULL`,
      );
    }
    await product.pool.query('ANALYZE ledger_window_case');
    console.log(`4 indexes built in ${Math.round(performance.now() - started)} ms`);
    const after = await saveCost('after, with the four indexes', 6);
    cases.push(judge('10,000-row save, with 4 more indexes (vs without)', after, before, '<= 1.5'));
    await measureAll('+ (unit_id, field DESC NULLS LAST, id DESC) per column');
  });
});
