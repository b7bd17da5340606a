import { createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import sharp from 'sharp';
import type { DataSource } from 'typeorm';
import type { AttachmentStore } from './attachment-store';

/** The longest side of a thumbnail, in pixels. */
export const THUMBNAIL_SIZE = 320;

/** The first key of the advisory locks on a content (the second: its hash), shared with the upload and the collect job. */
export const CONTENT_LOCK = 20_020;

// libvips keeps recent operations in a cache (50 MB by default): each image is decoded once, so
// the cache holds nothing worth its memory
sharp.cache(false);

/**
 * Thumbnails of stored images (docs/attachments.md, "Thumbnails"): made after the upload has
 * answered, one at a time in this process, from the stored file; or, when a thumbnail is asked
 * for before it is made (or the process that was to make it stopped), made then, once, for every
 * asker. `attachment_blobs.thumbnail` says where a content stands: null still to make, true made,
 * false none (not an image, HEIC, or an image that does not decode).
 */
export class AttachmentThumbnails {
  private readonly making = new Map<string, Promise<boolean>>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: DataSource,
    private readonly store: AttachmentStore & { tempPath(): Promise<string> },
  ) {}

  /** Made after the current ones; a failure is recorded, not thrown. */
  soon(sha256: string): void {
    void this.make(sha256).catch(() => undefined);
  }

  /** Whether the content has a thumbnail, made now (or waited for) when it is still to make. */
  make(sha256: string): Promise<boolean> {
    let made = this.making.get(sha256);
    if (!made) {
      made = this.queue.then(() => this.build(sha256)).finally(() => this.making.delete(sha256));
      this.queue = made.catch(() => undefined);
      this.making.set(sha256, made);
    }
    return made;
  }

  private async build(sha256: string): Promise<boolean> {
    const [blob] = await this.db.query<{ thumbnail: boolean | null }[]>(
      'SELECT thumbnail FROM attachment_blobs WHERE sha256 = $1',
      [sha256],
    );
    if (!blob) return false;
    if (blob.thumbnail !== null) return blob.thumbnail;
    const source = await this.store.open(sha256, 'file');
    if (!source) return false;
    const temp = await this.store.tempPath();
    try {
      try {
        const resize = sharp({ failOn: 'truncated', sequentialRead: true })
          .rotate()
          .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
          .webp({ quality: 75 });
        await pipeline(source, resize, createWriteStream(temp));
      } catch {
        // whole by its structure, yet it does not decode: kept as a file, shown without a thumbnail
        await this.db.query('UPDATE attachment_blobs SET thumbnail = false WHERE sha256 = $1 AND thumbnail IS NULL', [
          sha256,
        ]);
        return false;
      }
      return await this.db.transaction(async (m) => {
        // the content's lock: the collect job does not remove the content while its thumbnail is put
        await m.query(`SELECT pg_advisory_xact_lock(${CONTENT_LOCK}, hashtext($1))`, [sha256]);
        const updated = await m.query<[unknown[], number]>(
          'UPDATE attachment_blobs SET thumbnail = true WHERE sha256 = $1',
          [sha256],
        );
        if (updated[1] === 0) return false; // collected meanwhile
        await this.store.put(temp, sha256, 'thumbnail');
        return true;
      });
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  }
}
