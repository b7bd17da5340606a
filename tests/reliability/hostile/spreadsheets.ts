import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';

/**
 * What a spreadsheet does with an exported file. A CSV cell starting with = + - @, a tab or a
 * carriage return is run as a formula by Excel and WPS (OWASP, "CSV injection"), unless it is a
 * plain number; the usual defence is a leading apostrophe, which makes it text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)%?$/;

export const wouldRunAsFormula = (cell: string) => FORMULA_START.test(cell) && !PLAIN_NUMBER.test(cell);

/** The cell a stored text must become in a CSV export. */
export const defusedCsvCell = (text: string) => (wouldRunAsFormula(text) ? `'${text}` : text);

/** A CSV export (UTF-8 with a BOM) as rows of cells, header first. */
export function csvRows(bytes: Buffer): string[][] {
  return parse(bytes, { bom: true, relax_column_count: true }) as string[][];
}

export interface XlsxCell {
  row: number;
  column: number;
  /** What Excel would calculate on opening: a formula cell. */
  isFormula: boolean;
  value: unknown;
}

/** Every cell of an xlsx export's first sheet, with its type as Excel will read it. */
export async function xlsxCells(bytes: Buffer): Promise<XlsxCell[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const cells: XlsxCell[] = [];
  workbook.worksheets[0].eachRow((row, rowNumber) => {
    row.eachCell((cell, column) => {
      const isFormula = cell.type === ExcelJS.ValueType.Formula || Boolean(cell.formula);
      cells.push({ row: rowNumber, column, isFormula, value: cell.value });
    });
  });
  return cells;
}
