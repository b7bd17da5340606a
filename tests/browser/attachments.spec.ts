import { createHash, randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL, screenshotPath, startBrowserProduct, type BrowserProduct } from '@taizhang/testing';
import { rectificationsOf, shanghaiDay, type StoredFile } from './rectification-files';

/**
 * Photos as evidence on a rectification, from the grid (issue 20, docs/attachments.md): a clerk
 * opens a row's 整改前照片 cell, uploads a real JPEG (drawn on a canvas in the page), then the
 * same for 整改后照片; the cells show the thumbnails the API made, the row is saved with the
 * files, a reload shows them again, a click previews the photo; a file that is no picture is
 * refused with the server's reason and the cell keeps what it had.
 */
let product: BrowserProduct;

beforeAll(async () => {
  product = await startBrowserProduct();
});
afterAll(() => product?.stop());

const SCREEN = { width: 1366, height: 768 };
const CLERK = 'clerk17';
/** A clerk of another unit (demo units: one clerk each). */
const OTHER_CLERK = 'clerk18';
const rectifications = () => rectificationsOf(product, CLERK);

/** A rectification of the clerk's unit, saved through the API: `description` and the values given over a typical row's. */
async function insertRectification(token: string, description: string, values: Record<string, unknown> = {}) {
  const saved = await postGraphQL<{ saveRows: { results: { status: string }[] } }>(
    product.server.url,
    `mutation ($changes: [RowChangeInput!]!) { saveRows(ledger: "rectification", changes: $changes) { results { status } } }`,
    {
      changes: [
        {
          op: 'INSERT',
          values: {
            found_on: shanghaiDay(-2),
            source: '回访',
            description,
            owner: '李四',
            deadline: shanghaiDay(5),
            status: '整改中',
            ...values,
          },
        },
      ],
    },
    { token },
  );
  expect(saved.errors).toBeUndefined();
  expect(saved.data!.saveRows.results[0].status).toBe('SAVED');
}

/** A JPEG the browser itself encodes: a picture of `width`×`height` with a gradient and a label. */
async function jpeg(page: Page, width: number, height: number, label: string): Promise<Buffer> {
  const base64 = await page.evaluate(
    async ({ width, height, label }) => {
      const canvas = new OffscreenCanvas(width, height);
      const g = canvas.getContext('2d')!;
      const gradient = g.createLinearGradient(0, 0, width, height);
      gradient.addColorStop(0, '#1d4ed8');
      gradient.addColorStop(1, '#f59e0b');
      g.fillStyle = gradient;
      g.fillRect(0, 0, width, height);
      g.fillStyle = '#fff';
      g.font = `${Math.round(height / 6)}px sans-serif`;
      g.fillText(label, width / 10, height / 2);
      const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let text = '';
      for (const b of bytes) text += String.fromCharCode(b);
      return btoa(text);
    },
    { width, height, label },
  );
  return Buffer.from(base64, 'base64');
}

const activeHeader = (page: Page) =>
  page.evaluate(
    () => document.querySelector('.ledger-grid .ht_master thead th.ht__highlight .colHeader')?.textContent ?? null,
  );

/** Tab until the cursor is in the column titled `title`. */
async function tabTo(page: Page, title: string) {
  for (let i = 0; i < 30 && (await activeHeader(page))?.replace(/ \*$/, '') !== title; i += 1) {
    await page.keyboard.press('Tab');
  }
  expect((await activeHeader(page))?.replace(/ \*$/, '')).toBe(title);
}

async function waitSaved(page: Page) {
  const status = page.getByTestId('save-status');
  await expect
    .poll(async () => `${await status.getAttribute('data-state')}/${await status.getAttribute('data-pending')}`, {
      timeout: 20_000,
    })
    .toBe('saved/0');
}

/** The grid's row (tr) that shows `text` in one of its cells. */
const rowWith = (page: Page, text: string) =>
  page.locator('.ledger-grid .ht_master .htCore tbody tr').filter({ hasText: text });

/** From the cursor's cell, Tab on to the column `title` of the same row and open its file panel. */
async function openFiles(page: Page, title: string) {
  await tabTo(page, title);
  await page.keyboard.press('Enter');
  await page.getByTestId('file-panel').waitFor();
}

/**
 * Every thumbnail the grid shows (the sheet has the one row), loaded: its picture's natural width
 * (0 while not loaded, or when what came back was no picture).
 */
