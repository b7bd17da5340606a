import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttachmentCollector } from '../src/attachments/attachment-collector.service';
import { PART_SIZE } from '../src/attachments/attachment-parts.service';
import { startTestApi, type TestApi } from './api-harness';

/**
 * Uploads in parts (docs/attachments.md, "Upload"): started with the declared size, parts sent in
 * any order and again, joined at `done` through the same checks and store as a one-shot upload.
 */
const PUBLISH = 'mutation ($d: JSON!) { publishLedger(definition: $d) { key version } }';
const SAVE = `mutation ($ledger: String!, $changes: [RowChangeInput!]!) {
  saveRows(ledger: $ledger, changes: $changes) { saved rejected results { status errors { path message } row { id values } } } }`;

const LEDGER = {
  key: 'parts_probe',
  title: '分段上传台账',
  fields: [
    { key: 'issue', title: '问题', type: 'text', required: true },
    { key: 'photos', title: '照片', type: 'attachment', kinds: ['image'], maxFileSize: '12MB' },
    { key: 'docs', title: '相关文件', type: 'attachment', kinds: ['pdf'], maxFileSize: '12MB', maxTotalSize: '30MB' },
  ],
};

interface Answer {
  status: number;
  body: Record<string, unknown> & { errors?: { message: string; extensions?: { reason?: string } }[] };
}

