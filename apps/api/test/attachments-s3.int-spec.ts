import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import sharp from 'sharp';
import { createTestDatabase } from '@taizhang/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttachmentCollector } from '../src/attachments/attachment-collector.service';
import { PART_SIZE } from '../src/attachments/attachment-parts.service';
import { AttachmentsService } from '../src/attachments/attachments.service';
import { S3AttachmentStore } from '../src/attachments/s3-attachment-store';
import { startApi } from '../src/bootstrap';
import { loadConfig } from '../src/config/app-config';
import { startTestApi, type TestApi } from './api-harness';
import { startS3TestServer, TEST_BUCKET, type S3TestServer } from './s3-test-server';

/**
 * The attachment path with the files in an S3-compatible bucket (ATTACHMENT_S3_*, docs/attachments.md,
 * "Files"): the API started with the settings against a real S3 HTTP server (s3rver) on a loopback
 * port. Upload (whole and in parts) → saveRows → GET the file and its thumbnail → the collect job;
 * temp files and parts stay under DATA_DIR, the finished contents are only in the bucket.
 */
const PUBLISH = 'mutation ($d: JSON!) { publishLedger(definition: $d) { key version } }';
const SAVE = `mutation ($ledger: String!, $changes: [RowChangeInput!]!) {
  saveRows(ledger: $ledger, changes: $changes) { saved rejected results { status errors { path message } row { id version values } } } }`;

const LEDGER = {
  key: 'rectify_s3',
  title: '整改台账',
  fields: [
    { key: 'issue', title: '问题', type: 'text', required: true },
    { key: 'photos', title: '整改前照片', type: 'attachment', kinds: ['image'], maxFiles: 3, maxFileSize: '2MB' },
    { key: 'docs', title: '相关文件', type: 'attachment', kinds: ['pdf'] },
  ],
};

interface Uploaded {
  handle: string;
  name: string;
  size: number;
  kind: string;
  sha256: string;
}

let s3: S3TestServer;
let t: TestApi;
let dataDir: string;
let bucket: S3AttachmentStore;
let clerk: string;
let otherClerk: string;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const key = (hash: string) => `/${TEST_BUCKET}/attachments/${hash.slice(0, 2)}/${hash.slice(2, 4)}/${hash}`;
const localFile = (hash: string) => path.join(dataDir, 'attachments', hash.slice(0, 2), hash.slice(2, 4), hash);

const photo = (width: number, height: number) =>
  sharp({
    create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } },
  })
    .jpeg({ quality: 80 })
    .toBuffer();

function pdfOf(size: number): Buffer {
  const head = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% ', 'latin1');
  const tail = Buffer.from('\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');
  return Buffer.concat([head, randomBytes(size - head.length - tail.length), tail]);
}

