import { inflateRawSync } from 'node:zlib';
import type { AttachmentKind } from '@taizhang/ledger-core';

/** What the first bytes (and, for Office files, their parts) say a file is. */
export type Sniffed =
  { ok: true; kind: AttachmentKind; mime: string; format: string } | { ok: false; found: { zh: string; en: string } };

/** How many bytes the sniffing needs from the start of a file. */
export const SNIFF_BYTES = 4096;

const starts = (head: Buffer, bytes: number[], at = 0) => bytes.every((b, i) => head[at + i] === b);
const ascii = (head: Buffer, from: number, to: number) => head.subarray(from, to).toString('latin1');

const found = (zh: string, en: string): Sniffed => ({ ok: false, found: { zh, en } });
const is = (kind: AttachmentKind, mime: string, format: string): Sniffed => ({ ok: true, kind, mime, format });

/** The brands of an ISO media file that are HEIC/HEIF still images. */
const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'mif1', 'msf1', 'hevc', 'hevx']);

/**
 * The kind of a file from its content (docs/attachments.md, "Upload" step 3), never from its name
 * or declared type. `head`: its first SNIFF_BYTES bytes; `office`: what its Office parts say, asked
 * given for a compound file (D0 CF 11 E0) or a zip (PK 03 04).
 */
export function sniffKind(
  head: Buffer,
  office: { compoundStreams?: string[]; zipContentTypes?: string | null } = {},
): Sniffed {
  if (starts(head, [0xff, 0xd8, 0xff])) return is('image', 'image/jpeg', 'jpeg');
  if (starts(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return is('image', 'image/png', 'png');
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return is('image', 'image/webp', 'webp');
  if (ascii(head, 4, 8) === 'ftyp' && HEIC_BRANDS.has(ascii(head, 8, 12))) return is('image', 'image/heic', 'heic');
  if (ascii(head, 0, 5) === '%PDF-') return is('pdf', 'application/pdf', 'pdf');
  if (starts(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    const streams = office.compoundStreams ?? [];
    if (streams.includes('WordDocument')) return is('word', 'application/msword', 'doc');
    if (streams.includes('Workbook') || streams.includes('Book')) return is('excel', 'application/vnd.ms-excel', 'xls');
    return found('其他 Office 复合文档（不是 Word 或 Excel）', 'another Office compound file (not Word or Excel)');
  }
  if (starts(head, [0x50, 0x4b, 0x03, 0x04])) {
    const types = office.zipContentTypes ?? null;
    if (types !== null) {
      if (types.includes('wordprocessingml.document.main+xml'))
        return is('word', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'docx');
      if (types.includes('spreadsheetml.sheet.main+xml'))
        return is('excel', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'xlsx');
    }
    return is('archive', 'application/zip', 'zip');
  }
  if (starts(head, [0x4d, 0x5a])) return found('Windows 可执行程序（MZ）', 'a Windows executable (MZ)');
  if (starts(head, [0x7f, 0x45, 0x4c, 0x46])) return found('可执行程序（ELF）', 'an executable (ELF)');
  if (starts(head, [0xcf, 0xfa, 0xed, 0xfe]) || starts(head, [0xca, 0xfe, 0xba, 0xbe]))
    return found('可执行程序（Mach-O）', 'an executable (Mach-O)');
  if (ascii(head, 0, 2) === '#!') return found('脚本', 'a script');
  const text = head
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart()
    .slice(0, 1024)
    .toLowerCase();
  if (/<svg[\s>]/.test(text) || (text.startsWith('<?xml') && text.includes('<svg')))
    return found('SVG 图像（可含脚本，不予接收）', 'an SVG image (it can hold scripts; not accepted)');
  if (/^<(!doctype html|html|head|body|script|iframe)[\s>]/.test(text) || text.includes('<script'))
    return found('HTML 网页', 'an HTML page');
  if (text.startsWith('<?xml') || text.startsWith('<')) return found('XML 或标记文本', 'XML or markup text');
  return found('未知类型的文件', 'a file of an unknown kind');
}

/** The names in a compound file's directory (UTF-16LE names of 64 bytes each, wherever they sit). */
export function compoundStreamNames(bytes: Buffer): string[] {
  const names: string[] = [];
  for (const name of ['WordDocument', 'Workbook', 'Book']) {
    const needle = Buffer.from(`${name}\u0000`, 'utf16le');
    if (bytes.includes(needle)) names.push(name);
  }
  return names;
}

/**
 * `[Content_Types].xml` of a zip read from its central directory, or null when the zip has none
 * (or it cannot be read): the entry is small, so it is inflated whole.
 */
export async function zipContentTypes(
  read: (offset: number, length: number) => Promise<Buffer>,
  size: number,
): Promise<string | null> {
  const tailLength = Math.min(size, 65_557);
  const tail = await read(size - tailLength, tailLength);
  const end = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0 || end + 22 > tail.length) return null;
  const entries = tail.readUInt16LE(end + 10);
  const directorySize = tail.readUInt32LE(end + 12);
  const directoryOffset = tail.readUInt32LE(end + 16);
  if (directoryOffset + directorySize > size || directorySize > 16 * 1024 * 1024) return null;
  const directory = await read(directoryOffset, directorySize);
  let at = 0;
  for (let i = 0; i < entries && at + 46 <= directory.length; i += 1) {
    if (directory.readUInt32LE(at) !== 0x02014b50) return null;
    const method = directory.readUInt16LE(at + 10);
    const compressed = directory.readUInt32LE(at + 20);
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    const local = directory.readUInt32LE(at + 42);
    const name = directory.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    at += 46 + nameLength + extraLength + commentLength;
    if (name !== '[Content_Types].xml') continue;
    if (compressed > 1024 * 1024 || local + 30 > size) return null;
    const header = await read(local, 30);
    if (header.readUInt32LE(0) !== 0x04034b50) return null;
    const dataAt = local + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    const data = await read(dataAt, compressed);
    try {
      if (method === 0) return data.toString('utf8');
      if (method === 8) return inflateRawSync(data, { maxOutputLength: 4 * 1024 * 1024 }).toString('utf8');
    } catch {
      return null;
    }
    return null;
  }
  return null;
}
