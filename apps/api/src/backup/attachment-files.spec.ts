import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startS3TestServer, type S3TestServer } from '../../test/s3-test-server';
import { LocalAttachmentStore, type WorkingStore } from '../attachments/attachment-store';
import { S3AttachmentStore } from '../attachments/s3-attachment-store';
import {
  attachmentsFolder,
  backupAttachmentFiles,
  MANIFEST,
  restoreAttachmentFiles,
  type Blob,
} from './attachment-files';
import { BackupError, Cleanup } from './backup-error';

/**
 * The attachment files of a backup, with either store on the product's side (docs/operations.md):
 * the folder under DATA_DIR, or an S3-compatible bucket (a real S3 HTTP server here, s3rver). The
 * backup's folder beside the dump is local either way; the CLI's whole path with the local store
 * is tests/reliability/backup-attachments.spec.ts.
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

const KINDS = [
  { name: 'the local store', make: (root: string): WorkingStore => new LocalAttachmentStore(root) },
  { name: 'an S3 bucket', make: (root: string): WorkingStore => new S3AttachmentStore(s3.settings, root) },
];

describe.each(KINDS)('backup and restore of the files with $name', (kind) => {
  let root: string;
  let store: WorkingStore;
  let cleanup: Cleanup;
  const contents = [randomBytes(40_000), randomBytes(9_000_000), Buffer.from('a third file')];
  let blobs: Blob[];

  async function put(bytes: Buffer | string, hash: string, variant: 'file' | 'thumbnail' = 'file') {
    const temp = await store.tempPath();
    await writeFile(temp, bytes);
    await store.put(temp, hash, variant);
  }

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'taizhang-backup-files-'));
    store = kind.make(path.join(root, 'data', 'attachments'));
    await store.ready();
    cleanup = new Cleanup();
    blobs = contents
      .map((bytes, i) => ({ sha256: sha(bytes), size: bytes.length, thumbnail: i === 0 }))
      .sort((a, b) => a.sha256.localeCompare(b.sha256));
    for (const bytes of contents) await put(bytes, sha(bytes));
    await put('thumbnail of the first', sha(contents[0]), 'thumbnail');
  });
  afterEach(async () => {
    await cleanup.runAll(() => undefined);
    for (const blob of blobs) await store.remove(blob.sha256);
    if (store instanceof S3AttachmentStore) store.close();
    await rm(root, { recursive: true, force: true });
  });

  it('copies every file and thumbnail out of the store beside the dump, and back into an emptied store', async () => {
    const dump = path.join(root, 'taizhang.dump');
    const written = await backupAttachmentFiles(blobs, store, dump, cleanup);
    expect(written).toEqual({ folder: attachmentsFolder(dump), bytes: expect.any(Number) as number });
    const backup = new LocalAttachmentStore(attachmentsFolder(dump));
    for (const blob of blobs) expect(sha(await readFile(backup.pathOf(blob.sha256, 'file')))).toBe(blob.sha256);
    expect(await readFile(backup.pathOf(sha(contents[0]), 'thumbnail'), 'utf8')).toBe('thumbnail of the first');
    expect((await readFile(path.join(attachmentsFolder(dump), MANIFEST), 'utf8')).trim().split('\n')).toHaveLength(3);

    // the store emptied (a new machine, a new bucket), then restored from the backup
    for (const blob of blobs) await store.remove(blob.sha256);
    const restored = await restoreAttachmentFiles(blobs, store, dump, cleanup);
    expect(restored).toEqual({ files: 3, copied: 3, where: store.where });
    for (const blob of blobs) expect(sha((await read(await store.open(blob.sha256, 'file')))!)).toBe(blob.sha256);
    expect((await read(await store.open(sha(contents[0]), 'thumbnail')))!.toString()).toBe('thumbnail of the first');
  });

  it('replaces a damaged content in the store with the backup’s bytes, and leaves the whole ones', async () => {
    const dump = path.join(root, 'taizhang.dump');
    await backupAttachmentFiles(blobs, store, dump, cleanup);
    const victim = blobs[0].sha256;
    await store.remove(victim, 'file');
    await put('damaged bytes under the name', victim);
    const restored = await restoreAttachmentFiles(blobs, store, dump, cleanup);
    expect(restored?.copied).toBe(1);
    expect(sha((await read(await store.open(victim, 'file')))!)).toBe(victim);
  });

  it('fails a backup naming a content the store lacks', async () => {
    const victim = blobs[1].sha256;
    await store.remove(victim);
    const failed = backupAttachmentFiles(blobs, store, path.join(root, 'taizhang.dump'), cleanup);
    await expect(failed).rejects.toThrow(BackupError);
    await expect(failed).rejects.toThrow(
      new RegExp(`${victim.slice(0, 2)}/${victim.slice(2, 4)}/${victim} is missing`),
    );
  });

  it('fails a restore naming a changed file of the backup, and puts nothing into the store', async () => {
    const dump = path.join(root, 'taizhang.dump');
    await backupAttachmentFiles(blobs, store, dump, cleanup);
    for (const blob of blobs) await store.remove(blob.sha256);
    const backup = new LocalAttachmentStore(attachmentsFolder(dump));
    const victim = blobs[2].sha256;
    await writeFile(backup.pathOf(victim, 'file'), 'changed after the backup');
    await expect(restoreAttachmentFiles(blobs, store, dump, cleanup)).rejects.toThrow(/differs \(its SHA-256 is/);
    for (const blob of blobs) expect(await store.has(blob.sha256, 'file')).toBe(false);
  });
});
