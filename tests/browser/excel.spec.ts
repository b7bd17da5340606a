import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openLedgerFromHome,
  postGraphQL,
  screenshotPath,
  startBrowserProduct,
  type BrowserProduct,
} from '@taizhang/testing';

/** Excel in and out from the ledger page, as a clerk does it in Chromium. */
let product: BrowserProduct;

beforeAll(async () => {
  product = await startBrowserProduct();
});
afterAll(() => product?.stop());

async function openLedger(page: Page, username: string, ledger: string) {
  await openLedgerFromHome(product, page, username, ledger);
  await expect.poll(() => loaded(page)).not.toBeNaN();
}

/** The sheet's row count as the grid says it ("已加载 n / N 行", 1,000 with a comma); NaN while it (re)loads. */
const loaded = async (page: Page) =>
  Number(
    /^已加载 [\d,]+ \/ ([\d,]+) 行$/
      .exec((await page.getByTestId('rows-count').textContent()) ?? '')?.[1]
      ?.replace(/,/g, ''),
  );

describe('Excel on the ledger page', () => {
  it('exports the sheet, previews an import with its bad row, and commits the good rows into the grid', async () => {
    const context = await product.browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await openLedger(page, 'clerk05', 'window_case');
    const before = await loaded(page);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').click()]);
    const file = path.join(os.tmpdir(), `taizhang-export-${process.pid}.xlsx`);
    await download.saveAs(file);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    fs.rmSync(file);
    const workbookSheet = workbook.worksheets[0];
    expect(String(workbookSheet.getCell('A1').value)).toContain('窗口办件台账');
    expect(workbookSheet.getCell('A2').value).toBe('办件编号');
    expect(workbookSheet.rowCount).toBe(before + 2);

    const csv = [
      '办件编号,受理时间,办理事项,申请人,受理渠道,办理状态,情况说明',
      'BR-001,2023年3月1日 09:30,企业开办,张三,窗口,受理,',
      'BR-002,2023/3/2 10:00,社保转移,,网上,受理,',
      'BR-003,2023-03-03 11:15,不动产登记,李四,自助,办理中,材料已补齐',
    ].join('\n');
    await page.getByTestId('import-file').setInputFiles({
      name: '三月办件.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    const dialog = page.getByTestId('import-dialog');
    await dialog.waitFor();
    await expect.poll(() => page.getByTestId('import-summary').textContent()).toContain('可导入 2 行，有错误 1 行');
    const bad = page.locator('[data-testid="import-row"].import-bad');
    expect(await bad.count()).toBe(1);
    expect(await bad.locator('td').first().textContent()).toBe('3');
    expect(await bad.textContent()).toContain('「申请人」必须填写');
    // a column the titles do not name: the user maps it to a field, and the preview follows
    expect(await page.getByTestId('import-map-G').inputValue()).toBe('');
    await page.getByTestId('import-map-G').selectOption({ label: '备注' });
    await expect.poll(() => dialog.textContent()).toContain('材料已补齐');
    expect(await page.getByTestId('import-map-G').inputValue()).toBe('remark');
    await page.screenshot({ path: screenshotPath('excel-import-preview') });

    await page.getByTestId('import-keep-valid').click();
    await expect.poll(() => page.getByTestId('import-summary').textContent()).toContain('已保存 2 行');
    await page.getByTestId('import-close').click();
    await expect.poll(() => loaded(page)).toBe(before + 2);
    await expect.poll(() => page.locator('.ledger-grid').textContent()).toContain('BR-003');

    await page.goto(`${product.server.url}/ledgers/window_case/print`);
    const sheet = page.getByTestId('print-sheet');
    await sheet.waitFor();
    expect(await sheet.locator('h1').textContent()).toBe('窗口办件台账');
    expect(await sheet.textContent()).toContain('填表人：');
    expect(await sheet.textContent()).toContain('材料已补齐'); // the column the user mapped
    expect(await sheet.locator('tbody tr').count()).toBe(before + 2);
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: screenshotPath('excel-print-view') });
    await context.close();
  });
});

