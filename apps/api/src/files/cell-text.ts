import { specOf, type FieldDefinition } from '@taizhang/ledger-core';
import type { SheetCell } from './sheet-reader';

/**
 * A cell of an uploaded sheet as the text its field type's lenient parse reads: the field type
 * says how a cell of any tool's making reads (a date cell for a date, a number without Excel's
 * float noise, …; `cellText` of its spec).
 */
export function cellText(cell: Exclude<SheetCell, { problem: unknown }>, field: FieldDefinition): string {
  return cell === null ? '' : specOf(field).cellText(cell);
}
