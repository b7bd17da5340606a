import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Response } from 'express';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { isLinkCell, type SheetColumn } from './export-layout';

/** A sheet written to a stream as rows come: nothing but the current batch is held. */
export interface SheetWriter<T> {
  add(row: T): void;
  /** Resolves when the output has room again (back-pressure from the client). */
  drained(): Promise<void>;
  end(): Promise<void>;
}

export interface SheetLayout<T> {
  title: string;
  sheetName: string;
  columns: SheetColumn<T>[];
}

const waitForRoom = async (out: Writable) => {
  if (out.writableNeedDrain) await once(out, 'drain');
};

/** The xlsx line of the first row (after the title and the header). */
export const FIRST_DATA_ROW = 3;

/** xlsx by exceljs's streaming writer: title row merged across, header row frozen, typed cells. */
export function xlsxWriter<T>(out: Writable, layout: SheetLayout<T>): SheetWriter<T> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(layout.sheetName.slice(0, 31), {
    views: [{ state: 'frozen', ySplit: 2 }],
    pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  const { columns } = layout;
  sheet.columns = columns.map((c) => ({
    width: c.width,
    hidden: c.hidden ?? false,
    style: c.numFmt ? { numFmt: c.numFmt } : {},
  }));
  sheet.mergeCells(1, 1, 1, Math.max(columns.length, 1));
  const title = sheet.getRow(1);
  title.getCell(1).value = layout.title;
  title.height = 28;
  title.getCell(1).style = { font: { bold: true, size: 14 }, alignment: { horizontal: 'center', vertical: 'middle' } };
  title.commit();
  const header = sheet.addRow(columns.map((c) => c.title));
  header.eachCell((cell) => {
    cell.style = {
      font: { bold: true },
      alignment: { horizontal: 'center', vertical: 'middle', wrapText: true },
      fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEFEFEF' } },
      border: { bottom: { style: 'thin' } },
    };
  });
  header.commit();
  return {
    add(row) {
      const cells = columns.map((c) => c.excel(row));
      const added = sheet.addRow(
        cells.map((cell) => (isLinkCell(cell) ? { text: cell.text, hyperlink: cell.hyperlink } : cell)),
      );
      cells.forEach((cell, index) => {
        if (!isLinkCell(cell)) return;
        const target = added.getCell(index + 1);
        target.font = { color: { argb: 'FF0563C1' }, underline: true };
        target.alignment = { wrapText: true, vertical: 'top' };
        if (cell.note) target.note = cell.note;
      });
      added.commit();
    },
    drained: () => waitForRoom(out),
    async end() {
      sheet.commit();
      await workbook.commit();
    },
  };
}

/** What a spreadsheet reads as the start of a formula (OWASP's list: = + - @, tab, carriage return). */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)%?$/;

/**
 * A CSV cell that Excel or WPS would run as a formula (`=HYPERLINK(…)`, `@SUM(…)`, `-2+3`), made
 * text by a leading apostrophe, as a spreadsheet user would type it; numbers such as -5 stay
 * numbers. The xlsx export needs nothing: its text cells are never formulas. Import drops the
 * apostrophe again (cell-text.ts), so an exported file comes back unchanged.
 */
export function csvSafe(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/**
 * CSV: UTF-8 with a BOM (Excel reads Chinese only with it), the header row first (no title row:
 * CSV is read by other programs too), values as the field types display them, formulas defused.
 */
export function csvWriter<T>(out: Writable, layout: SheetLayout<T>): SheetWriter<T> {
  const csv = stringify({ bom: true, record_delimiter: 'windows' });
  csv.pipe(out);
  const { columns } = layout;
  csv.write(columns.map((c) => csvSafe(c.title)));
  return {
    add(row) {
      csv.write(columns.map((c) => csvSafe(c.text(row))));
    },
    drained: async () => {
      if (csv.writableNeedDrain) await once(csv, 'drain');
      await waitForRoom(out);
    },
    async end() {
      const finished = once(out, 'finish');
      csv.end();
      await finished;
    },
  };
}

/** The export formats: their media type and their writer. */
export const SHEET_FORMATS = {
  xlsx: { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', writer: xlsxWriter },
  csv: { contentType: 'text/csv; charset=utf-8', writer: csvWriter },
} as const;
export type SheetFormat = keyof typeof SHEET_FORMATS;

/**
 * Starts a file download on the response: status, headers (an ASCII name and the real one in
 * UTF-8), and the writer. Called only once the request is known to be good, so that a refusal
 * before it is still an ordinary JSON error.
 */
export function startDownload<T>(
  res: Response,
  format: SheetFormat,
  names: { ascii: string; full: string },
  layout: SheetLayout<T>,
): SheetWriter<T> {
  const { contentType, writer } = SHEET_FORMATS[format];
  res.status(200);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Type', contentType);
  res.setHeader(
    'Content-Disposition',
    `attachment; filename="${names.ascii}.${format}"; filename*=UTF-8''${encodeURIComponent(`${names.full}.${format}`)}`,
  );
  return writer(res, layout);
}

/** A small table (statistics, a submission board) written whole: its rows are already in memory. */
export async function sendTable<T>(
  res: Response,
  format: SheetFormat,
  names: { ascii: string; full: string },
  layout: SheetLayout<T>,
  rows: T[],
): Promise<void> {
  const writer = startDownload(res, format, names, layout);
  for (const row of rows) writer.add(row);
  await writer.end();
}
