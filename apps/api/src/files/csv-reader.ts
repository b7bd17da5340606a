import { parse, type Parser } from 'csv-parse';
import { AppException } from '../common/errors/app-exception';
import { FilesException } from './files.exception';
import { MAX_CELLS, MAX_COLUMNS, MAX_IMPORT_ROWS, MAX_SHEET_ROWS, type Slicer } from './import-limits';
import type { SheetCell, SheetData } from './sheet-reader';

/** Characters handed to the parser at a time; the event loop gets a turn between slices of them. */
const CHUNK = 64 * 1024;

/**
 * A CSV's text (already decoded, in parts: joined, 20 MB of text would hold the event loop for a
 * tenth of a second) as rows, parsed by csv-parse a chunk at a time, the event loop
 * getting a turn between chunks. A line of more than `MAX_COLUMNS` fields is refused after the
 * chunk that took it past (a line of a million commas is never a million-element array); rows
 * and cells with a value are counted as they come.
 */
export async function readCsv(parts: string[], slicer: Slicer): Promise<SheetData> {
  const rows: SheetCell[][] = [];
  let cells = 0;
  const parser = parse({
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
  });
  // a limit crossed by a record: kept here and thrown after the chunk (the parser's own callbacks cannot carry it)
  let refusal: unknown = null;
  parser.on('data', (record: string[]) => {
    if (refusal !== null) return;
    try {
      if (rows.length >= MAX_SHEET_ROWS) throw FilesException.tooManyRows(MAX_IMPORT_ROWS);
      if (record.length > MAX_COLUMNS) throw FilesException.tooManyColumns(MAX_COLUMNS);
      const cellsOfRow = record.map((cell) => (cell.trim() === '' ? null : cell));
      for (const cell of cellsOfRow)
        if (cell !== null && ++cells > MAX_CELLS) throw FilesException.tooManyCells(MAX_CELLS);
      rows.push(cellsOfRow);
    } catch (error) {
      refusal = error;
    }
  });
  // errors reach us through the write callback and ended(); the event would otherwise be unhandled
  parser.on('error', () => undefined);

  try {
    for (const chunk of chunksOf(parts)) {
      await written(parser, chunk);
      if (refusal !== null) throw refusal;
      // a line still open after this chunk: its fields so far (a line of a million commas is refused here,
      // a chunk's worth of fields at most, not built whole)
      if (fieldsOfOpenRecord(parser) > MAX_COLUMNS) throw FilesException.tooManyColumns(MAX_COLUMNS);
      await slicer.maybeYield();
    }
    await ended(parser);
    if (refusal !== null) throw refusal;
  } catch (error) {
    throw error instanceof AppException ? error : FilesException.wrongType();
  } finally {
    parser.destroy();
  }
  return { name: 'csv', rows, merges: [] };
}

/**
 * The fields of the record csv-parse is in the middle of. Its parser keeps its state on `state`
 * ("backward compatibility", untyped); sheet-reader.spec.ts checks that a line of a million
 * commas is refused, so a csv-parse without it fails a test rather than a server.
 */
function fieldsOfOpenRecord(parser: Parser): number {
  const state = (parser as Parser & { state?: { record?: unknown[] } }).state;
  return state?.record?.length ?? 0;
}

/**
 * The text in pieces of about `CHUNK` characters, never splitting a character written as two
 * UTF-16 units (csv-parse turns each piece into UTF-8 on its own); the decoder's parts end whole.
 */
function* chunksOf(parts: string[]): Generator<string> {
  for (const part of parts) {
    for (let at = 0; at < part.length;) {
      let end = Math.min(at + CHUNK, part.length);
      if (isHighSurrogate(part.charCodeAt(end - 1))) end++;
      yield part.slice(at, end);
      at = end;
    }
  }
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

function written(parser: Parser, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => parser.write(chunk, (error) => (error ? reject(error) : resolve())));
}

/** Every record delivered ('end' comes after the last 'data'). */
function ended(parser: Parser): Promise<void> {
  return new Promise((resolve, reject) => {
    parser.once('error', reject);
    parser.once('end', resolve);
    parser.end();
  });
}
