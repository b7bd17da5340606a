import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import multer from 'multer';
import { sizeText } from '@taizhang/ledger-core';
import { AttachmentsException } from './attachments.exception';
import { compoundStreamNames, SNIFF_BYTES, sniffKind, zipContentTypes, type Sniffed } from './attachment-kind';
import type { WorkingStore } from './attachment-store';

/** An upload as it was received: in its temp file, hashed and counted on the way. */
export interface ReceivedFile {
  tempPath: string;
  /** The name the client gave (only ever shown, never trusted for the kind). */
  name: string;
  size: number;
  sha256: string;
  /** The first SNIFF_BYTES bytes. */
  head: Buffer;
  /**
   * The temp file's fsync, started as soon as its last byte was written, so that it runs while the
   * kind and the image's wholeness are checked (the store's put then finds it clean).
   */
  durable?: Promise<void>;
}

/** fsync of a finished file; its failure is the promise's (never an unhandled rejection). */
export function syncFile(path: string): Promise<void> {
  const synced = (async () => {
    const handle = await open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  })();
  synced.catch(() => undefined);
  return synced;
}

export class TooLarge extends Error {}

/**
 * Counts and hashes what passes, keeps the first bytes for sniffing, and fails once more than
 * `limit` bytes came: the body is never held whole in memory (each chunk goes on to the file).
 */
export class HashingCounter extends Transform {
  readonly hash = createHash('sha256');
  size = 0;
  private headParts: Buffer[] = [];
  private headLength = 0;

  constructor(private readonly limit: number) {
    super();
  }

  get head(): Buffer {
    return Buffer.concat(this.headParts);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.limit) return done(new TooLarge());
    this.hash.update(chunk);
    if (this.headLength < SNIFF_BYTES) {
      const part = chunk.subarray(0, SNIFF_BYTES - this.headLength);
      this.headParts.push(Buffer.from(part));
      this.headLength += part.length;
    }
    done(null, chunk);
  }
}

/** multer's storage for one attachment: the file streamed to a temp file of the store, hashed as it goes. */
class TempFileStorage implements multer.StorageEngine {
  constructor(
    private readonly store: WorkingStore,
    private readonly limit: number,
  ) {}

  _handleFile(
    _req: Request,
    file: Express.Multer.File,
    done: (error?: unknown, info?: Partial<Express.Multer.File> & { received?: ReceivedFile }) => void,
  ): void {
    void (async () => {
      const tempPath = await this.store.tempPath();
      const counter = new HashingCounter(this.limit);
      try {
        await pipeline(file.stream, counter, createWriteStream(tempPath, { flags: 'wx' }));
      } catch (error) {
        await unlink(tempPath).catch(() => undefined);
        // the rest of the part is read and dropped (multer drains the request), so the client hears the answer
        file.stream.resume();
        throw error;
      }
      const received: ReceivedFile = {
        tempPath,
        name: file.originalname,
        size: counter.size,
        sha256: counter.hash.digest('hex'),
        head: counter.head,
        durable: syncFile(tempPath),
      };
      done(null, { path: tempPath, size: counter.size, received });
    })().catch((error: unknown) => done(error));
  }

  _removeFile(_req: Request, file: Express.Multer.File, done: (error: Error | null) => void): void {
    unlink(file.path).then(
      () => done(null),
      () => done(null),
    );
  }
}

/**
 * The multipart body's `file`, streamed into a temp file of the store through a SHA-256 and a
 * byte counter; past `limit` bytes it is cut off and refused (413) and the temp file removed.
 */
export function receiveUpload(req: Request, res: Response, store: WorkingStore, limit: number): Promise<ReceivedFile> {
  const upload = multer({
    storage: new TempFileStorage(store, limit),
    // browsers send a file name in UTF-8 without saying so (整改前.jpg)
    defParamCharset: 'utf8',
    limits: { files: 1, fields: 10, fieldSize: 4096, parts: 12 },
  }).single('file');
  return new Promise((resolve, reject) => {
    upload(req, res, (error: unknown) => {
      if (error instanceof TooLarge) return reject(AttachmentsException.tooLarge(sizeText(limit)));
      if (error) return reject(AttachmentsException.malformed());
      const file = (req as Request & { file?: Express.Multer.File & { received?: ReceivedFile } }).file;
      if (!file?.received) return reject(AttachmentsException.missing());
      resolve({ ...file.received, name: cleanName(file.received.name) });
    });
  });
}

/** A client's file name: its last path segment, without control characters, at most 200 characters. */
export function cleanName(given: string): string {
  const name = [...(given.split(/[\\/]/).pop() ?? '')]
    .filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f)
    .slice(0, 200)
    .join('')
    .trim();
  return name || 'file';
}

/** Reads `length` bytes at `offset` of a file (for the parts of an Office file). */
async function readAt(path: string, offset: number, length: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Whether a compound file names Word's or Excel's stream, read a megabyte at a time. */
async function compoundStreams(path: string, size: number): Promise<string[]> {
  const names = new Set<string>();
  const chunk = 1024 * 1024;
  const overlap = 64;
  for (let at = 0; at < size; at += chunk - overlap) {
    for (const name of compoundStreamNames(await readAt(path, at, chunk))) names.add(name);
    if (names.size > 0) break;
  }
  return [...names];
}

/** The kind of a received file from its content (attachment-kind.ts), reading its Office parts where it must. */
export async function kindOfReceived(file: ReceivedFile): Promise<Sniffed> {
  let streams: string[] = [];
  let contentTypes: string | null = null;
  const head = file.head;
  if (head[0] === 0xd0 && head[1] === 0xcf) streams = await compoundStreams(file.tempPath, file.size);
  if (head[0] === 0x50 && head[1] === 0x4b)
    contentTypes = await zipContentTypes((offset, length) => readAt(file.tempPath, offset, length), file.size);
  return sniffKind(head, { compoundStreams: streams, zipContentTypes: contentTypes });
}
