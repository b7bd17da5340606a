import { message } from '@taizhang/ledger-core';
import { FilesException } from './files.exception';
import {
  MAX_CELLS,
  MAX_COLUMNS,
  MAX_IMPORT_ROWS,
  MAX_MERGES,
  MAX_SHEET_ROWS,
  MAX_TEXT_CHARS,
  type Slicer,
} from './import-limits';
import type { SheetCell, SheetData } from './sheet-reader';
import { readXml } from './xml-events';
import { ZipParts } from './zip-parts';

/**
 * An xlsx read as a stream: the zip's parts are inflated and parsed a chunk at a time (saxes),
 * and only what an import uses is kept — the first visible sheet's cells with a value, its merged
 * ranges, the shared strings and which styles are dates. Rows, columns and cells with a value,
 * characters of text and bytes unpacked are counted as they come, and the first limit crossed
 * (import-limits.ts) ends the reading with its reason, before anything of that size is built.
 *
 * Values as exceljs read them before: numbers, booleans, text (rich text as its plain text),
 * dates from numbers in a date format (1900 or 1904 date system), a formula's cached result,
 * and an error value or a formula without a result as a problem of its cell.
 */

/** Excel's last row: a value further down is not from a spreadsheet tool. */
const MAX_EXCEL_ROWS = 1_048_576;

/**
 * Built-in number formats that are dates or times: 14–22 and 45–47 everywhere, 27–36 and 50–58
 * in Chinese (and other East Asian) Excel and WPS, e.g. 31 = yyyy"年"m"月"d"日".
 */
const DATE_FORMAT_IDS = new Set([...range(14, 22), ...range(27, 36), ...range(45, 47), ...range(50, 58)]);

/** Relationships, sheets, cell styles or number formats in one part: Excel allows 64,000 cell styles. */
const MAX_LIST = 100_000;

const RELATIONSHIPS = '/relationships/';
const NO_CELLS: SheetCell[] = Object.freeze([]) as unknown as SheetCell[];

interface Relationship {
  id: string;
  type: string;
  target: string;
}

interface WorkbookSheet {
  name: string;
  state: string;
  relationship: string;
}

class TextBudget {
  private left = MAX_TEXT_CHARS;

  take(chars: number): void {
    this.left -= chars;
    if (this.left < 0) throw FilesException.tooMuchText(MAX_TEXT_CHARS / 1024 / 1024);
  }
}

export async function readXlsx(bytes: Buffer, slicer: Slicer): Promise<SheetData> {
  const zip = new ZipParts(bytes);
  const text = new TextBudget();

  const workbookPath =
    (await relationshipsOf(zip, '', slicer)).find((r) => r.type.endsWith(`${RELATIONSHIPS}officeDocument`))?.target ??
    'xl/workbook.xml';
  if (!zip.has(workbookPath)) throw FilesException.unreadable();
  const workbook = await readWorkbook(zip, workbookPath, slicer);
  const related = await relationshipsOf(zip, workbookPath, slicer);
  const partOf = (type: string) =>
    related.find((r) => r.type.endsWith(`${RELATIONSHIPS}${type}`) && zip.has(r.target))?.target;

  const stylesPath = partOf('styles');
  const dateStyles = stylesPath ? await readDateStyles(zip, stylesPath, slicer) : [];
  const stringsPath = partOf('sharedStrings');
  const strings = stringsPath ? await readSharedStrings(zip, stringsPath, text, slicer) : [];

  if (workbook.sheets.length === 0) throw FilesException.empty();
  const visible = workbook.sheets.filter((s) => s.state !== 'hidden' && s.state !== 'veryHidden');
  for (const sheet of visible) {
    const target = related.find(
      (r) => r.id === sheet.relationship && r.type.endsWith(`${RELATIONSHIPS}worksheet`),
    )?.target;
    if (!target || !zip.has(target)) continue; // a chart sheet, or a sheet the file lost
    const read = await readWorksheet(zip, target, { strings, dateStyles, date1904: workbook.date1904, text }, slicer);
    if (read.rows.length > 0) return { name: sheet.name, ...read };
  }
  return { name: (visible[0] ?? workbook.sheets[0]).name, rows: [], merges: [] };
}

/** A part's relationships (`xl/_rels/workbook.xml.rels` for `xl/workbook.xml`), targets as paths in the zip. */
async function relationshipsOf(zip: ZipParts, part: string, slicer: Slicer): Promise<Relationship[]> {
  const folder = part.slice(0, part.lastIndexOf('/') + 1);
  const path = `${folder}_rels/${part.slice(folder.length)}.rels`;
  if (!zip.has(path)) return [];
  const found: Relationship[] = [];
  await readXml(
    zip,
    path,
    {
      open(name, a) {
        if (name === 'Relationship' && a.Id && a.Target && a.TargetMode !== 'External')
          atMost(MAX_LIST, found).push({ id: a.Id, type: a.Type ?? '', target: resolvePath(folder, a.Target) });
      },
      close() {},
    },
    slicer,
  );
  return found;
}

