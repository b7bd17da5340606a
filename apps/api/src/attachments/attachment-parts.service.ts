import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { sizeText, type AttachmentRef } from '@taizhang/ledger-core';
import type { Principal } from '../identity/principal';
import { AttachmentsException } from './attachments.exception';
import { AttachmentsService } from './attachments.service';
import { cleanName, HashingCounter, TooLarge, type ReceivedFile } from './attachment-upload';

/** The size of every part but the last (the web client sends files above 8 MB in parts). */
export const PART_SIZE = 4 * 1024 * 1024;

/** An upload in parts untouched this long is abandoned: the collect job removes it. */
export const PARTS_MAX_AGE_MS = 24 * 3_600_000;

const UPLOAD_ID = /^[A-Za-z0-9_-]{22}$/;
const PART = /^part-(\d+)$/;

/** What an upload in parts was started for (its folder's `upload.json`). */
interface PartsUpload {
  uploadId: string;
  /** Only this user may send, ask about or finish it. */
  userId: number;
  ledger: string;
  field: string;
  unitId: string | null;
  name: string;
  size: number;
  partSize: number;
  parts: number;
  startedAt: string;
}

/** Which parts the server holds of an upload (GET …/parts/<id>): the client sends the rest. */
export interface PartsStatus {
  uploadId: string;
  name: string;
  size: number;
  partSize: number;
  parts: number;
  received: number[];
}

/**
 * Uploads in parts (docs/attachments.md, "Upload"): started with the file's declared size (checked
 * against the field's limit then), each part streamed to a file of its own in
 * `DATA_DIR/attachments/parts/<uploadId>/` (a part sent again replaces itself: it is written
 * beside and renamed over), and finished by joining the parts in order through the SHA-256 into a
 * temp file, which then takes the one-shot upload's path (`AttachmentsService.accept`): kind by
 * content, whole by its structure, stored by content, the thumbnail after the answer. Kept on disk rather than in the database: parts
 * are bytes, and several API servers share DATA_DIR as they share the store.
 */
@Injectable()
export class AttachmentPartsService {
  constructor(private readonly attachments: AttachmentsService) {}

  private get root(): string {
    return path.join(this.attachments.store.root, 'parts');
  }

  private folder(uploadId: string): string {
    return path.join(this.root, uploadId);
  }

  async start(
    principal: Principal,
    query: { ledger?: string; field?: string; unitId?: string; name?: string; size?: string },
  ): Promise<{ uploadId: string; partSize: number; parts: number }> {
    const ledger = query.ledger ?? '';
    const field = query.field ?? '';
    const unitId = query.unitId || null;
    const { limits } = await this.attachments.target(principal, ledger, field, unitId ?? undefined);
    const size = Number(query.size);
    if (!Number.isSafeInteger(size) || size < 0) throw AttachmentsException.partsSize();
    if (size === 0) throw AttachmentsException.empty();
    if (size > limits.maxFileSize) throw AttachmentsException.tooLarge(sizeText(limits.maxFileSize));
    const uploadId = randomBytes(16).toString('base64url');
    const upload: PartsUpload = {
      uploadId,
      userId: principal.userId,
      ledger,
      field,
      unitId,
      name: cleanName(query.name ?? ''),
      size,
      partSize: PART_SIZE,
      parts: Math.ceil(size / PART_SIZE),
      startedAt: new Date().toISOString(),
    };
    await mkdir(this.folder(uploadId), { recursive: true });
    await writeFile(path.join(this.folder(uploadId), 'upload.json'), JSON.stringify(upload));
    return { uploadId, partSize: upload.partSize, parts: upload.parts };
  }

  /** The upload, if it exists and is the caller's; "not found" otherwise, whether it exists or not. */
  private async own(principal: Principal, uploadId: string): Promise<PartsUpload> {
    if (!UPLOAD_ID.test(uploadId)) throw AttachmentsException.uploadNotFound();
    let upload: PartsUpload;
    try {
      upload = JSON.parse(await readFile(path.join(this.folder(uploadId), 'upload.json'), 'utf8')) as PartsUpload;
    } catch {
      throw AttachmentsException.uploadNotFound();
    }
    if (upload.userId !== principal.userId) throw AttachmentsException.uploadNotFound();
    return upload;
  }

  private expectedLength(upload: PartsUpload, n: number): number {
    return n < upload.parts - 1 ? upload.partSize : upload.size - upload.partSize * (upload.parts - 1);
  }

