import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort, launchChromium } from '@taizhang/testing';
import { startBenchProduct, type BenchProduct } from './bench-product';
import { judge, median, writeResults, type BenchCase } from './bench-results';

/**
 * grid: the ledger page in headless Chromium. Opening a window-case ledger of 50,000 rows (first
 * rows visible) against a bare Handsontable page given the same rows inline; pasting 5,000 rows ×
 * 8 columns (visible and validated; saved on the server).
 */
const ROWS = 50_000;
const PASTE_ROWS = 5_000;
const RUNS = 3;
const HT = path.resolve(__dirname, '../node_modules/handsontable');

let product: BenchProduct;
let browser: Browser;
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
  const [unit] = product.unitIds; // clerk01's unit
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
  await new Promise((resolve) => bare?.close(resolve));
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
  const context = await signedIn('clerk01');
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
  const context = await signedIn('clerk02');
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
  expect(await page.getByTestId('rows-count').textContent()).toContain(`${PASTE_ROWS} /`);
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
