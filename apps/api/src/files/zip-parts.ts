import zlib from 'node:zlib';
import { AppException } from '../common/errors/app-exception';
import { FilesException } from './files.exception';
import { MAX_UNPACKED_BYTES } from './import-limits';

/**
 * The parts of a zip (an xlsx is one) read from the uploaded bytes: the central directory names
 * them, and each part is inflated as a stream of chunks that stops as soon as the bytes unpacked
 * from the whole file pass `MAX_UNPACKED_BYTES`, or a part unpacks to more than
 * `MAX_INFLATE_RATIO` times its packed bytes, whatever the zip's headers claim. Nothing is
 * inflated that is not asked for, and a part is checked against its CRC once read whole.
 */

interface ZipPart {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  crc: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;
const CHUNK = 64 * 1024;
/**
 * Sheets that spreadsheet tools write unpack to 10–20 times their packed size (each cell names
 * its own address); a zip bomb to a thousand times. Past a few megabytes a part unpacking to
 * more than 200 times what it took is refused there, not at the total limit seconds later.
 */
const MAX_INFLATE_RATIO = 200;
const RATIO_CHECKED_AFTER = 8 * 1024 * 1024;

const unreadable = () => FilesException.unreadable();

/** Unpacked bytes of one file, all its parts together. */
export class UnpackBudget {
  private left = MAX_UNPACKED_BYTES;

  take(bytes: number): void {
    this.left -= bytes;
    if (this.left < 0) throw FilesException.unpackedTooLarge(MAX_UNPACKED_BYTES / 1024 / 1024);
  }

  /** A part's own size claim, checked before a byte of it is inflated (a zip bomb that says what it is). */
  check(declared: number): void {
    if (declared > this.left) throw FilesException.unpackedTooLarge(MAX_UNPACKED_BYTES / 1024 / 1024);
  }
}

export class ZipParts {
  private readonly parts = new Map<string, ZipPart>();
  private readonly byLowerName = new Map<string, ZipPart>();
  readonly budget = new UnpackBudget();

  constructor(private readonly bytes: Buffer) {
    for (const part of centralDirectory(bytes)) {
      this.parts.set(part.name, part);
      this.byLowerName.set(part.name.toLowerCase(), part);
    }
  }

  has(name: string): boolean {
    return this.find(name) !== undefined;
  }

  /** The part's bytes, inflated a chunk at a time. */
  async *read(name: string): AsyncGenerator<Buffer> {
    const part = this.find(name);
    if (!part) throw unreadable();
    this.budget.check(part.size);
    const data = this.dataOf(part);
    let crc = 0;
    if (part.method === STORED) {
      for (let at = 0; at < data.length; at += CHUNK) {
        const chunk = data.subarray(at, at + CHUNK);
        this.budget.take(chunk.length);
        crc = zlib.crc32(chunk, crc);
        yield chunk;
      }
    } else {
      // backpressure: zlib inflates the next chunk only once this one has been taken
      const inflate = zlib.createInflateRaw({ chunkSize: CHUNK });
      inflate.end(data);
      try {
        let inflated = 0;
        for await (const chunk of inflate as AsyncIterable<Buffer>) {
          this.budget.take(chunk.length);
          inflated += chunk.length;
          // bytesWritten: the compressed bytes inflate has consumed so far
          if (inflated > RATIO_CHECKED_AFTER && inflated > MAX_INFLATE_RATIO * inflate.bytesWritten)
            throw FilesException.inflatesTooMuch(MAX_INFLATE_RATIO);
          crc = zlib.crc32(chunk, crc);
          yield chunk;
        }
      } catch (error) {
        // ours (the budget) as it is; zlib's (a damaged or truncated stream) as a damaged file
        throw error instanceof AppException ? error : unreadable();
      } finally {
        inflate.destroy();
      }
    }
    if (crc >>> 0 !== part.crc >>> 0) throw unreadable();
  }

  private find(name: string): ZipPart | undefined {
    return this.parts.get(name) ?? this.byLowerName.get(name.toLowerCase());
  }

  private dataOf(part: ZipPart): Buffer {
    const at = part.localOffset;
    if (at + 30 > this.bytes.length || this.bytes.readUInt32LE(at) !== LOCAL) throw unreadable();
    const start = at + 30 + this.bytes.readUInt16LE(at + 26) + this.bytes.readUInt16LE(at + 28);
    const end = start + part.compressedSize;
    if (end > this.bytes.length) throw unreadable();
    return this.bytes.subarray(start, end);
  }
}

/** The central directory's entries (zip64 too), each checked to lie inside the file. */
function centralDirectory(bytes: Buffer): ZipPart[] {
  const eocd = bytes.lastIndexOf(u32(EOCD), Math.max(0, bytes.length - 22));
  if (eocd < 0 || eocd < bytes.length - 22 - 0xffff) throw unreadable();
  let count = bytes.readUInt16LE(eocd + 10);
  let size = bytes.readUInt32LE(eocd + 12);
  let offset = bytes.readUInt32LE(eocd + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || bytes.readUInt32LE(locator) !== ZIP64_LOCATOR) throw unreadable();
    const at = safeNumber(bytes.readBigUInt64LE(locator + 8));
    if (at + 56 > bytes.length || bytes.readUInt32LE(at) !== ZIP64_EOCD) throw unreadable();
    count = safeNumber(bytes.readBigUInt64LE(at + 32));
    size = safeNumber(bytes.readBigUInt64LE(at + 40));
    offset = safeNumber(bytes.readBigUInt64LE(at + 48));
  }
  if (offset + size > bytes.length) throw unreadable();
  const parts: ZipPart[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > offset + size || bytes.readUInt32LE(at) !== CENTRAL) throw unreadable();
    const flags = bytes.readUInt16LE(at + 8);
    const method = bytes.readUInt16LE(at + 10);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    const end = at + 46 + nameLength + extraLength + commentLength;
    if (end > offset + size) throw unreadable();
    // encrypted parts, or compressions other than deflate: no spreadsheet tool writes them
    if (flags & 0x1 || (method !== STORED && method !== DEFLATED)) throw unreadable();
    const part: ZipPart = {
      name: bytes
        .toString('utf8', at + 46, at + 46 + nameLength)
        .replaceAll('\\', '/')
        .replace(/^\//, ''),
      method,
      crc: bytes.readUInt32LE(at + 16),
      compressedSize: bytes.readUInt32LE(at + 20),
      size: bytes.readUInt32LE(at + 24),
      localOffset: bytes.readUInt32LE(at + 42),
    };
    readZip64Extra(part, bytes.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength));
    if (part.localOffset + 30 + part.compressedSize > bytes.length) throw unreadable();
    parts.push(part);
    at = end;
  }
  return parts;
}

/** The zip64 extra field holds, in this order, those of the sizes and offset that are 0xFFFFFFFF. */
function readZip64Extra(part: ZipPart, extra: Buffer): void {
  const fields = (['size', 'compressedSize', 'localOffset'] as const).filter((key) => part[key] === 0xffffffff);
  if (fields.length === 0) return;
  for (let at = 0; at + 4 <= extra.length;) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === 0x0001) {
      if (length < fields.length * 8 || at + 4 + length > extra.length) throw unreadable();
      fields.forEach((key, i) => (part[key] = safeNumber(extra.readBigUInt64LE(at + 4 + i * 8))));
      return;
    }
    at += 4 + length;
  }
  throw unreadable();
}

function safeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw unreadable();
  return Number(value);
}

function u32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value);
  return bytes;
}
