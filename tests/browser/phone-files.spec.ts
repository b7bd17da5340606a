import { createHash, randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { screenshotPath, startBrowserProduct, type BrowserProduct } from '@taizhang/testing';
import { rectificationsOf, shanghaiDay, type StoredFile } from './rectification-files';

/**
 * Photos taken on the phone form offline (docs/attachments.md, "The phone form offline"): the
 * camera's files are kept in IndexedDB under the sheet's queue key, shown as 等待上传, the row's
 * save waits for them; back online each is uploaded once, then the row is saved once with the
 * handle; a file the server refuses (a program renamed .jpg) is listed with its reason and the
 * row's other values are saved without it. A reload shows the stored photo's thumbnail.
 */
let product: BrowserProduct;

beforeAll(async () => {
  product = await startBrowserProduct();
});
afterAll(() => product?.stop());

const PHONE = { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, locale: 'zh-CN' };
const CLERK = 'clerk17';
const rectifications = () => rectificationsOf(product, CLERK);

/** A JPEG the browser itself encodes (a phone camera's picture, small). */
async function jpeg(page: Page, label: string): Promise<Buffer> {
  const base64 = await page.evaluate(async (label) => {
    const canvas = new OffscreenCanvas(640, 480);
    const g = canvas.getContext('2d')!;
    const gradient = g.createLinearGradient(0, 0, 640, 480);
    gradient.addColorStop(0, '#0f766e');
    gradient.addColorStop(1, '#fbbf24');
    g.fillStyle = gradient;
    g.fillRect(0, 0, 640, 480);
    g.fillStyle = '#fff';
    g.font = '64px sans-serif';
    g.fillText(label, 60, 240);
    const bytes = new Uint8Array(
      await (await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 })).arrayBuffer(),
    );
    let text = '';
    for (const b of bytes) text += String.fromCharCode(b);
    return btoa(text);
  }, label);
  return Buffer.from(base64, 'base64');
}

const card = (page: Page, key: string) => page.locator(`[data-question="${key}"]`);

/** The rectification's required answers, as a clerk types them. */
async function fillRectification(page: Page, description: string): Promise<void> {
  await card(page, 'found_on').locator('input').fill(shanghaiDay(-1));
  await card(page, 'source').getByLabel('回访', { exact: true }).check();
  await card(page, 'description').locator('textarea').fill(description);
  await card(page, 'owner').getByRole('textbox').fill('王五');
  await card(page, 'deadline').locator('input').fill(shanghaiDay(7));
}

/**
 * A new rectification filled and saved offline with a photo (labelled `label`) as 整改前: the row
 * waits in the queue, the photo in IndexedDB. The photo's bytes.
 */
async function queueOfflineRow(page: Page, label: string, description: string): Promise<Buffer> {
  await page.goto(`${product.server.url}/ledgers/rectification/new`);
  await card(page, 'description').locator('textarea').waitFor();
  const photo = await jpeg(page, label);
  await page.context().setOffline(true);
  await fillRectification(page, description);
  await card(page, 'photos_before')
    .locator('input[type=file]')
    .setInputFiles({ name: '整改前.jpg', mimeType: 'image/jpeg', buffer: photo });
  await expect.poll(() => card(page, 'photos_before').getByTestId('kept-file-state').count()).toBe(1);
  await page.getByTestId('save-row').tap();
  await expect
    .poll(() => page.getByTestId('row-form-queue').textContent(), { timeout: 10_000 })
    .toBe('离线：待发送 1 条，联网后自动发送');
  return photo;
}

/** Copies of a kept file under new handles, kept `agesMs` ago; and that file itself made `ageMs` old. */
async function ageKept(page: Page, handle: string, ageMs: number, copies: { handle: string; ageMs: number }[]) {
  await page.evaluate(
    async ({ handle, ageMs, copies }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('taizhang-files');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => resolve(open.result);
      });
      const store = () => db.transaction('kept', 'readwrite').objectStore('kept');
      const original = await new Promise<Record<string, unknown>>((resolve, reject) => {
        const get = store().get(handle);
        get.onsuccess = () => resolve(get.result as Record<string, unknown>);
        get.onerror = () => reject(get.error);
      });
      for (const record of [
        { ...original, keptAt: Date.now() - ageMs },
        ...copies.map((copy) => ({ ...original, handle: copy.handle, keptAt: Date.now() - copy.ageMs })),
      ]) {
        await new Promise<void>((resolve, reject) => {
          const put = store().put(record);
          put.onsuccess = () => resolve();
          put.onerror = () => reject(put.error);
        });
      }
      db.close();
    },
    { handle, ageMs, copies },
  );
}