function resolvePath(folder: string, target: string): string {
  const segments = (target.startsWith('/') ? target.slice(1) : folder + target).split('/');
  const resolved: string[] = [];
  for (const segment of segments) {
    if (segment === '..') resolved.pop();
    else if (segment !== '.' && segment !== '') resolved.push(segment);
  }
  return resolved.join('/');
}

async function readWorkbook(zip: ZipParts, path: string, slicer: Slicer) {
  const sheets: WorkbookSheet[] = [];
  let date1904 = false;
  await readXml(
    zip,
    path,
    {
      open(name, a) {
        if (name === 'sheet') {
          // r:id, whatever the prefix of the relationships namespace is called
          const relationship = Object.entries(a).find(([key]) => key === 'id' || key.endsWith(':id'))?.[1] ?? '';
          atMost(MAX_LIST, sheets).push({ name: a.name ?? '', state: a.state ?? 'visible', relationship });
        } else if (name === 'workbookPr') date1904 = a.date1904 === '1' || a.date1904 === 'true';
      },
      close() {},
    },
    slicer,
  );
  return { sheets, date1904 };
}

/** For each cell style (`s` of a cell), whether its number format shows a date or a time. */
async function readDateStyles(zip: ZipParts, path: string, slicer: Slicer): Promise<boolean[]> {
  const formats = new Map<number, string>();
  const styleFormats: number[] = [];
  let inCellXfs = false;
  await readXml(
    zip,
    path,
    {
      open(name, a) {
        if (name === 'numFmt' && a.numFmtId !== undefined) {
          if (formats.size >= MAX_LIST) throw FilesException.unreadable();
          formats.set(Number(a.numFmtId), (a.formatCode ?? '').replace(/\\(.)/g, '$1'));
        } else if (name === 'cellXfs') inCellXfs = true;
        else if (name === 'xf' && inCellXfs) atMost(MAX_LIST, styleFormats).push(Number(a.numFmtId ?? 0));
      },
      close(name) {
        if (name === 'cellXfs') inCellXfs = false;
      },
    },
    slicer,
  );
  return styleFormats.map((id) => {
    const code = formats.get(id);
    return code === undefined ? DATE_FORMAT_IDS.has(id) : isDateFormat(code);
  });
}

