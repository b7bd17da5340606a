import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * How much of an uploaded file an import reads before it gives up (docs/operations.md, "Import
 * limits"). A file's size says little about its cells: 13 MB of xlsx can hold 130 MB of XML and
 * five million cells. So each limit is counted while the file is read, and reading stops at the
 * first one crossed, before anything of that size has been built.
 */

/** The upload itself (multer's limit). */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
/** Rows holding a value: the import's 20,000 rows, plus room for title and header rows. */
export const MAX_SHEET_ROWS = 20_100;
/** The rows an import takes (the writer's batch limit), as the refusal names it. */
export const MAX_IMPORT_ROWS = 20_000;
/** Columns holding a value (a ledger has a few dozen fields at most). */
export const MAX_COLUMNS = 200;
/** Cells holding a value, all rows together: 20,000 rows of 100 columns. */
export const MAX_CELLS = 2_000_000;
/** Characters of text in the workbook's shared and inline strings (a string table can be the bomb). */
export const MAX_TEXT_CHARS = 32 * 1024 * 1024;
/** Bytes of XML unpacked from an xlsx, every part read together (a zip bomb stops here). */
export const MAX_UNPACKED_BYTES = 128 * 1024 * 1024;
/** Characters between two XML tags: a cell holds at most 32,767, so more is not a spreadsheet. */
export const MAX_XML_TOKEN_CHARS = 1024 * 1024;
/** Merged ranges in a sheet. */
export const MAX_MERGES = 10_000;

/** Imports read at once by one user, and by the whole server process; more are refused (RATE_LIMITED). */
export const IMPORTS_PER_USER = 1;
export const IMPORTS_PER_SERVER = 2;

/** Work done synchronously before the event loop gets a turn: other requests wait at most about this. */
const SLICE_MS = 10;

/**
 * Lets the event loop run between slices of a long parse: call `maybeYield()` after each chunk;
 * it awaits a turn of the loop (setImmediate) once `SLICE_MS` have passed since the last one.
 */
export class Slicer {
  private since = performance.now();

  async maybeYield(): Promise<void> {
    if (performance.now() - this.since < SLICE_MS) return;
    await nextTurn();
    this.since = performance.now();
  }
}