describe("an admin's import across units", () => {
  it('previews each row with its unit from the file, refuses an unknown unit, and saves the others into their units', async () => {
    const context = await product.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    // every unit's rows (the unit picker on 全部单位): the file says each row's unit
    await openLedger(page, 'admin', 'window_case');
    const before = await loaded(page);
    const csv = [
      '单位,办件编号,受理时间,办理事项,申请人,受理渠道,办理状态',
      '城关镇行政审批服务中心,AU-001,2023-03-01 09:30,企业开办,张三,窗口,受理',
      'xz02,AU-002,2023-03-02 10:00,社保转移,李四,网上,受理',
      '不存在的单位,AU-003,2023-03-03 11:15,不动产登记,王五,自助,受理',
    ].join('\n');
    await page.getByTestId('import-file').setInputFiles({
      name: '各单位办件.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    const dialog = page.getByTestId('import-dialog');
    await dialog.waitFor();
    await expect.poll(() => page.getByTestId('import-summary').textContent()).toContain('可导入 2 行，有错误 1 行');
    expect(await page.getByTestId('import-map-A').inputValue()).toBe('@unit');
    expect(await page.getByTestId('import-row-unit').allTextContents()).toEqual([
      '城关镇行政审批服务中心',
      '亢村镇行政审批服务中心',
      '',
    ]);
    const bad = page.locator('[data-testid="import-row"].import-bad');
    expect(await bad.textContent()).toContain('单位：找不到单位「不存在的单位」');
    await page.screenshot({ path: screenshotPath('excel-import-across-units') });

    await page.getByTestId('import-keep-valid').click();
    await expect.poll(() => page.getByTestId('import-summary').textContent()).toContain('已保存 2 行');
    await page.getByTestId('import-close').click();
    await expect.poll(() => loaded(page)).toBe(before + 2);
    await context.close();
  });
});

describe('the export with the files', () => {
  it('is offered on a ledger with attachment fields and downloads a zip of the workbook and the photos', async () => {
    // a rectification with a photo, saved through the API as the clerk of its unit
    const token = await product.token('clerk17');
    const bytes = await sharp({ create: { width: 80, height: 60, channels: 3, background: '#2a6' } })
      .jpeg()
      .toBuffer();
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)]), '现场.jpg');
    const uploaded = await fetch(`${product.server.url}/attachments?ledger=rectification&field=photos_before`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(uploaded.status).toBe(201);
    const photo = (await uploaded.json()) as { sha256: string };
    const day = new Date(Date.now() + 8 * 3_600_000 - 2 * 86_400_000).toISOString().slice(0, 10);
    const saved = await postGraphQL(
      product.server.url,
      `mutation ($changes: [RowChangeInput!]!) { saveRows(ledger: "rectification", changes: $changes) { saved } }`,
      {
        changes: [
          {
            op: 'INSERT',
            values: {
              found_on: day,
              source: '回访',
              description: '导出附件测试',
              owner: '李四',
              deadline: day,
              status: '整改中',
              photos_before: [photo],
            },
          },
        ],
      },
      { token },
    );
    expect(saved.errors).toBeUndefined();

    const context = await product.browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await openLedger(page, 'clerk17', 'rectification');
    const link = page.getByTestId('export-zip');
    expect(await link.textContent()).toBe('导出 Excel（含附件，zip）');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(/\.zip$/);
    const file = path.join(os.tmpdir(), `taizhang-export-${process.pid}.zip`);
    await download.saveAs(file);
    const zip = await JSZip.loadAsync(fs.readFileSync(file));
    fs.rmSync(file);
    const names = Object.keys(zip.files).filter((name) => !zip.files[name].dir);
    expect(names).toContain(download.suggestedFilename().replace(/\.zip$/, '.xlsx'));
    const entry = names.find((name) => /^附件\/第\d+行 [^/]+\/整改前照片\/现场\.jpg$/.test(name));
    expect(entry).toBeDefined();
    const stored = await zip.files[entry!].async('nodebuffer');
    expect(createHash('sha256').update(stored).digest('hex')).toBe(photo.sha256);

    await context.close();

    // a ledger without files has no such link
    const other = await product.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const windowPage = await other.newPage();
    await openLedger(windowPage, 'clerk05', 'window_case');
    await windowPage.getByTestId('export-xlsx').waitFor();
    expect(await windowPage.getByTestId('export-zip').count()).toBe(0);
    await other.close();
  });
});
