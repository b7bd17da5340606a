import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalAttachmentStore } from './attachment-store';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

let root: string;
let store: LocalAttachmentStore;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'taizhang-store-'));
  store = new LocalAttachmentStore(path.join(root, 'attachments'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function written(text: string): Promise<string> {
  const temp = await store.tempPath();
  await writeFile(temp, text);
  return temp;
}

describe('the local attachment store', () => {
  it('moves a temp file under its SHA-256, two folders deep, and leaves no temp file', async () => {
    const hash = sha('照片');
    await store.put(await written('照片'), hash, 'file');
    const target = path.join(root, 'attachments', hash.slice(0, 2), hash.slice(2, 4), hash);
    expect(await readFile(target, 'utf8')).toBe('照片');
    expect(await store.has(hash, 'file')).toBe(true);
    expect(await store.has(hash, 'thumbnail')).toBe(false);
    expect(await readdir(store.tempDir)).toEqual([]);
  });

  it('keeps the content stored first when the same content comes again', async () => {
    const hash = sha('same');
    await store.put(await written('same'), hash, 'file');
    const again = await written('same');
    await store.put(again, hash, 'file');
    expect(existsSync(again)).toBe(false);
    expect(await readdir(path.join(root, 'attachments', hash.slice(0, 2), hash.slice(2, 4)))).toEqual([hash]);
  });

  it('opens a stored file as a stream, and answers null for content it does not have', async () => {
    const hash = sha('stream me');
    await store.put(await written('stream me'), hash, 'file');
    const chunks: Buffer[] = [];
    for await (const chunk of (await store.open(hash, 'file'))!) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('stream me');
    expect(await store.open(sha('absent'), 'file')).toBeNull();
  });

  it('removes a content and its thumbnail', async () => {
    const hash = sha('gone');
    await store.put(await written('gone'), hash, 'file');
    await store.put(await written('thumb'), hash, 'thumbnail');
    await store.remove(hash);
    expect(await store.has(hash, 'file')).toBe(false);
    expect(await store.has(hash, 'thumbnail')).toBe(false);
  });

  it('sweeps temp files left by a crash once they are old, and not an upload in progress', async () => {
    const old = await written('half an upload');
    const fresh = await written('an upload going on');
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(old, hourAgo, hourAgo);
    expect(await store.sweepTemp(30 * 60_000)).toBe(1);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
  });

  it('refuses a name that is not a SHA-256 (no path of the caller’s making)', () => {
    expect(() => store.pathOf('../../etc/passwd', 'file')).toThrow();
  });
});