let t: TestApi;
let dataDir: string;
let admin: string;
let clerk: string;
let otherClerk: string;
/** A PDF of 9 MB and a bit: three parts (4 MB, 4 MB, the rest). */
let bigPdf: Buffer;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function call(method: string, url: string, token: string, body?: Buffer, language = 'zh-CN'): Promise<Answer> {
  const response = await fetch(`${t.url}${url}`, {
    method,
    body,
    headers: {
      authorization: `Bearer ${token}`,
      'accept-language': language,
      ...(body ? { 'content-type': 'application/octet-stream' } : {}),
    },
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const start = (token: string, name: string, size: number, field = 'docs', language?: string) =>
  call(
    'POST',
    `/attachments/parts?${new URLSearchParams({ ledger: LEDGER.key, field, name, size: String(size) })}`,
    token,
    undefined,
    language,
  );
const part = (bytes: Buffer, n: number) => bytes.subarray(n * PART_SIZE, (n + 1) * PART_SIZE);
const put = (token: string, id: string, n: number, bytes: Buffer) =>
  call('PUT', `/attachments/parts/${id}/${n}`, token, bytes);
const done = (token: string, id: string, language?: string) =>
  call('POST', `/attachments/parts/${id}/done`, token, undefined, language);
const partsFolder = () => path.join(dataDir, 'attachments', 'parts');

function pdfOf(size: number): Buffer {
  const head = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% ', 'latin1');
  const tail = Buffer.from('\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');
  return Buffer.concat([head, randomBytes(size - head.length - tail.length), tail]);
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'taizhang-parts-'));
  t = await startTestApi({ DATA_DIR: dataDir });
  [admin, clerk, otherClerk] = await Promise.all([t.signIn('admin'), t.signIn('clerk01'), t.signIn('clerk02')]);
  const published = await t.gql(PUBLISH, { d: LEDGER }, { token: admin });
  expect(published.errors).toBeUndefined();
  bigPdf = pdfOf(2 * PART_SIZE + 1_234_567);
});
afterAll(async () => {
  await t?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('an upload in parts', () => {
  it('sent out of order, ends as the one-shot upload of the same bytes, and its handle saves in a row', async () => {
    const started = await start(clerk, '整改方案.pdf', bigPdf.length);
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ partSize: PART_SIZE, parts: 3 });
    const id = started.body.uploadId as string;
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    for (const n of [2, 0]) expect((await put(clerk, id, n, part(bigPdf, n))).status).toBe(200);
    const status = await call('GET', `/attachments/parts/${id}`, clerk);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ uploadId: id, size: bigPdf.length, parts: 3, received: [0, 2] });
    expect((await put(clerk, id, 1, part(bigPdf, 1))).status).toBe(200);
    const finished = await done(clerk, id);
    expect(finished.status).toBe(201);
    expect(finished.body).toMatchObject({
      name: '整改方案.pdf',
      size: bigPdf.length,
      kind: 'pdf',
      sha256: sha256(bigPdf),
    });
    // the parts are gone once stored
    expect(await readdir(partsFolder())).toEqual([]);

    const form = new FormData();
    form.append('file', new Blob([bigPdf]), '整改方案.pdf');
    const whole = await fetch(`${t.url}/attachments?${new URLSearchParams({ ledger: LEDGER.key, field: 'docs' })}`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${clerk}` },
    });
    const oneShot = (await whole.json()) as { sha256: string; size: number; kind: string; handle: string };
    expect(whole.status).toBe(201);
    expect(oneShot).toMatchObject({ sha256: finished.body.sha256, size: finished.body.size, kind: 'pdf' });
    expect(oneShot.handle).not.toBe(finished.body.handle);

    const saved = await t.gql(
      SAVE,
      {
        ledger: LEDGER.key,
        changes: [{ op: 'INSERT', values: { issue: '围墙开裂', docs: [{ handle: finished.body.handle }] } }],
      },
      { token: clerk },
    );
    expect(saved.errors).toBeUndefined();
    expect(saved.data!.saveRows.results[0].status).toBe('SAVED');
    expect(saved.data!.saveRows.results[0].row.values.docs).toEqual([finished.body]);
    const file = await fetch(`${t.url}/attachments/${finished.body.handle as string}`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(file.status).toBe(200);
    expect(sha256(Buffer.from(await file.arrayBuffer()))).toBe(sha256(bigPdf));
  });

  it('takes a part sent twice as the last one sent, and refuses a part of the wrong length', async () => {
    const { body } = await start(clerk, 'twice.pdf', bigPdf.length);
    const id = body.uploadId as string;
    // the first sending of part 1 was spoilt on the way; sent again, it replaces itself
    expect((await put(clerk, id, 1, randomBytes(PART_SIZE))).status).toBe(200);
    for (const n of [0, 1, 2]) expect((await put(clerk, id, n, part(bigPdf, n))).status).toBe(200);
    expect((await put(clerk, id, 1, part(bigPdf, 1))).status).toBe(200);
    const short = await put(clerk, id, 0, part(bigPdf, 0).subarray(1));
    expect(short.status).toBe(400);
    expect(short.body.errors![0].message).toBe(`第 0 段应为 ${PART_SIZE} 字节`);
    const long = await put(clerk, id, 2, Buffer.concat([part(bigPdf, 2), Buffer.from('x')]));
    expect(long.status).toBe(400);
    expect((await put(clerk, id, 3, Buffer.from('x'))).status).toBe(400);
    // the refused sendings left the parts as they were
    const finished = await done(clerk, id);
    expect(finished.status).toBe(201);
    expect(finished.body.sha256).toBe(sha256(bigPdf));
  });

  it('refuses done while a part is missing, naming it, and finishes once it came', async () => {
    const { body } = await start(clerk, 'gap.pdf', bigPdf.length);
    const id = body.uploadId as string;
    await put(clerk, id, 0, part(bigPdf, 0));
    await put(clerk, id, 2, part(bigPdf, 2));
    const refused = await done(clerk, id);
    expect(refused.status).toBe(400);
    expect(refused.body.errors![0].message).toBe('还缺第 1 段，无法完成上传');
    expect((await done(clerk, id, 'en')).body.errors![0].message).toBe(
      'Missing parts: 1; the upload cannot be finished',
    );
    // nothing was stored, and the parts it has are kept for the resume
    expect((await call('GET', `/attachments/parts/${id}`, clerk)).body.received).toEqual([0, 2]);
    await put(clerk, id, 1, part(bigPdf, 1));
    expect((await done(clerk, id)).body.sha256).toBe(sha256(bigPdf));
  });

  it('is another user’s business: 404 for every call, with or without the id', async () => {
    const { body } = await start(clerk, 'mine.pdf', bigPdf.length);
    const id = body.uploadId as string;
    await put(clerk, id, 0, part(bigPdf, 0));
    const unknown = 'AAAAAAAAAAAAAAAAAAAAAA';
    for (const uploadId of [id, unknown]) {
      expect((await call('GET', `/attachments/parts/${uploadId}`, otherClerk)).status).toBe(404);
      expect((await put(otherClerk, uploadId, 1, part(bigPdf, 1))).status).toBe(404);
      expect((await done(otherClerk, uploadId)).status).toBe(404);
    }
    expect((await call('GET', `/attachments/parts/${id}`, admin)).status).toBe(404);
    // untouched by their attempts
    expect((await call('GET', `/attachments/parts/${id}`, clerk)).body.received).toEqual([0]);
  });

  it('refuses at the start a declared size past the field’s limit, or no size, or a field of no files', async () => {
    const before = await readdir(partsFolder());
    const zh = await start(clerk, 'huge.pdf', 12 * 1024 * 1024 + 1);
    expect(zh.status).toBe(413);
    expect(zh.body.errors![0].message).toBe('文件超过 12 MB 的上限');
    const en = await start(clerk, 'huge.pdf', 50 * 1024 * 1024, 'docs', 'en');
    expect(en.body.errors![0].message).toBe('The file is larger than the 12 MB limit');
    expect((await start(clerk, 'none.pdf', Number.NaN)).status).toBe(400);
    expect((await start(clerk, 'empty.pdf', 0)).status).toBe(400);
    expect((await start(clerk, 'a.pdf', 100, 'issue')).status).toBe(400);
    expect(await readdir(partsFolder())).toEqual(before);
  });

  it('judges the joined file as a one-shot upload: an image gets its thumbnail, a truncated one is refused', async () => {
    const jpeg = await sharp({
      create: {
        width: 800,
        height: 600,
        channels: 3,
        background: '#808080',
        noise: { type: 'gaussian', mean: 128, sigma: 40 },
      },
    })
      .jpeg({ quality: 90 })
      .toBuffer();
    const good = await start(clerk, 'before.jpg', jpeg.length, 'photos');
    await put(clerk, good.body.uploadId as string, 0, jpeg);
    const stored = await done(clerk, good.body.uploadId as string);
    expect(stored.status).toBe(201);
    expect(stored.body).toMatchObject({ kind: 'image', sha256: sha256(jpeg) });
    const thumbnail = await fetch(`${t.url}/attachments/${stored.body.handle as string}/thumbnail`, {
      headers: { authorization: `Bearer ${clerk}` },
    });
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');

    const cut = jpeg.subarray(0, Math.floor(jpeg.length / 2));
    const broken = await start(clerk, 'cut.jpg', cut.length, 'photos');
    await put(clerk, broken.body.uploadId as string, 0, cut);
    const refused = await done(clerk, broken.body.uploadId as string);
    expect(refused.status).toBe(400);
    expect(refused.body.errors![0].message).toBe('图片不完整或已损坏，无法打开');
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), Buffer.alloc(5000, 7)]);
    const renamed = await start(clerk, 'photo.jpg', exe.length, 'photos');
    await put(clerk, renamed.body.uploadId as string, 0, exe);
    expect((await done(clerk, renamed.body.uploadId as string)).status).toBe(415);
    // refused for its content: the parts are gone, and nothing was left in the store's temp folder
    expect((await call('GET', `/attachments/parts/${renamed.body.uploadId as string}`, clerk)).status).toBe(404);
    expect(await readdir(path.join(dataDir, 'attachments', 'tmp'))).toEqual([]);
  });

  it('is removed by the collect job once abandoned for a day, and not before', async () => {
    const { body } = await start(clerk, 'abandoned.pdf', bigPdf.length);
    const id = body.uploadId as string;
    await put(clerk, id, 0, part(bigPdf, 0));
    const collector = t.api.app.get(AttachmentCollector);
    await collector.collect(new Date());
    expect(await readdir(partsFolder())).toContain(id);
    await collector.collect(new Date(Date.now() + 25 * 3_600_000));
    expect(await readdir(partsFolder())).not.toContain(id);
    expect((await call('GET', `/attachments/parts/${id}`, clerk)).status).toBe(404);
  });
});
