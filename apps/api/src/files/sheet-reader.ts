import { TextDecoder } from 'node:util';
import type { Message } from '@taizhang/ledger-core';
import { readCsv } from './csv-reader';
import { FilesException } from './files.exception';
import { MAX_FILE_BYTES, Slicer } from './import-limits';
import { readXlsx } from './xlsx-reader';

export { MAX_FILE_BYTES };

/** A cell as read: its value, or why it cannot be used (a formula without a result, #N/A). */
export type SheetCell = string | number | boolean | Date | null | { problem: Message };

/** The first sheet of a file: `rows[i]` is the sheet's row i + 1, `rows[i][j]` its column j + 1. */
export interface SheetData {
  name: string;
  rows: SheetCell[][];
  /** Merged ranges, e.g. "A1:F1". */
  merges: string[];
}

/** What the bytes are, whatever the file's name says: a zip is an xlsx, text is a CSV. */
export async function fileKindOf(bytes: Buffer): Promise<'xlsx' | 'csv'> {
  return (await sniff(bytes, new Slicer())).kind;
}

/**
 * The first visible sheet of an xlsx (xlsx-reader.ts) or a CSV's rows (csv-reader.ts), each read
 * as a stream within import-limits.ts: a file past a limit is refused with its reason while it is
 * read, and the event loop gets a turn every few milliseconds of work.
 */
export async function readSheet(bytes: Buffer): Promise<SheetData> {
  const slicer = new Slicer();
  const file = await sniff(bytes, slicer);
  return file.kind === 'xlsx' ? readXlsx(bytes, slicer) : readCsv(file.text, slicer);
}

type Sniffed = { kind: 'xlsx' } | { kind: 'csv'; text: string[] };

async function sniff(bytes: Buffer, slicer: Slicer): Promise<Sniffed> {
  if (bytes.length === 0) throw FilesException.empty();
  if (bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return { kind: 'xlsx' };
  if (bytes.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) {
    // an OLE compound file: an encrypted OOXML package keeps an "EncryptionInfo" stream in it
    if (bytes.includes(Buffer.from('EncryptionInfo', 'utf16le'))) throw FilesException.encrypted();
    throw FilesException.legacyXls();
  }
  const text = await decodeText(bytes, slicer);
  if (text === null) throw FilesException.wrongType();
  return { kind: 'csv', text };
}

/** Bytes decoded at a time (20 MB at once would hold the event loop for a tenth of a second). */
const DECODE_SLICE = 256 * 1024;

/**
 * UTF-8 (with or without a BOM), else GB18030 as WPS and older Excel save CSV, as the text of
 * each slice (not joined: that alone would take a tenth of a second for 20 MB); null for binary.
 */
async function decodeText(bytes: Buffer, slicer: Slicer): Promise<string[] | null> {
  if (bytes.includes(0)) return null;
  next: for (const encoding of ['utf-8', 'gb18030']) {
    const decoder = new TextDecoder(encoding, { fatal: true });
    const parts: string[] = [];
    for (let at = 0; at < bytes.length; at += DECODE_SLICE) {
      let part: string;
      try {
        part = decoder.decode(bytes.subarray(at, at + DECODE_SLICE), { stream: true });
      } catch {
        continue next;
      }
      if (CONTROL_CHARACTERS.test(part)) return null;
      parts.push(part);
      await slicer.maybeYield();
    }
    try {
      parts.push(decoder.decode());
    } catch {
      continue;
    }
    return parts;
  }
  return null;
}

/** Control characters other than tab and line ends: this is not text. */
// eslint-disable-next-line no-control-regex -- the control characters are what it looks for
const CONTROL_CHARACTERS = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;
