import type { ViewConfig } from '@taizhang/ledger-core';

/**
 * How a user laid out a ledger's columns (widths dragged, columns moved), kept in this browser per
 * user per ledger so the grid opens the way it was left. The definition's order is the default;
 * keys of fields that no longer exist are ignored, and a field added since the layout was saved
 * takes its place after the field it follows in the definition.
 */
export interface ColumnLayout {
  /** Column keys in the order shown (may be partial or stale: see `orderOf`). */
  order: string[];
  /** Widths in px by column key. */
  widths: Record<string, number>;
}

export const EMPTY_LAYOUT: ColumnLayout = { order: [], widths: {} };

/** The localStorage key of a user's layout of a ledger. */
export function layoutKey(userId: string, ledger: string): string {
  return `taizhang.columns.${userId}.${ledger}`;
}

/** Narrower than this and wider than that is a mis-drag or a tampered value, not a layout. */
const MIN_WIDTH = 30;
const MAX_WIDTH = 2000;

/** A stored layout as far as it is sound; anything unreadable is the empty layout. */
export function parseLayout(text: string | null): ColumnLayout {
  if (!text) return EMPTY_LAYOUT;
  try {
    const raw = JSON.parse(text) as { order?: unknown; widths?: unknown };
    const order = Array.isArray(raw.order) ? raw.order.filter((key): key is string => typeof key === 'string') : [];
    const widths: Record<string, number> = {};
    if (raw.widths && typeof raw.widths === 'object') {
      for (const [key, width] of Object.entries(raw.widths as Record<string, unknown>)) {
        if (typeof width === 'number' && Number.isFinite(width) && width >= MIN_WIDTH && width <= MAX_WIDTH) {
          widths[key] = Math.round(width);
        }
      }
    }
    return { order: [...new Set(order)], widths };
  } catch {
    return EMPTY_LAYOUT;
  }
}

/**
 * The columns' keys in the order to show them: the stored order of the keys that still exist,
 * with every other key of `keys` (the definition's order) put after the key it follows there.
 */
export function orderOf(keys: readonly string[], stored: readonly string[]): string[] {
  const known = new Set(keys);
  const order = stored.filter((key) => known.has(key));
  const placed = new Set(order);
  keys.forEach((key, i) => {
    if (placed.has(key)) return;
    // after the nearest earlier key of the definition that is placed, else first
    let at = 0;
    for (let j = i - 1; j >= 0; j -= 1) {
      const before = order.indexOf(keys[j]);
      if (before >= 0) {
        at = before + 1;
        break;
      }
    }
    order.splice(at, 0, key);
    placed.add(key);
  });
  return order;
}

/** The order as Handsontable's column index sequence (physical indexes, in the order shown). */
export function indexSequence(keys: readonly string[], stored: readonly string[]): number[] {
  return orderOf(keys, stored).map((key) => keys.indexOf(key));
}

/** Where a user's layouts live (localStorage in the app; a map in tests). */
export interface LayoutStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** One user's layout of one ledger: read once, written on every resize or move. */
export class ColumnLayoutStore {
  private layout: ColumnLayout;

  constructor(
    private readonly storage: LayoutStorage | null,
    private readonly key: string,
  ) {
    let text: string | null = null;
    try {
      text = storage?.getItem(key) ?? null;
    } catch {
      text = null; // storage refused (private mode): the definition's layout
    }
    this.layout = parseLayout(text);
  }

  get current(): ColumnLayout {
    return this.layout;
  }

  width(key: string): number | undefined {
    return this.layout.widths[key];
  }

  setWidth(key: string, width: number): void {
    if (!(width >= MIN_WIDTH && width <= MAX_WIDTH)) return;
    this.save({ ...this.layout, widths: { ...this.layout.widths, [key]: Math.round(width) } });
  }

  setOrder(order: readonly string[]): void {
    this.save({ ...this.layout, order: [...order] });
  }

  private save(layout: ColumnLayout): void {
    this.layout = layout;
    try {
      this.storage?.setItem(this.key, JSON.stringify(layout));
    } catch {
      // full or refused: the layout holds for this visit only
    }
  }
}

/** The browser's localStorage, when there is one to use. */
export function browserStorage(): LayoutStorage | null {
  try {
    return typeof window !== 'undefined' ? window.localStorage : null;
  } catch {
    return null;
  }
}

/**
 * What a saved view (docs/views.md) sets of the grid's columns and rows: the columns hidden, their
 * order (none: the user's own layout above), the columns frozen at the left, the rows' height.
 */
export type ViewLayout = Pick<ViewConfig, 'hidden' | 'order' | 'frozen' | 'rowHeight'>;

/** The grid without a view: nothing hidden, the user's order, the first column frozen, its own row height. */
export const NO_VIEW_LAYOUT: ViewLayout = { hidden: [], order: [], frozen: 1, rowHeight: null };

/** The physical indexes of the hidden columns among `keys` (the grid's columns, in the definition's order). */
export function hiddenIndexes(keys: readonly string[], hidden: readonly string[]): number[] {
  return hidden.map((key) => keys.indexOf(key)).filter((index) => index >= 0);
}
