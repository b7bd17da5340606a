/**
 * The window of a huge ledger the grid holds: a run of rows of the server's order (sort and filter)
 * starting at a position (`base`, 0 = the first row), read page by page around where the clerk is
 * and dropped again far from it, so a ledger of a million rows opens, jumps and scrolls with a
 * few hundred rows in the browser. Pure arithmetic, without Handsontable (grid-window.spec.ts).
 */

/** Rows per read. */
export const WINDOW_PAGE = 200;
/** At most this many rows of the server's are held; beyond, the far end is dropped. */
export const MAX_WINDOW_ROWS = 1_000;
/** A jump shows a few rows above the one asked for, as Excel's Go To does not but a list should. */
export const JUMP_CONTEXT = 5;
/** Within this many rows of either end of the window the next (or previous) page is read. */
export const WINDOW_MARGIN = 100;

/** The 0-based position within 0 to total − 1 (0 for an empty ledger). */
export function clampPosition(position: number, total: number): number {
  if (!Number.isFinite(position) || total <= 0) return 0;
  return Math.min(Math.max(0, Math.floor(position)), total - 1);
}

/**
 * Where the read for a jump to `position` starts: a few rows above it, and no later than a whole
 * page before the end, so a jump to the last row (Ctrl+End) fills the view.
 */
export function windowStart(position: number, total: number, page = WINDOW_PAGE, context = JUMP_CONTEXT): number {
  const at = clampPosition(position, total);
  return Math.max(0, Math.min(at - context, total - page));
}

/**
 * The row number typed into 转到行 (1-based, as the row headers show it; "1,000", "1 000" and
 * full-width digits read), as a 0-based position within the ledger; null when it is no row number.
 */
export function parseRowNumber(text: string, total: number): number | null {
  const digits = text
    .trim()
    .replace(/[\uff10-\uff19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[,\s\uff0c]/g, '');
  if (!/^\d{1,10}$/.test(digits) || total <= 0) return null;
  const n = Number(digits);
  if (n < 1) return null;
  return clampPosition(n - 1, total);
}

/** The position a scrollbar's fraction (0 top, 1 bottom) stands for. */
export function positionOfFraction(fraction: number, total: number): number {
  if (!Number.isFinite(fraction)) return 0;
  return clampPosition(Math.round(Math.min(1, Math.max(0, fraction)) * (total - 1)), total);
}

/**
 * The rows to read before the window's first one: from `base − page` (not before 0) up to base;
 * null when the window starts at the first row.
 */
export function previousPage(base: number, page = WINDOW_PAGE): { offset: number; first: number } | null {
  if (base <= 0) return null;
  const offset = Math.max(0, base - page);
  return { offset, first: base - offset };
}

/**
 * How many rows to drop from one end of a window of `held` rows so that at most `max` stay, taking
 * only rows that may go (`droppable(i)`, i counted from that end: not edited, not pending, not
 * where the cursor is); it stops at the first that must stay, so the window stays one run.
 */
export function rowsToDrop(held: number, max: number, droppable: (fromEnd: number) => boolean): number {
  let drop = 0;
  while (held - drop > max && droppable(drop)) drop += 1;
  return drop;
}

/** Whether the view's rows (first and last shown, as window indexes) near an end of the window. */
export function nearEdges(
  view: { first: number; last: number },
  held: number,
  margin = WINDOW_MARGIN,
): { start: boolean; end: boolean } {
  return { start: view.first < margin, end: view.last >= held - margin };
}