/** What this browser keeps: the sheet's queue (localStorage) and the files kept (IndexedDB). */
async function kept(page: Page) {
  return page.evaluate(async () => {
    const queues = Object.keys(localStorage)
      .filter((key) => key.startsWith('taizhang.queue.'))
      .map((key) => ({ key, changes: JSON.parse(localStorage.getItem(key) ?? '[]') }));
    const files = await new Promise<{ handle: string; queueKey: string; name: string; refused?: string }[]>(
      (resolve, reject) => {
        const open = indexedDB.open('taizhang-files');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('kept')) return resolve([]);
          const all = db.transaction('kept').objectStore('kept').getAll();
          all.onsuccess = () => resolve(all.result);
          all.onerror = () => reject(all.error);
        };
      },
    );
    return {
      queues,
      files: files.map(({ handle, queueKey, name, refused }) => ({ handle, queueKey, name, refused })),
    };
  });
}

describe('photos on the phone form offline', () => {
  it('keeps a photo taken offline, uploads it once back online, then saves the row once with it; a refused file leaves the row’s other values saved', async () => {
    const page = await product.signedIn(CLERK, PHONE);
    onTestFinished(() => page.context().close());
    const description = '大厅座椅破损-离线拍照';
    await page.goto(`${product.server.url}/ledgers/rectification/new`);
    await card(page, 'description').locator('textarea').waitFor();
    const photo = await jpeg(page, '整改前');
    // a program renamed as a photo: the server refuses it by its content
    const program = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00'), randomBytes(4000)]);
    const before = (await rectifications()).length;

    await page.context().setOffline(true);
    onTestFinished(() => page.context().setOffline(false));
    await fillRectification(page, description);
    // the camera inputs (a field of images: accept image/*, capture environment)
    const camera = card(page, 'photos_before').locator('input[type=file]');
    expect(await camera.getAttribute('capture')).toBe('environment');
    await camera.setInputFiles({ name: '整改前.jpg', mimeType: 'image/jpeg', buffer: photo });
    await card(page, 'photos_after')
      .locator('input[type=file]')
      .setInputFiles({ name: '整改后.jpg', mimeType: 'image/jpeg', buffer: program });
    await expect
      .poll(() => card(page, 'photos_before').getByTestId('kept-file-state').textContent())
      .toBe('等待上传（已存在本机，联网后自动上传）');
    await expect.poll(() => card(page, 'photos_after').getByTestId('kept-file-state').count()).toBe(1);

    await page.getByTestId('save-row').tap();
    await expect
      .poll(() => page.getByTestId('row-form-queue').textContent(), { timeout: 10_000 })
      .toBe('离线：待发送 1 条，联网后自动发送');
    await expect
      .poll(() => page.getByTestId('kept-file').allTextContents())
      .toEqual(['「整改前.jpg」等待上传', '「整改后.jpg」等待上传']);
    await page.screenshot({ path: screenshotPath('phone-files-offline'), fullPage: true });

    // the row waits in the sheet's queue with the files' stand-ins; the files under the same key
    const offline = await kept(page);
    expect(offline.queues).toHaveLength(1);
    const [{ key: queueKey, changes }] = offline.queues;
    expect(changes).toHaveLength(1);
    const standIn = changes[0].values.photos_before[0].handle as string;
    expect(standIn).toMatch(/^local_/);
    expect(offline.files.map((f) => [f.queueKey, f.name]).sort()).toEqual([
      [queueKey, '整改前.jpg'],
      [queueKey, '整改后.jpg'],
    ]);
    await page.waitForTimeout(1_500);
    expect((await rectifications()).length).toBe(before);

    // back online: the files go, then the row, once
    await page.context().setOffline(false);
    await expect.poll(() => page.getByTestId('row-form-saved').textContent(), { timeout: 30_000 }).toMatch(/^已保存/);
    // the refused file stays listed with the server's reason
    const refused = page.getByTestId('kept-file');
    await expect.poll(() => refused.getAttribute('data-state'), { timeout: 10_000 }).toBe('refused');
    expect(await refused.getByRole('alert').textContent()).toMatch(
      /^「整改后\.jpg」未能上传：.+（这一行的其他内容照常保存）$/,
    );
    await page.screenshot({ path: screenshotPath('phone-files-online'), fullPage: true });

    await page.waitForTimeout(1_500);
    const rows = (await rectifications()).filter((row) => row.values.description === description);
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row.values.owner).toBe('王五');
    expect(row.values.photos_after ?? null).toBeNull();
    const files = row.values.photos_before as StoredFile[];
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({
      name: '整改前.jpg',
      size: photo.length,
      kind: 'image',
      sha256: createHash('sha256').update(photo).digest('hex'),
    });
    // one upload of the photo: one handle for its content
    const uploads = await product.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM attachments WHERE sha256 = $1`,
      [files[0].sha256],
    );
    expect(uploads[0].n).toBe(1);

    // the thumbnail is served to the clerk
    const thumbnail = await page.request.get(`${product.server.url}/attachments/${files[0].handle}/thumbnail`);
    expect(thumbnail.status()).toBe(200);
    expect(thumbnail.headers()['content-type']).toBe('image/webp');

    // nothing left but the refused file's line, until dismissed
    const after = await kept(page);
    expect(after.queues).toEqual([]);
    expect(after.files.map((f) => f.name)).toEqual(['整改后.jpg']);
    await page.getByTestId('kept-file').getByRole('button', { name: '移出列表' }).tap();
    await expect.poll(() => page.getByTestId('kept-files').count()).toBe(0);
    expect((await kept(page)).files).toEqual([]);

    // a reload of the row's form shows the stored photo
    await page.goto(`${product.server.url}/ledgers/rectification/rows/${row.id}`);
    const shown = card(page, 'photos_before').locator('img.file-thumb');
    await shown.waitFor();
    // loaded lazily: once on screen
    await shown.scrollIntoViewIfNeeded();
    await expect
      .poll(() => shown.evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: 10_000 })
      .toBeGreaterThan(0);
    expect(await card(page, 'photos_before').locator('.file-name').textContent()).toBe('整改前.jpg');
  });
  it('lets go of a file an earlier visit kept that no waiting change holds, a day after; keeps one a change holds and a newer one', async () => {
    const page = await product.signedIn(CLERK, PHONE);
    onTestFinished(() => page.context().close());
    onTestFinished(() => page.context().setOffline(false));
    const photo = await queueOfflineRow(page, '隔天', '隔天仍在队列中的整改');
    const [held] = (await kept(page)).files;
    // as if kept a day and a half ago, with two more under the same sheet that no change holds:
    // one as old (its change dropped), one an hour old (an earlier visit's form, not yet a day)
    const dropped = 'local_droppedchange000';
    const recent = 'local_recentvisit00000';
    await ageKept(page, held.handle, 36 * 3600_000, [
      { handle: dropped, ageMs: 36 * 3600_000 },
      { handle: recent, ageMs: 3600_000 },
    ]);
    expect((await kept(page)).files.map((f) => f.handle).sort()).toEqual([dropped, held.handle, recent].sort());

    // the next visit (back online: the product is not served offline) lets the dropped one go, and only it: the held one is uploaded
    // and its row saved with it, the hour-old one stays
    await page.context().setOffline(false);
    await page.reload();
    await card(page, 'description').locator('textarea').waitFor();
    await expect.poll(async () => (await kept(page)).files.map((f) => f.handle), { timeout: 30_000 }).toEqual([recent]);
    await expect.poll(async () => (await kept(page)).queues, { timeout: 30_000 }).toEqual([]);
    const [saved] = (await rectifications()).filter((row) => row.values.description === '隔天仍在队列中的整改');
    expect((saved.values.photos_before as StoredFile[]).map((f) => f.sha256)).toEqual([
      createHash('sha256').update(photo).digest('hex'),
    ]);
  });

  it('saves a waiting row without a kept file that is gone (the site data partly cleared), and says so', async () => {
    const page = await product.signedIn(CLERK, PHONE);
    const browserContext = page.context();
    onTestFinished(() => browserContext.close());
    await queueOfflineRow(page, '丢失', '本机文件已被清除的整改');
    // the kept files cleared, the queue (localStorage) left
    await page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('taizhang-files');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const clear = open.result.transaction('kept', 'readwrite').objectStore('kept').clear();
            clear.onsuccess = () => {
              open.result.close();
              resolve();
            };
            clear.onerror = () => reject(clear.error);
          };
        }),
    );

    // the next visit, online: a new page of the same browser, the first one closed
    await page.close();
    await browserContext.setOffline(false);
    const next = await browserContext.newPage();
    await next.goto(`${product.server.url}/ledgers/rectification/new`);
    await card(next, 'description').locator('textarea').waitFor();
    // the row is saved with its other values, once; the file's line says it is gone
    await expect.poll(async () => (await kept(next)).queues, { timeout: 30_000 }).toEqual([]);
    const rows = (await rectifications()).filter((row) => row.values.description === '本机文件已被清除的整改');
    expect(rows).toHaveLength(1);
    expect(rows[0].values.owner).toBe('王五');
    expect(rows[0].values.photos_before ?? null).toBeNull();
    const line = next.getByTestId('kept-file');
    await expect.poll(() => line.getAttribute('data-state')).toBe('refused');
    expect(await line.textContent()).toContain('「整改前.jpg」未能上传：本机已找不到这个文件');
  });
});
