import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';

/** The original file, or its thumbnail (images only). */
export type BlobVariant = 'file' | 'thumbnail';

/**
 * Where attachment files live, by content (docs/attachments.md, "Data"): the same bytes are
 * stored once, under their SHA-256. The default is the local store under DATA_DIR; the
 * S3-compatible store (s3-attachment-store.ts, chosen by ATTACHMENT_S3_*) implements the same calls.
 */
export interface AttachmentStore {
  /**
   * A finished temp file (`tempPath`) moved into place, gone from the temp folder afterwards; a
   * content already stored stays as it is (the copy is not written again).
   */
  put(tempPath: string, sha256: string, variant: BlobVariant): Promise<void>;
  /** The stored bytes as a stream, or null when there are none. */
  open(sha256: string, variant: BlobVariant): Promise<Readable | null>;
  has(sha256: string, variant: BlobVariant): Promise<boolean>;
  /**
   * The content and its thumbnail gone (the collect job, for a blob no upload refers to); with a
   * variant, that one only (a restore replacing a damaged file). Nothing there is no error.
   */
  remove(sha256: string, variant?: BlobVariant): Promise<void>;
}

/**
 * The store the API works with: the files, and the local working folder beside them under
 * DATA_DIR/attachments (`tmp/` for uploads on their way, `parts/` for uploads in parts), which
 * stays local whichever store keeps the finished contents.
 */
export interface WorkingStore extends AttachmentStore {
  /** DATA_DIR/attachments: the local working folder (and, for the local store, the files). */
  readonly root: string;
  readonly tempDir: string;
  /** Where the files are, for messages: a folder, or s3://bucket/attachments at an address. */
  readonly where: string;
  /** A new temp file's path (the folder made if need be). */
  tempPath(): Promise<string>;
  /** Temp files older than `olderThanMs` removed; how many. */
  sweepTemp(olderThanMs: number, now?: number): Promise<number>;
  /** At start: the store can be used (the bucket answers), or an error that says why not. */
  ready(): Promise<void>;
}

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * `<sha[0..2]>/<sha[2..4]>/<sha256>` (or `….thumb.webp`): where a content lives below a store's
 * root, a folder or the bucket's `attachments/`. Refuses anything but a SHA-256, so no caller
 * makes a path of its own.
 */
export function blobKey(sha256: string, variant: BlobVariant): string {
  if (!SHA256.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
  const file = variant === 'file' ? sha256 : `${sha256}.thumb.webp`;
  return `${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${file}`;
}

/** fsync of a file or a folder (a folder's, so that a rename in it survives a power cut). */
async function syncPath(target: string, flags = 'r'): Promise<void> {
  const handle = await open(target, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * `DATA_DIR/attachments/<sha[0..2]>/<sha[2..4]>/<sha256>` (and `….thumb.webp`): an upload is
 * written to `tmp/<uuid>`, fsynced, then renamed into place, so a file under its SHA-256 is
 * always whole. A process killed mid-upload leaves at most a temp file, which no row refers to
 * (the database learns of a file only after its rename) and which `sweepTemp` removes.
 */
export class LocalAttachmentStore implements WorkingStore {
  constructor(readonly root: string) {}

  get where(): string {
    return this.root;
  }

  async ready(): Promise<void> {
    await mkdir(this.root, { recursive: true });
  }

  get tempDir(): string {
    return path.join(this.root, 'tmp');
  }

  /** A new temp file's path (the folder made if need be). */
  async tempPath(): Promise<string> {
    await mkdir(this.tempDir, { recursive: true });
    return path.join(this.tempDir, randomUUID());
  }

  pathOf(sha256: string, variant: BlobVariant): string {
    return path.join(this.root, ...blobKey(sha256, variant).split('/'));
  }

  async put(tempPath: string, sha256: string, variant: BlobVariant): Promise<void> {
    const target = this.pathOf(sha256, variant);
    if (await this.has(sha256, variant)) {
      // the same content is there already: it stays, the copy goes
      await unlink(tempPath).catch(() => undefined);
      return;
    }
    await syncPath(tempPath, 'r+');
    await mkdir(path.dirname(target), { recursive: true });
    await rename(tempPath, target);
    await syncPath(path.dirname(target));
  }

  async open(sha256: string, variant: BlobVariant): Promise<Readable | null> {
    if (!(await this.has(sha256, variant))) return null;
    return createReadStream(this.pathOf(sha256, variant));
  }

  async has(sha256: string, variant: BlobVariant): Promise<boolean> {
    try {
      return (await stat(this.pathOf(sha256, variant))).isFile();
    } catch {
      return false;
    }
  }

  async remove(sha256: string, variant?: BlobVariant): Promise<void> {
    if (variant !== 'thumbnail') await rm(this.pathOf(sha256, 'file'), { force: true });
    if (variant !== 'file') await rm(this.pathOf(sha256, 'thumbnail'), { force: true });
  }

  /** Temp files older than `olderThanMs` (an upload cut short by a crash), removed; how many. */
  async sweepTemp(olderThanMs: number, now = Date.now()): Promise<number> {
    let removed = 0;
    let names: string[];
    try {
      names = await readdir(this.tempDir);
    } catch {
      return 0;
    }
    for (const name of names) {
      const file = path.join(this.tempDir, name);
      const info = await stat(file).catch(() => null);
      if (info && now - info.mtimeMs >= olderThanMs) {
        await rm(file, { force: true });
        removed += 1;
      }
    }
    return removed;
  }
}