  /** The parts held, each whole (of its expected length), in order. */
  private async received(upload: PartsUpload): Promise<number[]> {
    const held: number[] = [];
    for (const entry of await readdir(this.folder(upload.uploadId)).catch(() => [] as string[])) {
      const match = PART.exec(entry);
      if (!match) continue;
      const n = Number(match[1]);
      const info = await stat(path.join(this.folder(upload.uploadId), entry)).catch(() => null);
      if (n < upload.parts && info?.size === this.expectedLength(upload, n)) held.push(n);
    }
    return held.sort((a, b) => a - b);
  }

  async status(principal: Principal, uploadId: string): Promise<PartsStatus> {
    const upload = await this.own(principal, uploadId);
    return {
      uploadId,
      name: upload.name,
      size: upload.size,
      partSize: upload.partSize,
      parts: upload.parts,
      received: await this.received(upload),
    };
  }

  /** Part `n` (0-based) from the request's body, streamed to its file; sent again, it replaces itself. */
  async put(
    principal: Principal,
    uploadId: string,
    partNumber: string,
    req: Request,
  ): Promise<{ part: number; size: number }> {
    let upload: PartsUpload;
    let n: number;
    try {
      upload = await this.own(principal, uploadId);
      n = Number(partNumber);
      if (!/^\d+$/.test(partNumber) || n >= upload.parts) throw AttachmentsException.partNumber(upload.parts);
    } catch (refusal) {
      req.resume();
      throw refusal;
    }
    const expected = this.expectedLength(upload, n);
    const temp = path.join(this.folder(uploadId), `${randomUUID()}.tmp`);
    const counter = new HashingCounter(expected);
    try {
      await pipeline(req, counter, createWriteStream(temp, { flags: 'wx' }));
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      req.resume();
      if (error instanceof TooLarge) throw AttachmentsException.partLength(n, expected);
      throw AttachmentsException.malformed();
    }
    if (counter.size !== expected) {
      await unlink(temp).catch(() => undefined);
      throw AttachmentsException.partLength(n, expected);
    }
    await rename(temp, path.join(this.folder(uploadId), `part-${n}`));
    return { part: n, size: counter.size };
  }

  /**
   * Every part there: joined in order into a temp file of the store through the SHA-256 and the
   * byte counter, then judged and stored as a one-shot upload is. The permission and the field are
   * checked again (they may have changed since the start). The parts go once it is stored or
   * refused for its content; a missing part is refused and the others are kept for a resume.
   */
  async done(principal: Principal, uploadId: string): Promise<AttachmentRef> {
    const upload = await this.own(principal, uploadId);
    const held = new Set(await this.received(upload));
    const missing = Array.from({ length: upload.parts }, (_, n) => n).filter((n) => !held.has(n));
    if (missing.length > 0) throw AttachmentsException.partsMissing(missing);
    const target = await this.attachments.target(principal, upload.ledger, upload.field, upload.unitId ?? undefined);
    const folder = this.folder(uploadId);
    try {
      if (upload.size > target.limits.maxFileSize)
        throw AttachmentsException.tooLarge(sizeText(target.limits.maxFileSize));
      const tempPath = await this.attachments.store.tempPath();
      const counter = new HashingCounter(upload.size);
      async function* parts() {
        for (let n = 0; n < upload.parts; n++) yield* createReadStream(path.join(folder, `part-${n}`));
      }
      try {
        await pipeline(parts(), counter, createWriteStream(tempPath, { flags: 'wx' }));
      } catch (error) {
        await unlink(tempPath).catch(() => undefined);
        throw error;
      }
      const received: ReceivedFile = {
        tempPath,
        name: upload.name,
        size: counter.size,
        sha256: counter.hash.digest('hex'),
        head: counter.head,
      };
      return await this.attachments.accept(principal, target, upload.field, received);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }

  /** Uploads in parts untouched for `olderThanMs` removed (the collect job); how many. */
  async sweep(now: Date, olderThanMs = PARTS_MAX_AGE_MS): Promise<number> {
    let removed = 0;
    for (const id of await readdir(this.root).catch(() => [] as string[])) {
      const folder = path.join(this.root, id);
      // the newest of the folder and its files: a part sent renames into it, so the folder's own time moves
      let newest = (await stat(folder).catch(() => null))?.mtimeMs ?? 0;
      for (const entry of await readdir(folder).catch(() => [] as string[])) {
        newest = Math.max(newest, (await stat(path.join(folder, entry)).catch(() => null))?.mtimeMs ?? 0);
      }
      if (now.getTime() - newest >= olderThanMs) {
        await rm(folder, { recursive: true, force: true });
        removed += 1;
      }
    }
    return removed;
  }
}