const thumbnails = (page: Page) => page.locator('.ledger-grid .ht_master .htCore img.file-thumb');
const thumbnailWidths = (page: Page) =>
  thumbnails(page).evaluateAll((imgs) => imgs.map((img) => (img as HTMLImageElement).naturalWidth));

describe('photos on a rectification', () => {
  it('attaches a before and an after photo, shows their thumbnails, keeps them over a reload and previews one; a file that is no picture is refused with its reason', async () => {
    const description = '窗口人员态度生硬-附件测试';
    const token = await product.token(CLERK);
    await insertRectification(token, description);

    const context = await product.newContext({ viewport: SCREEN });
    const page = await context.newPage();
    await product.signIn(page, CLERK);
    await page.goto(`${product.server.url}/ledgers/rectification`);
    await rowWith(page, description).waitFor();

    const before = await jpeg(page, 640, 480, '整改前');
    const after = await jpeg(page, 800, 600, '整改后');
    expect([...before.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);

    // 整改前照片: the upload button's file input, the progress, the file listed once stored
    await rowWith(page, description).locator('td', { hasText: description }).click();
    await openFiles(page, '整改前照片');
    await page.getByTestId('file-input').setInputFiles({ name: '整改前.jpg', mimeType: 'image/jpeg', buffer: before });
    await expect.poll(() => page.getByTestId('file-item').count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('file-upload-item').count()).toBe(0);
    await page.getByTestId('file-panel-close').click();
    await page.getByTestId('file-panel').waitFor({ state: 'detached' });

    // 整改后照片
    await openFiles(page, '整改后照片');
    await page.getByTestId('file-input').setInputFiles({ name: '整改后.jpg', mimeType: 'image/jpeg', buffer: after });
    await expect.poll(() => page.getByTestId('file-item').count(), { timeout: 20_000 }).toBe(1);

    // a renamed program is refused by its content, with the server's reason, in Chinese
    const program = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(2048, 0x90)]);
    await page.getByTestId('file-input').setInputFiles({ name: '照片.jpg', mimeType: 'image/jpeg', buffer: program });
    const refused = page.locator('[data-testid="file-upload-item"][data-state="refused"]');
    await refused.waitFor({ timeout: 20_000 });
    const reason = (await refused.getByTestId('file-status').textContent()) ?? '';
    expect(reason).toMatch(/^未能上传：.+/);
    expect(reason).not.toMatch(/HTTP \d+/);
    await page.screenshot({ path: screenshotPath('attachments-refused') });
    expect(await page.getByTestId('file-item').count()).toBe(1);
    await page.getByTestId('file-panel-close').click();
    await waitSaved(page);

    // both thumbnails shown and loaded (made by the API: 320 px wide at most)
    await expect.poll(() => thumbnailWidths(page), { timeout: 15_000 }).toHaveLength(2);
    await expect.poll(async () => (await thumbnailWidths(page)).every((w) => w > 0 && w <= 320)).toBe(true);
    await page.screenshot({ path: screenshotPath('attachments-grid') });

    // saved with the row: the stored files as the API answers them
    const row = (await rectifications()).find((r) => r.values.description === description)!;
    const beforeFiles = row.values.photos_before as StoredFile[];
    const afterFiles = row.values.photos_after as StoredFile[];
    expect(beforeFiles.map((f) => [f.name, f.size, f.kind])).toEqual([['整改前.jpg', before.length, 'image']]);
    expect(afterFiles.map((f) => [f.name, f.size, f.kind])).toEqual([['整改后.jpg', after.length, 'image']]);
    expect(beforeFiles[0].handle).not.toBe(afterFiles[0].handle);

    // a reload reads them back from the server (the photo columns brought into view)
    await page.reload();
    await rowWith(page, description).waitFor();
    await rowWith(page, description).locator('td', { hasText: description }).click();
    await tabTo(page, '整改后照片');
    await expect.poll(() => thumbnailWidths(page), { timeout: 15_000 }).toHaveLength(2);
    await expect.poll(async () => (await thumbnailWidths(page)).every((w) => w > 0)).toBe(true);

    // a click on the after photo previews the photo itself, at its own size
    await thumbnails(page)
      .and(page.locator(`[data-handle="${afterFiles[0].handle}"]`))
      .click();
    const preview = page.getByTestId('file-preview-image');
    await preview.waitFor();
    await expect
      .poll(() =>
        preview.evaluate((img) => [(img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).naturalHeight]),
      )
      .toEqual([800, 600]);
    await page.screenshot({ path: screenshotPath('attachments-preview') });
    await page.keyboard.press('Escape');
    await page.getByTestId('file-preview').waitFor({ state: 'detached' });
    await context.close();
  });

  it('refuses a 50 MB file, a renamed .exe, an SVG with a script and a truncated JPEG in the file panel, each with its reason, and the cell keeps its photo; a clerk of another unit gets 404 for the file and its thumbnail', async () => {
    const description = '窗口人员态度生硬-拒收测试';
    const token = await product.token(CLERK);
    const context = await product.newContext({ viewport: SCREEN });
    const page = await context.newPage();
    await product.signIn(page, CLERK);

    // the cell's photo, uploaded and saved through the API (POST /attachments, then saveRows)
    const photo = await jpeg(page, 1024, 768, '整改前');
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(photo)]), '现场.jpg');
    const uploaded = await fetch(`${product.server.url}/attachments?ledger=rectification&field=photos_before`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(uploaded.status).toBe(201);
    const held = (await uploaded.json()) as StoredFile;
    await insertRectification(token, description, {
      found_on: shanghaiDay(-1),
      deadline: shanghaiDay(7),
      owner: '王五',
      photos_before: [{ handle: held.handle }],
    });

    await page.goto(`${product.server.url}/ledgers/rectification`);
    await rowWith(page, description).waitFor();
    await rowWith(page, description).locator('td', { hasText: description }).click();
    await openFiles(page, '整改前照片');
    await expect.poll(() => page.getByTestId('file-item').count(), { timeout: 15_000 }).toBe(1);

    // 50 MB (a real JPEG's bytes followed by 50 MB more: over the field's 10 MB per file), written to
    // a file so the browser reads it from disk like a clerk's pick
    const bigPath = path.join(tmpdir(), `taizhang-50mb-${process.pid}.jpg`);
    await writeFile(bigPath, Buffer.concat([photo, Buffer.alloc(50 * 1024 * 1024, 0x5a)]));
    const truncated = photo.subarray(0, Math.floor(photo.length * 0.6));
    expect([...truncated.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    const bad: { file: string | { name: string; mimeType: string; buffer: Buffer }; name: string; reason: string }[] = [
      { file: bigPath, name: path.basename(bigPath), reason: '未能上传：文件超过 10 MB 的上限' },
      {
        file: {
          name: '整改照片.jpg',
          mimeType: 'image/jpeg',
          buffer: Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(4096, 0x90)]),
        },
        name: '整改照片.jpg',
        reason: '未能上传：不接收此文件：内容是Windows 可执行程序（MZ）（按文件内容判断，与文件名无关）',
      },
      {
        file: {
          name: '示意图.svg',
          mimeType: 'image/svg+xml',
          buffer: Buffer.from(
            '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(document.cookie)</script><rect width="10" height="10"/></svg>',
          ),
        },
        name: '示意图.svg',
        reason: '未能上传：不接收此文件：内容是SVG 图像（可含脚本，不予接收）（按文件内容判断，与文件名无关）',
      },
      {
        file: { name: '半张.jpg', mimeType: 'image/jpeg', buffer: truncated },
        name: '半张.jpg',
        reason: '未能上传：图片不完整或已损坏，无法打开',
      },
    ];
    try {
      for (const { file } of bad) {
        await page.getByTestId('file-input').setInputFiles(file);
      }
      const refused = page.locator('[data-testid="file-upload-item"][data-state="refused"]');
      await expect.poll(() => refused.count(), { timeout: 60_000 }).toBe(bad.length);
      for (const { name, reason } of bad) {
        const item = refused.filter({ has: page.locator('.file-name', { hasText: name }) });
        expect(await item.getByTestId('file-status').textContent()).toBe(reason);
      }
    } finally {
      await rm(bigPath, { force: true });
    }
    await page.screenshot({ path: screenshotPath('attachments-refused-four') });
    // the cell keeps what it had: the one photo, on screen and on the server
    expect(await page.getByTestId('file-item').count()).toBe(1);
    await page.getByTestId('file-panel-close').click();
    await page.getByTestId('file-panel').waitFor({ state: 'detached' });
    // no refusal became an edit: the grid has nothing to save
    const status = page.getByTestId('save-status');
    expect(`${await status.getAttribute('data-state')}/${await status.getAttribute('data-pending')}`).toBe('idle/0');
    const row = (await rectifications()).find((r) => r.values.description === description)!;
    expect((row.values.photos_before as StoredFile[]).map((f) => f.handle)).toEqual([held.handle]);
    expect(row.values.photos_after ?? null).toBeNull();

    // the owner's session reads the file and its thumbnail; another unit's clerk's session gets 404
    const own = await page.request.get(`${product.server.url}/attachments/${held.handle}`);
    expect(own.status()).toBe(200);
    expect((await own.body()).equals(photo)).toBe(true);
    expect((await page.request.get(`${product.server.url}/attachments/${held.handle}/thumbnail`)).status()).toBe(200);
    const other = await product.signedIn(OTHER_CLERK, { viewport: SCREEN });
    for (const url of [`/attachments/${held.handle}`, `/attachments/${held.handle}/thumbnail`]) {
      const answer = await other.request.get(`${product.server.url}${url}`);
      expect(answer.status()).toBe(404);
      expect((await answer.body()).includes(photo.subarray(0, 64))).toBe(false);
    }
    await other.context().close();
    await context.close();
  });

  it('sends a 9.7 MB photo in parts, sends again only the part the network dropped, and stores it whole', async () => {
    const description = '窗口人员态度生硬-分段上传';
    const token = await product.token(CLERK);
    await insertRectification(token, description, {
      found_on: shanghaiDay(-1),
      deadline: shanghaiDay(7),
      owner: '王五',
    });
    // a photo above 8 MB (the field takes 10 MB): noise does not compress, so its PNG is ~9.7 MB
    const big = await sharp(randomBytes(1800 * 1800 * 3), { raw: { width: 1800, height: 1800, channels: 3 } })
      .png({ compressionLevel: 1 })
      .toBuffer();
    expect(big.length).toBeGreaterThan(8 * 1024 * 1024);
    expect(big.length).toBeLessThan(10 * 1024 * 1024);

    const context = await product.newContext({ viewport: SCREEN });
    const page = await context.newPage();
    await product.signIn(page, CLERK);
    const sent: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/attachments')) sent.push(`${request.method()} ${new URL(request.url()).pathname}`);
    });
    // the network drops the second part once
    let dropped = 0;
    await page.route(/\/attachments\/parts\/[^/]+\/1$/, async (route) => {
      if (route.request().method() === 'PUT' && dropped === 0) {
        dropped += 1;
        await route.abort('connectionreset');
      } else await route.continue();
    });
    await page.goto(`${product.server.url}/ledgers/rectification`);
    await rowWith(page, description).waitFor();
    await rowWith(page, description).locator('td', { hasText: description }).click();
    await openFiles(page, '整改前照片');
    await page.getByTestId('file-input').setInputFiles({ name: '大图.png', mimeType: 'image/png', buffer: big });
    await expect.poll(() => page.getByTestId('file-item').count(), { timeout: 60_000 }).toBe(1);
    await page.getByTestId('file-panel-close').click();
    await waitSaved(page);

    // started in parts, part 1 sent twice (dropped, then again), every other part once, then done
    const puts = sent.filter((s) => s.startsWith('PUT '));
    const parts = Math.ceil(big.length / (4 * 1024 * 1024));
    expect(sent.filter((s) => s === 'POST /attachments/parts')).toHaveLength(1);
    expect(puts.filter((s) => s.endsWith('/1'))).toHaveLength(2);
    expect(puts).toHaveLength(parts + 1);
    expect(sent.filter((s) => /^POST \/attachments\/parts\/[^/]+\/done$/.test(s))).toHaveLength(1);
    expect(sent.filter((s) => s === 'POST /attachments')).toHaveLength(0);

    // stored whole: the row holds it, the API serves the same bytes
    const row = (await rectifications()).find((r) => r.values.description === description)!;
    const files = row.values.photos_before as StoredFile[];
    expect(files.map((f) => [f.name, f.size, f.kind])).toEqual([['大图.png', big.length, 'image']]);
    expect(files[0].sha256).toBe(createHash('sha256').update(big).digest('hex'));
    const served = await page.request.get(`${product.server.url}/attachments/${files[0].handle}`);
    expect((await served.body()).equals(big)).toBe(true);
    // its row's thumbnail (the sheet has the other tests' rows too)
    const widths = () =>
      rowWith(page, description)
        .locator('img.file-thumb')
        .evaluateAll((imgs) => imgs.map((img) => (img as HTMLImageElement).naturalWidth));
    await expect.poll(widths, { timeout: 15_000 }).toHaveLength(1);
    await expect.poll(async () => (await widths()).every((w) => w > 0 && w <= 320)).toBe(true);
    await page.screenshot({ path: screenshotPath('attachments-parts') });
    await context.close();
  });
});