/** exceljs's test: a y, m, d, h, s or b outside quoted text and [brackets]. */
function isDateFormat(code: string): boolean {
  return /[ymdhMsb]/.test(code.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

/** The shared strings, rich text as its plain text, phonetic guides (rPh) left out. */
async function readSharedStrings(zip: ZipParts, path: string, text: TextBudget, slicer: Slicer): Promise<string[]> {
  const strings: string[] = [];
  let current = '';
  let inText = false;
  let phonetic = 0;
  await readXml(
    zip,
    path,
    {
      open(name) {
        if (name === 'si') current = '';
        else if (name === 'rPh') phonetic++;
        else if (name === 't' && phonetic === 0) inText = true;
      },
      close(name) {
        if (name === 't') inText = false;
        else if (name === 'rPh') phonetic--;
        else if (name === 'si') {
          if (strings.length >= MAX_CELLS) throw FilesException.tooManyCells(MAX_CELLS);
          strings.push(unescapeExcel(current));
        }
      },
      text(chunk) {
        if (!inText) return;
        text.take(chunk.length);
        current += chunk;
      },
    },
    slicer,
  );
  return strings;
}

/** Excel writes characters XML cannot hold as _xHHHH_ (e.g. _x000D_ for a carriage return). */
function unescapeExcel(value: string): string {
  return value.includes('_x')
    ? value.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    : value;
}

interface WorksheetContext {
  strings: string[];
  dateStyles: boolean[];
  date1904: boolean;
  text: TextBudget;
}

/** A cell as its XML gave it. */
interface CellXml {
  row: number;
  column: number;
  type: string;
  style: number;
  formula: boolean;
  /** The <v> text; undefined without one. */
  value: string | undefined;
  /** The <is> text of an inline string; undefined without one. */
  inline: string | undefined;
}

async function readWorksheet(
  zip: ZipParts,
  path: string,
  context: WorksheetContext,
  slicer: Slicer,
): Promise<Omit<SheetData, 'name'>> {
  const rows: SheetCell[][] = [];
  const merges: string[] = [];
  let cells = 0;
  let rowsWithValues = 0;
  let row = 0;
  let column = 0;
  let cell: CellXml | null = null;
  let inValue = false;
  let inText = false;
  let phonetic = 0;

  const keep = (c: CellXml) => {
    const value = cellValue(c, context);
    if (value === null) return;
    if (c.column > MAX_COLUMNS) throw FilesException.tooManyColumns(MAX_COLUMNS);
    if (!(c.row >= 1 && c.row <= MAX_EXCEL_ROWS && Number.isInteger(c.row))) throw FilesException.unreadable();
    if (++cells > MAX_CELLS) throw FilesException.tooManyCells(MAX_CELLS);
    let cellsOfRow = rows[c.row - 1];
    if (!cellsOfRow) {
      if (++rowsWithValues > MAX_SHEET_ROWS) throw FilesException.tooManyRows(MAX_IMPORT_ROWS);
      cellsOfRow = rows[c.row - 1] = [];
    }
    cellsOfRow[c.column - 1] = value;
  };

  await readXml(
    zip,
    path,
    {
      open(name, a) {
        switch (name) {
          case 'row':
            row = a.r ? Number(a.r) : row + 1;
            column = 0;
            break;
          case 'c':
            column = (a.r && columnOf(a.r)) || column + 1;
            cell = {
              row,
              column,
              type: a.t ?? 'n',
              style: a.s ? Number(a.s) : 0,
              formula: false,
              value: undefined,
              inline: undefined,
            };
            break;
          case 'v':
            if (cell) {
              cell.value = '';
              inValue = true;
            }
            break;
          case 'f':
            if (cell) cell.formula = true;
            break;
          case 'is':
            if (cell) cell.inline = '';
            break;
          case 'rPh':
            phonetic++;
            break;
          case 't':
            inText = cell?.inline !== undefined && phonetic === 0;
            break;
          case 'mergeCell':
            if (a.ref) merges.push(a.ref);
            if (merges.length > MAX_MERGES) throw FilesException.mergedCells(merges.slice(0, 5));
            break;
        }
      },
      close(name) {
        switch (name) {
          case 'c':
            if (cell) keep(cell);
            cell = null;
            break;
          case 'v':
            inValue = false;
            break;
          case 't':
            inText = false;
            break;
          case 'rPh':
            phonetic--;
            break;
        }
      },
      text(chunk) {
        if (!cell) return;
        if (inValue) cell.value += chunk;
        else if (inText) {
          context.text.take(chunk.length);
          cell.inline += chunk;
        }
      },
    },
    slicer,
  );
  return { rows: Array.from(rows, (r) => (r ? Array.from(r, (c) => c ?? null) : NO_CELLS)), merges };
}

/** "AB12" → 28; 0 when the reference has no column letters. */
function columnOf(reference: string): number {
  let column = 0;
  for (let i = 0; i < reference.length; i++) {
    const code = reference.charCodeAt(i) & ~0x20; // upper case
    if (code < 65 || code > 90) break;
    column = column * 26 + (code - 64);
  }
  return column;
}

function columnName(column: number): string {
  let name = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

const addressOf = (c: CellXml) => `${columnName(c.column)}${c.row}`;

const textCell = (value: string): SheetCell => {
  const text = unescapeExcel(value);
  return text.trim() === '' ? null : text;
};

function noResult(c: CellXml): SheetCell {
  const address = addressOf(c);
  return {
    problem: message(
      `单元格 ${address} 是公式且没有计算结果：请在 Excel 中重新计算并保存，或复制后“粘贴为数值”`,
      `Cell ${address} is a formula without a computed value: recalculate and save in Excel, or paste it as values`,
    ),
  };
}

function errorValue(c: CellXml, error: string): SheetCell {
  const address = addressOf(c);
  return { problem: message(`单元格 ${address} 是错误值 ${error}`, `Cell ${address} holds the error ${error}`) };
}

/** A number, or a date when the cell's style is a date format (Excel's serial days since 1900, or 1904). */
function numberCell(value: string, c: CellXml, context: WorksheetContext): SheetCell {
  if (value.trim() === '') return null;
  const number = Number(value);
  if (Number.isNaN(number)) return textCell(value);
  if (!context.dateStyles[c.style]) return number;
  const days = number - 25569 + (context.date1904 ? 1462 : 0);
  return new Date(Math.round(days * 86_400_000));
}

function cellValue(c: CellXml, context: WorksheetContext): SheetCell {
  const { value } = c;
  if (c.formula) {
    // the result Excel saved with the formula; none (never calculated) or an error is the cell's problem
    if (value === undefined) return noResult(c);
    if (c.type === 'str') return textCell(value);
    if (c.type === 'b') return value.trim() !== '0';
    if (c.type === 'e' || value.trim() === '') return noResult(c);
    return numberCell(value, c, context);
  }
  switch (c.type) {
    case 's': {
      if (value === undefined || value.trim() === '') return null;
      const text = context.strings[Number(value)];
      if (text === undefined) throw FilesException.unreadable();
      return text.trim() === '' ? null : text;
    }
    case 'inlineStr':
      return textCell(c.inline ?? value ?? '');
    case 'str':
      return value === undefined ? null : textCell(value);
    case 'b':
      return value === undefined || value.trim() === '' ? null : value.trim() !== '0';
    case 'e':
      return value === undefined || value.trim() === '' ? null : errorValue(c, value.trim());
    case 'd': {
      if (value === undefined || value.trim() === '') return null;
      // ISO 8601; a date and time without a zone is, as Excel's serial dates are read, UTC
      const iso = value.trim();
      const date = new Date(/T[^Z+-]*$/i.test(iso) ? `${iso}Z` : iso);
      return Number.isNaN(date.getTime()) ? textCell(value) : date;
    }
    default:
      return value === undefined ? null : numberCell(value, c, context);
  }
}

/** The list, if it may grow by one more: a workbook's lists of parts and styles are short. */
function atMost<T>(max: number, list: T[]): T[] {
  if (list.length >= max) throw FilesException.unreadable();
  return list;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
