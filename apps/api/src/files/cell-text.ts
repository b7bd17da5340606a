import type { FieldDefinition } from '@taizhang/ledger-core';
import type { SheetCell } from './sheet-reader';

const pad = (n: number) => String(n).padStart(2, '0');

/** The apostrophe our CSV export (sheet-writers.ts csvSafe) and spreadsheet users put before a formula-like text. */
const QUOTED_FORMULA = /^'[=+\-@\t\r]/;

/**
 * A cell as the text its field type's lenient parse reads: numbers without Excel's float noise,
 * date cells (Excel keeps wall time, read here as UTC) as "YYYY-MM-DD" or "YYYY-MM-DD HH:mm:ss"
 * (Shanghai time), booleans as true/false, text as it is but for the apostrophe that kept a
 * formula-like text from running in a spreadsheet ("'=1+1" is the text "=1+1").
 */
export function cellText(cell: Exclude<SheetCell, { problem: unknown }>, field: FieldDefinition): string {
  if (cell === null) return '';
  if (cell instanceof Date) {
    const date = cell.toISOString().slice(0, 10);
    if (field.type !== 'datetime' && field.type !== 'time') return date;
    const time = `${pad(cell.getUTCHours())}:${pad(cell.getUTCMinutes())}:${pad(cell.getUTCSeconds())}`;
    return field.type === 'time' ? time.slice(0, 5) : `${date} ${time}`;
  }
  if (typeof cell === 'number') {
    // a date typed as a number of days (a date column without a date format): Excel's serial
    if (field.type === 'date' && cell > 20_000 && cell < 80_000 && Number.isInteger(cell))
      return new Date(Date.UTC(1899, 11, 30) + cell * 86_400_000).toISOString().slice(0, 10);
    return String(Number(cell.toPrecision(15)));
  }
  const text = String(cell);
  return QUOTED_FORMULA.test(text) ? text.slice(1) : text;
}
