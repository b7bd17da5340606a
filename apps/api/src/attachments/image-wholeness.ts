/**
 * Whether an uploaded image is whole: its format's own structure is walked to its end marker
 * (docs/attachments.md, "Upload" step 3), without decoding a pixel. A file cut off on the way (a
 * dropped connection, a half-copied photo) never reaches that end and is refused at once; the
 * decoding itself (the thumbnail) happens after the answer. What follows the end (a phone's
 * motion-photo video after a JPEG, a trailer) is allowed, as decoders allow it.
 *
 * - JPEG: SOI, then segments by their lengths; after each SOS the entropy-coded data up to the next
 *   marker (0xFF not followed by 0x00, a restart marker or fill); whole at EOI.
 * - PNG: the signature, then chunks by their lengths; whole once IEND and its CRC are there.
 * - WebP: the RIFF header's size fits in the file.
 * - HEIC (ISO media boxes): the top-level boxes' sizes end exactly at the end of the file.
 *
 * The walk is fed the file chunk by chunk (a stream of it): memory stays one chunk.
 */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'heic';

interface Walker {
  /** Takes the next bytes; answers how many it used (the rest comes again with the next chunk). */
  feed(bytes: Buffer, skip: { n: number }): number;
  /** At the end of the file. */
  whole(): boolean;
}

const isRestartOrStuffing = (code: number) => code === 0x00 || (code >= 0xd0 && code <= 0xd7);

function jpegWalker(): Walker {
  let started = false;
  let inScan = false;
  let ended = false;
  let broken = false;
  return {
    feed(buf, skip) {
      let pos = 0;
      while (pos < buf.length && !ended && !broken) {
        if (!started) {
          if (buf.length - pos < 2) break;
          if (buf[pos] !== 0xff || buf[pos + 1] !== 0xd8) {
            broken = true;
            break;
          }
          started = true;
          pos += 2;
          continue;
        }
        if (inScan) {
          const ff = buf.indexOf(0xff, pos);
          if (ff < 0) {
            pos = buf.length;
            break;
          }
          if (ff + 1 >= buf.length) {
            pos = ff; // the 0xFF comes again with the next chunk
            break;
          }
          const code = buf[ff + 1];
          if (code === 0xff) pos = ff + 1;
          else if (isRestartOrStuffing(code)) pos = ff + 2;
          else {
            inScan = false;
            pos = ff;
          }
          continue;
        }
        if (buf.length - pos < 2) break;
        if (buf[pos] !== 0xff) {
          broken = true;
          break;
        }
        const code = buf[pos + 1];
        if (code === 0xff) {
          pos += 1; // fill before a marker
          continue;
        }
        if (code === 0xd9) {
          ended = true;
          break;
        }
        if (code === 0x01 || (code >= 0xd0 && code <= 0xd7)) {
          pos += 2;
          continue;
        }
        if (buf.length - pos < 4) break;
        const length = buf.readUInt16BE(pos + 2);
        if (length < 2) {
          broken = true;
          break;
        }
        if (code === 0xda) inScan = true;
        pos += 2 + length;
        if (pos > buf.length) {
          skip.n = pos - buf.length;
          pos = buf.length;
        }
      }
      return ended || broken ? buf.length : pos;
    },
    whole: () => ended && !broken,
  };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngWalker(): Walker {
  let started = false;
  let broken = false;
  let done = false;
  return {
    feed(buf, skip) {
      let pos = 0;
      while (pos < buf.length && !broken && !done) {
        if (!started) {
          if (buf.length - pos < 8) break;
          if (!buf.subarray(pos, pos + 8).equals(PNG_SIGNATURE)) {
            broken = true;
            break;
          }
          started = true;
          pos += 8;
          continue;
        }
        if (buf.length - pos < 8) break;
        const length = buf.readUInt32BE(pos);
        const type = buf.toString('latin1', pos + 4, pos + 8);
        pos += 8 + length + 4;
        // IEND read: whole once its CRC is also there (a skip left at the end is bytes that never came)
        if (type === 'IEND') done = true;
        if (pos > buf.length) {
          skip.n = pos - buf.length;
          pos = buf.length;
        }
      }
      return done || broken ? buf.length : pos;
    },
    whole: () => done && !broken,
  };
}

function heicWalker(): Walker {
  let boxes = 0;
  let toEnd = false;
  let broken = false;
  return {
    feed(buf, skip) {
      let pos = 0;
      while (pos < buf.length && !broken && !toEnd) {
        if (buf.length - pos < 8) break;
        let size = buf.readUInt32BE(pos);
        let header = 8;
        if (size === 1) {
          if (buf.length - pos < 16) break;
          size = Number(buf.readBigUInt64BE(pos + 8));
          header = 16;
        } else if (size === 0) {
          toEnd = true; // the last box runs to the end of the file
          break;
        }
        if (size < header) {
          broken = true;
          break;
        }
        boxes += 1;
        pos += size;
        if (pos > buf.length) {
          skip.n = pos - buf.length;
          pos = buf.length;
        }
      }
      return toEnd || broken ? buf.length : pos;
    },
    whole: () => !broken && boxes > 0,
  };
}

/**
 * Walks `chunks` (the file from its first byte) as `format`; true when the image is whole. WebP
 * needs only its header and the size: `imageIsWhole` answers it from `size`.
 */
export async function imageIsWhole(
  format: ImageFormat,
  chunks: AsyncIterable<Buffer>,
  size: number,
  head: Buffer,
): Promise<boolean> {
  if (format === 'webp') return head.length >= 12 && head.readUInt32LE(4) + 8 <= size;
  const walker = format === 'jpeg' ? jpegWalker() : format === 'png' ? pngWalker() : heicWalker();
  const skip = { n: 0 };
  let carry: Buffer | null = null;
  for await (const chunk of chunks) {
    let bytes: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    carry = null;
    if (skip.n > 0) {
      const skipped = Math.min(skip.n, bytes.length);
      skip.n -= skipped;
      bytes = bytes.subarray(skipped);
    }
    if (bytes.length === 0) continue;
    const used = walker.feed(bytes, skip);
    if (used < bytes.length) carry = Buffer.from(bytes.subarray(used));
  }
  // bytes a segment or a box said it holds that never came, or half a header: cut off (after a
  // JPEG's EOI or a PNG's IEND nothing is carried: what follows them is not read)
  if (skip.n > 0 || carry !== null) return false;
  return walker.whole();
}
