import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import type { Locale } from '@taizhang/ledger-core';
import { csvText, excelCell, type ExportColumn } from './export-layout';
import type { RowRecord } from '../rows/row-sql';

/** A sheet written to a stream as rows come: nothing but the current batch is held. */
export interface SheetWriter {
  add(row: RowRecord, unitName: string): void;
  /** Resolves when the output has room again (back-pressure from the client). */
  drained(): Promise<void>;
  end(): Promise<void>;
}

export interface SheetLayout {
  title: string;
  sheetName: string;
  columns: ExportColumn[];
  locale: Locale;
}

const waitForRoom = async (out: Writable) => {
  if (out.writableNeedDrain) await once(out, 'drain');
};

/** xlsx by exceljs's streaming writer: title row merged across, header row frozen, typed cells. */
export function xlsxWriter(out: Writable, layout: SheetLayout): SheetWriter {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(layout.sheetName.slice(0, 31), {
    views: [{ state: 'frozen', ySplit: 2 }],
    pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  const { columns } = layout;
  sheet.columns = columns.map((c) => ({ width: c.width, style: c.numFmt ? { numFmt: c.numFmt } : {} }));
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
    add(row, unitName) {
      sheet
        .addRow(
          columns.map((c) =>
            c.field ? excelCell(c.field, row.values[c.field.key] as never, layout.locale) : unitName,
          ),
        )
        .commit();
    },
    drained: () => waitForRoom(out),
    async end() {
      sheet.commit();
      await workbook.commit();
    },
  };
}

/**
 * CSV: UTF-8 with a BOM (Excel reads Chinese only with it), the header row first (no title row:
 * CSV is read by other programs too), values as the field types display them.
 */
export function csvWriter(out: Writable, layout: SheetLayout): SheetWriter {
  const csv = stringify({ bom: true, record_delimiter: 'windows' });
  csv.pipe(out);
  const { columns } = layout;
  csv.write(columns.map((c) => c.title));
  return {
    add(row, unitName) {
      csv.write(
        columns.map((c) => (c.field ? csvText(c.field, row.values[c.field.key] as never, layout.locale) : unitName)),
      );
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