async function read(stream: Readable | null): Promise<Buffer | null> {
  if (!stream) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function upload(token: string, bytes: Buffer, name: string, field = 'photos') {
  const form = new FormData();
  form.append('file', new Blob([bytes]), name);
  const response = await fetch(`${t.url}/attachments?${new URLSearchParams({ ledger: LEDGER.key, field })}`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: response.status, body: (await response.json()) as Uploaded };
}

async function call(method: string, url: string, token: string, body?: Buffer) {
  const response = await fetch(`${t.url}${url}`, {
    method,
    body,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body ? { 'content-type': 'application/octet-stream' } : {}),
    },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function get(url: string, token: string) {
  const response = await fetch(`${t.url}${url}`, { headers: { authorization: `Bearer ${token}` } });
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

async function save(token: string, changes: unknown[]) {
  const answer = await t.gql(SAVE, { ledger: LEDGER.key, changes }, { token });
  expect(answer.errors).toBeUndefined();
  return answer.data!.saveRows;
}

beforeAll(async () => {
  s3 = await startS3TestServer();
  dataDir = await mkdtemp(path.join(tmpdir(), 'taizhang-attachments-s3-'));
  t = await startTestApi({ DATA_DIR: dataDir, ...s3.env });
  bucket = new S3AttachmentStore(s3.settings, path.join(dataDir, 'attachments'));
  const admin = await t.signIn('admin');
  [clerk, otherClerk] = await Promise.all([t.signIn('clerk01'), t.signIn('clerk02')]);
  const published = await t.gql(PUBLISH, { d: LEDGER }, { token: admin });
  expect(published.errors).toBeUndefined();
});
afterAll(async () => {
  bucket?.close();
  await t?.close();
  await s3?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('attachments in an S3-compatible bucket', () => {
  it('uses the bucket the settings name', () => {
    expect(t.api.app.get(AttachmentsService).store.where).toBe(
      `s3://${TEST_BUCKET}/attachments at ${s3.settings.endpoint}`,
    );
  });

  it('stores an upload in the bucket, saves it on a row, serves the file and a thumbnail made from the bucket', async () => {
    const jpeg = await photo(640, 480);
    const { status, body } = await upload(clerk, jpeg, '整改前.jpg');
    expect(status).toBe(201);
    expect(body).toMatchObject({ name: '整改前.jpg', size: jpeg.length, kind: 'image', sha256: sha256(jpeg) });
    // in the bucket under the local layout's key, not under DATA_DIR
    expect(s3.requests.filter((r) => r.startsWith(`PUT ${key(body.sha256)}?`))).toHaveLength(1);
    expect(sha256((await read(await bucket.open(body.sha256, 'file')))!)).toBe(body.sha256);
    expect(existsSync(localFile(body.sha256))).toBe(false);

    const saved = await save(clerk, [
      { op: 'INSERT', values: { issue: '墙面脱落', photos: [{ handle: body.handle }] } },
    ]);
    expect(saved.saved).toBe(1);
    expect(saved.results[0].row.values.photos).toEqual([body]);

    const file = await get(`/attachments/${body.handle}`, clerk);
    expect(file.response.status).toBe(200);
    expect(file.response.headers.get('content-type')).toBe('image/jpeg');
    expect(sha256(file.bytes)).toBe(body.sha256);

    const thumbnail = await get(`/attachments/${body.handle}/thumbnail`, clerk);
    expect(thumbnail.response.status).toBe(200);
    expect(thumbnail.response.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(thumbnail.bytes).metadata();
    expect([meta.format, Math.max(meta.width!, meta.height!)]).toEqual(['webp', 320]);
    expect(sha256((await read(await bucket.open(body.sha256, 'thumbnail')))!)).toBe(sha256(thumbnail.bytes));
    expect(existsSync(`${localFile(body.sha256)}.thumb.webp`)).toBe(false);
    // the upload's and the thumbnail's temp files are gone once they are in the bucket
    expect(await readdir(path.join(dataDir, 'attachments', 'tmp'))).toEqual([]);

    // another unit's clerk: not found, as with the local store
    expect((await get(`/attachments/${body.handle}`, otherClerk)).response.status).toBe(404);
  });

  it('puts the same photo uploaded twice into the bucket once', async () => {
    const jpeg = await photo(320, 200);
    const first = await upload(clerk, jpeg, 'a.jpg');
    const second = await upload(clerk, jpeg, 'b.jpg');
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.handle).not.toBe(first.body.handle);
    // the second: a HEAD finds the content, no PUT
    expect(s3.requests.filter((r) => r.startsWith(`PUT ${key(first.body.sha256)}?`))).toHaveLength(1);
    expect(s3.requests.filter((r) => r.startsWith(`HEAD ${key(first.body.sha256)}`)).length).toBeGreaterThanOrEqual(2);
  });

  it('joins an upload in parts under DATA_DIR and sends the finished file to the bucket in parts', async () => {
    const bytes = pdfOf(2 * PART_SIZE + 1_234_567);
    const started = await call(
      'POST',
      `/attachments/parts?${new URLSearchParams({ ledger: LEDGER.key, field: 'docs', name: '方案.pdf', size: String(bytes.length) })}`,
      clerk,
    );
    expect(started.status).toBe(201);
    const id = started.body.uploadId as string;
    for (let n = 0; n < 3; n += 1) {
      const sent = await call(
        'PUT',
        `/attachments/parts/${id}/${n}`,
        clerk,
        bytes.subarray(n * PART_SIZE, (n + 1) * PART_SIZE),
      );
      expect(sent.status).toBe(200);
    }
    // the parts are local files, never objects of the bucket
    expect(
      (await readdir(path.join(dataDir, 'attachments', 'parts', id))).filter((f) => f.startsWith('part-')),
    ).toHaveLength(3);
    expect(s3.requests.some((r) => r.includes('/parts/'))).toBe(false);
    const done = await call('POST', `/attachments/parts/${id}/done`, clerk);
    expect(done.status).toBe(201);
    const hash = sha256(bytes);
    expect(done.body).toMatchObject({ size: bytes.length, kind: 'pdf', sha256: hash });
    // 9.2 MB: a multipart upload of the bucket (8 MB parts), streamed from the joined temp file
    const mine = s3.requests.filter((r) => r.includes(key(hash)));
    expect(mine.filter((r) => r.startsWith('POST ') && r.includes('uploads'))).toHaveLength(1);
    expect(mine.filter((r) => r.startsWith('PUT ') && r.includes('partNumber='))).toHaveLength(2);
    expect(existsSync(path.join(dataDir, 'attachments', 'parts', id))).toBe(false);

    const saved = await save(clerk, [
      { op: 'INSERT', values: { issue: '方案', docs: [{ handle: done.body.handle }] } },
    ]);
    expect(saved.saved).toBe(1);
    const file = await get(`/attachments/${done.body.handle as string}`, clerk);
    expect(file.response.status).toBe(200);
    expect(sha256(file.bytes)).toBe(hash);
  });

  it('collects a day-old upload no row took from the bucket, file and thumbnail; a row’s file stays', async () => {
    const lonely = await photo(300, 301);
    const unused = await upload(clerk, lonely, 'unused.jpg');
    const kept = await upload(clerk, await photo(300, 302), 'kept.jpg');
    await save(clerk, [{ op: 'INSERT', values: { issue: '留存', photos: [{ handle: kept.body.handle }] } }]);
    // the thumbnail of the unused one made, so that both keys are there to go
    expect((await get(`/attachments/${unused.body.handle}/thumbnail`, clerk)).response.status).toBe(200);
    expect(await bucket.has(unused.body.sha256, 'thumbnail')).toBe(true);

    const collector = t.api.app.get(AttachmentCollector);
    expect((await collector.collect(new Date())).contents).toBe(0);
    const later = await collector.collect(new Date(Date.now() + 25 * 3_600_000));
    expect(later.contents).toBeGreaterThanOrEqual(1);
    expect(await bucket.has(unused.body.sha256, 'file')).toBe(false);
    expect(await bucket.has(unused.body.sha256, 'thumbnail')).toBe(false);
    expect(await bucket.has(kept.body.sha256, 'file')).toBe(true);
    expect((await get(`/attachments/${kept.body.handle}`, clerk)).response.status).toBe(200);
    expect((await get(`/attachments/${unused.body.handle}`, clerk)).response.status).toBe(404);
    // the same photo uploaded again goes back into the bucket
    expect((await upload(clerk, lonely, 'again.jpg')).status).toBe(201);
    expect(await bucket.has(unused.body.sha256, 'file')).toBe(true);
  });
});

describe('an API whose bucket does not answer', () => {
  it('does not start, and says which bucket and why', async () => {
    const db = await createTestDatabase();
    const dir = await mkdtemp(path.join(tmpdir(), 'taizhang-attachments-s3-'));
    try {
      const config = loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        WEB_DIR: '/nonexistent',
        DEMO_ROWS: '0',
        DATA_DIR: dir,
        ...s3.env,
        ATTACHMENT_S3_BUCKET: 'no-such-bucket',
      });
      await expect(startApi(config, db.url)).rejects.toThrow(
        /attachment store s3:\/\/no-such-bucket\/attachments at http:\/\/127\.0\.0\.1:\d+ cannot be used: the bucket does not exist/,
      );
    } finally {
      await db.drop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
