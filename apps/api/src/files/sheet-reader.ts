import { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { message, type Message } from '@taizhang/ledger-core';
import { FilesException } from './files.exception';

/** A cell as read: its value, or why it cannot be used (a formula without a result, #N/A). */
export type SheetCell = string | number | boolean | Date | null | { problem: Message };

/** The first sheet of a file: `rows[i]` is the sheet's row i + 1, `rows[i][j]` its column j + 1. */
export interface SheetData {
  name: string;
  rows: SheetCell[][];
  /** Merged ranges, e.g. "A1:F1". */
  merges: string[];
}

export const MAX_FILE_BYTES = 20 * 1024 * 1024;
/** Rows read before giving up on a file (the header and title rows on top of the import limit). */
const MAX_SHEET_ROWS = 20_100;
const MAX_COLUMNS = 200;

/** What the bytes are, whatever the file's name says. */
export function fileKindOf(bytes: Buffer): 'xlsx' | 'csv' {
  if (bytes.length === 0) throw FilesException.empty();
  if (bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return 'xlsx';
  if (bytes.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) {
    // an OLE compound file: an encrypted OOXML package keeps an "EncryptionInfo" stream in it
    if (bytes.includes(Buffer.from('EncryptionInfo', 'utf16le'))) throw FilesException.encrypted();
    throw FilesException.legacyXls();
  }
  if (decodeText(bytes) === null) throw FilesException.wrongType();
  return 'csv';
}

export async function readSheet(bytes: Buffer): Promise<SheetData> {
  return fileKindOf(bytes) === 'xlsx' ? readXlsx(bytes) : readCsv(bytes);
}

/** UTF-8 (with or without a BOM), else GB18030 as WPS and older Excel save CSV; null for binary. */
function decodeText(bytes: Buffer): string | null {
  if (bytes.includes(0)) return null;
  for (const encoding of ['utf-8', 'gb18030']) {
    try {
      const text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
      return hasControlCharacters(text) ? null : text;
    } catch {
      continue;
    }
  }
  return null;
}

/** Control characters other than tab and line ends: this is not text. */
function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) return true;
  }
  return false;
}

function readCsv(bytes: Buffer): SheetData {
  let rows: string[][];
  try {
    rows = parseCsv(decodeText(bytes) ?? '', {
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      to_line: MAX_SHEET_ROWS + 1,
    }) as string[][];
  } catch {
    throw FilesException.wrongType();
  }
  if (rows.length > MAX_SHEET_ROWS) throw FilesException.tooManyRows(MAX_SHEET_ROWS - 100);
  if (rows.some((row) => row.length > MAX_COLUMNS)) throw FilesException.wrongType();
  return { name: 'csv', rows: rows.map((row) => row.map((cell) => (cell.trim() === '' ? null : cell))), merges: [] };
}

/**
 * xlsx by exceljs. A streaming pass first counts the rows and stops early, so that a huge or
 * zip-bomb sheet is refused before the whole workbook is built; then the workbook is loaded for
 * its cells, formulas' cached results and merged ranges.
 */
async function readXlsx(bytes: Buffer): Promise<SheetData> {
  await assertSheetSize(bytes);
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw FilesException.unreadable();
  }
  const sheet = workbook.worksheets.find((ws) => ws.state !== 'hidden' && ws.rowCount > 0) ?? workbook.worksheets[0];
  if (!sheet) throw FilesException.empty();
  const rows: SheetCell[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: SheetCell[] = [];
    row.eachCell({ includeEmpty: false }, (cell, column) => {
      if (column <= MAX_COLUMNS) cells[column - 1] = cellValue(cell.value, cell.address);
    });
    rows[rowNumber - 1] = Array.from(cells, (c) => c ?? null);
  });
  const merges = (sheet.model as { merges?: string[] }).merges ?? [];
  return { name: sheet.name, rows: Array.from(rows, (r) => r ?? []), merges };
}

async function assertSheetSize(bytes: Buffer): Promise<void> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([bytes]), {
    worksheets: 'emit',
    sharedStrings: 'ignore',
    styles: 'ignore',
    hyperlinks: 'ignore',
  });
  let tooMany = false;
  try {
    for await (const worksheet of reader) {
      let count = 0;
      for await (const _row of worksheet as AsyncIterable<unknown>) {
        if (++count > MAX_SHEET_ROWS) {
          tooMany = true;
          break;
        }
      }
      break; // the first sheet is the one imported
    }
  } catch {
    throw FilesException.unreadable();
  }
  if (tooMany) throw FilesException.tooManyRows(MAX_SHEET_ROWS - 100);
}

function cellValue(value: ExcelJS.CellValue, address: string): SheetCell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.trim() === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('error' in value)
    return {
      problem: message(`单元格 ${address} 是错误值 ${value.error}`, `Cell ${address} holds the error ${value.error}`),
    };
  if ('formula' in value || 'sharedFormula' in value) {
    const result = (value as { result?: unknown }).result;
    if (result === undefined || result === null || (typeof result === 'object' && !(result instanceof Date)))
      return {
        problem: message(
          `单元格 ${address} 是公式且没有计算结果：请在 Excel 中重新计算并保存，或复制后“粘贴为数值”`,
          `Cell ${address} is a formula without a computed value: recalculate and save in Excel, or paste it as values`,
        ),
      };
    return cellValue(result as ExcelJS.CellValue, address);
  }
  if ('text' in value) return String(value.text);
  return null;
}
