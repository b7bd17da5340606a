import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startS3TestServer, TEST_BUCKET, type S3TestServer } from '../../test/s3-test-server';
import { LocalAttachmentStore, type WorkingStore } from './attachment-store';
import { S3_PART_SIZE, S3AttachmentStore } from './s3-attachment-store';

/**
 * One contract for every attachment store (docs/attachments.md, "Files"): the local folder under
 * DATA_DIR and the S3-compatible bucket (here a real S3 HTTP server, s3rver, on a loopback port).
 * The callers (upload, thumbnails, collect job, backup) rely on exactly this.
 */
const sha = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

async function read(stream: Readable | null): Promise<Buffer | null> {
  if (!stream) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

let s3: S3TestServer;
beforeAll(async () => {
  s3 = await startS3TestServer();
});
afterAll(() => s3?.close());

interface Kind {
  name: string;
  make(root: string): WorkingStore;
  /** What the store wrote for a put, as the bucket or the folder saw it (null: not observable). */
  writesOf?(hash: string): number;
}

const KINDS: Kind[] = [
  { name: 'the local store', make: (root) => new LocalAttachmentStore(root) },
  {
    name: 'the S3 store',
    make: (root) => new S3AttachmentStore(s3.settings, root),
    // a single PUT of the key, or a multipart upload's start (POST ?uploads)
    writesOf: (hash) =>
      s3.requests.filter(
        (r) =>
          (r.startsWith('PUT ') || r.startsWith('POST ')) &&
          r.includes(`/${TEST_BUCKET}/attachments/${hash.slice(0, 2)}/${hash.slice(2, 4)}/${hash}`) &&
          !r.includes('partNumber=') &&
          !r.includes('uploadId='),
      ).length,
  },
];

describe.each(KINDS)('$name', (kind) => {
  let root: string;
  let store: WorkingStore;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'taizhang-store-contract-'));
    store = kind.make(path.join(root, 'attachments'));
    await store.ready();
  });
  afterEach(async () => {
    if (store instanceof S3AttachmentStore) store.close();
    await rm(root, { recursive: true, force: true });
  });

  async function temp(bytes: Buffer | string): Promise<string> {
    const file = await store.tempPath();
    await writeFile(file, bytes);
    return file;
  }

  it('keeps temp files under DATA_DIR/attachments/tmp, whichever store holds the contents', async () => {
    const file = await store.tempPath();
    expect(path.dirname(file)).toBe(path.join(root, 'attachments', 'tmp'));
    expect(store.root).toBe(path.join(root, 'attachments'));
  });

  it('puts a temp file under its SHA-256 and serves the same bytes; the temp file is gone', async () => {
    const bytes = randomBytes(70_000);
    const hash = sha(bytes);
    const file = await temp(bytes);
    await store.put(file, hash, 'file');
    expect(existsSync(file)).toBe(false);
    expect(await store.has(hash, 'file')).toBe(true);
    expect(await store.has(hash, 'thumbnail')).toBe(false);
    expect(sha((await read(await store.open(hash, 'file')))!)).toBe(hash);
  });

  it('stores a content put twice once: the first bytes stay, the second copy is not written', async () => {
    const hash = sha('照片 one');
    await store.put(await temp('照片 one'), hash, 'file');
    // a second put under the same SHA-256 (bytes made different here, to see which ones stay)
    const again = await temp('not the first bytes');
    await store.put(again, hash, 'file');
    expect(existsSync(again)).toBe(false);
    expect((await read(await store.open(hash, 'file')))!.toString()).toBe('照片 one');
    if (kind.writesOf) expect(kind.writesOf(hash)).toBe(1);
  });

  it('answers null for a content it does not have, and false for has', async () => {
    const absent = sha('never stored');
    expect(await store.open(absent, 'file')).toBeNull();
    expect(await store.open(absent, 'thumbnail')).toBeNull();
    expect(await store.has(absent, 'file')).toBe(false);
  });

  it('removes a content with its thumbnail, one variant alone when asked, and nothing there is no error', async () => {
    const hash = sha('gone');
    await store.put(await temp('gone'), hash, 'file');
    await store.put(await temp('thumb'), hash, 'thumbnail');
    await store.remove(hash, 'thumbnail');
    expect(await store.has(hash, 'thumbnail')).toBe(false);
    expect(await store.has(hash, 'file')).toBe(true);
    await store.put(await temp('thumb'), hash, 'thumbnail');
    await store.remove(hash);
    expect(await store.has(hash, 'file')).toBe(false);
    expect(await store.has(hash, 'thumbnail')).toBe(false);
    await expect(store.remove(hash)).resolves.toBeUndefined();
  });

  it('stores a file larger than a part whole (in parts for the bucket) and serves it back byte for byte', async () => {
    const bytes = randomBytes(S3_PART_SIZE * 2 + 12_345);
    const hash = sha(bytes);
    await store.put(await temp(bytes), hash, 'file');
    expect(sha((await read(await store.open(hash, 'file')))!)).toBe(hash);
    if (store instanceof S3AttachmentStore) {
      // a multipart upload: its start, three parts, its completion; never one PUT of 16 MB
      const key = `/${TEST_BUCKET}/attachments/${hash.slice(0, 2)}/${hash.slice(2, 4)}/${hash}`;
      const mine = s3.requests.filter((r) => r.includes(key));
      expect(mine.filter((r) => r.startsWith('POST ') && r.includes('uploads'))).toHaveLength(1);
      expect(mine.filter((r) => r.startsWith('PUT ') && r.includes('partNumber='))).toHaveLength(3);
      expect(mine.filter((r) => r.startsWith('PUT ') && !r.includes('partNumber='))).toHaveLength(0);
    }
  });

  it('refuses a key that is not a SHA-256', async () => {
    await expect(store.put(await temp('x'), '../../etc/passwd', 'file')).rejects.toThrow(/SHA-256/);
  });
});

describe('the S3 store at start', () => {
  it('names the bucket and the reason when the bucket does not exist', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'taizhang-store-contract-'));
    const store = new S3AttachmentStore({ ...s3.settings, bucket: 'no-such-bucket' }, root);
    try {
      await expect(store.ready()).rejects.toThrow(/s3:\/\/no-such-bucket\/attachments .*does not exist/);
    } finally {
      store.close();
      await rm(root, { recursive: true, force: true });
    }
  });

  it('says when nothing answers at the endpoint', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'taizhang-store-contract-'));
    // a port nothing listens on: the test server's, once closed
    const closed = await startS3TestServer();
    await closed.close();
    const store = new S3AttachmentStore({ ...closed.settings }, root);
    try {
      await expect(store.ready()).rejects.toThrow(/cannot be used: no answer/);
    } finally {
      store.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
