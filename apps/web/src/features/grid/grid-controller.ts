import type { AttachmentActions } from '../attachments/attachment-cell';
import type { AttachmentRef } from '../attachments/attachment-value';
import type Handsontable from 'handsontable/base';
import { textRenderer } from 'handsontable/renderers';
import {
  isComputedField,
  isDerived,
  rowParseContext,
  validateRow,
  type FieldDefinition,
  type LedgerModel,
  type Locale,
} from '@taizhang/ledger-core';
import { cellInput } from './cell-input';
import { displayText } from './grid-columns';
import {
  editableValues,
  isUntouched,
  newRow,
  rowFromServer,
  serverRowKey,
  UNIT_COLUMN,
  type FigureOverride,
  type GridRow,
  type ServerRow,
} from './grid-row';
import { GridSaver, type Conflict, type HoldReason, type Outcome, type SaveRows, type SaveState } from './grid-saver';
import type { QueueStore } from './save-queue';
import { NO_QUERY, searchOf, type ServerQuery } from './server-query';
import { ReferenceLabels, referenceFields } from './reference-labels';
import type { ReferenceOption } from './grid.graphql';
import type { ReferencePicking } from './reference-picker-editor';
import {
  clampPosition,
  MAX_WINDOW_ROWS,
  nearEdges,
  previousPage,
  rowsToDrop,
  WINDOW_PAGE,
  windowStart,
} from './grid-window';

export type { Conflict, SaveState } from './grid-saver';

export interface CellProblem {
  rowKey: string;
  /** The field key, or "" for the row as a whole. */
  field: string;
  message: string;
  level: 'error' | 'warning';
}

export interface GridSnapshot {
  state: SaveState;
  /** Why saving stopped, when `state` is 'held'. */
  holdReason: HoldReason | null;
  /** The server's message when the last save failed for another reason than the network. */
  failure: string | null;
  pending: number;
  loaded: number;
  total: number;
  loading: boolean;
  errors: CellProblem[];
  warnings: CellProblem[];
  conflicts: Conflict[];
  query: ServerQuery;
  /** The fields with a filter (condition or value list): their headers carry a mark. */
  filteredFields: string[];
  /** The position (0-based, in the sort and filter) of the window's first row: row headers count from it. */
  base: number;
  /** The position of the first row in view (转到行 shows it; the whole-ledger scrollbar stands there). */
  viewTop: number;
  /** With a filter or a search on, how many rows the sheet holds without them (已筛选 6 / 共 30 行); else null. */
  unfilteredTotal: number | null;
  unsupportedFilter: string | null;
  /** What saves did besides saving (回访不满意：已自动生成整改记录), newest first, until dismissed. */
  notices: Notice[];
}

/** What a save did besides saving a row, said by the server (a follow-up row made). */
export interface Notice {
  rowKey: string;
  message: string;
}

/** How the grid reaches the API (GraphQL through Apollo in the app). */
export interface GridBackend {
  /**
   * `first` rows of the query's order from the position `offset` (0: the first row), with the
   * count of all matching rows unless `withTotal` is false (then total is null: a count of a
   * million rows is work the pages read as the view moves do not need).
   */
  page(
    query: ServerQuery,
    first: number,
    offset: number,
    withTotal?: boolean,
  ): Promise<{
    rows: ServerRow[];
    total: number | null;
    hasNextPage: boolean;
  }>;
  /**
   * Where the row with this server id stands in the query's order (0: the first), null when it is
   * not among its rows: a link to a row opens the window there.
   */
  position?(query: ServerQuery, id: string): Promise<number | null>;
  /** Rejects with a SaveFailure (grid-saver.ts) when the request brought no per-row answers. */
  save: SaveRows;
  /** A column's distinct values and their counts under a filter (the value-list filter). */
  fieldValues?(field: string, filter: ServerQuery['filter'], search?: string | null): Promise<FieldValueList>;
  /** The rows a reference field may point at in a unit (null: the sheet's), searched by what they say. */
  referenceOptions?(field: string, search: string, unitId: string | null): Promise<ReferenceOption[]>;
}

export interface FieldValueList {
  values: { value: unknown; count: number }[];
  /** False when the column holds more values than were listed. */
  complete: boolean;
}

export interface GridOptions {
  model: LedgerModel;
  locale: Locale;
  /** A periodic ledger's current period date, for the period field of new rows. */
  periodDate: string | null;
  /** A periodic ledger's sheet: a row whose period field falls outside it is marked as you type. */
  period?: string | null;
  /**
   * The rows come as a leader reads them, with what a field type redacts masked (an identity
   * number: the API's seesRedactedValues): those values are shown, not checked.
   */
  redacted?: boolean;
  backend: GridBackend;
  store: QueueStore | null;
  onChange(snapshot: GridSnapshot): void;
  /** Every unit's rows: the unit's name in a first column. */
  unitNames?: Map<string, string> | null;
  /**
   * Asked before deleting more than one row or any row with data (true: go on). Absent: no
   * question.
   */
  confirmDelete?(count: number): boolean;
  /** Time to wait after the last edit before saving. */
  saveDelayMs?: number;
  /**
   * Reads the ledger's definition again (the save met DEFINITION_CHANGED): the grid checks its
   * rows by the new model, and the save loop sends the batch again.
   */
  reloadDefinition?: () => Promise<LedgerModel>;
  /** The user's selection moved to another row (its id; null: a new row or none), for presence. */
  onRowSelected?(rowId: string | null): void;
  /**
   * The sort and filter the grid opens with (the ledger's default view, docs/views.md), awaited
   * before its first read (`open`), so that the rows are read once, in the view's order; null or
   * a failure: the ledger's own order.
   */
  opening?: Promise<{ orderBy: ServerQuery['orderBy']; filter: Record<string, unknown> } | null>;
}

/** Longer texts may not fit their cell; their cell's tooltip holds the whole text. */
const LONG_TEXT = 12;
/** Marks the grid's own writes (computed values, server answers) so its hooks leave them alone. */
const OWN_CHANGE = 'taizhang.grid';

/**
 * The Handsontable side of the ledger grid: rows read page by page, each edit checked by
 * ledger-core and handed to the save loop (GridSaver), whose answers are laid back onto the
 * cells. Kept apart from React so that a keystroke never re-renders the page; the page listens
 * through `onChange`.
 */
export class GridController {
  readonly rows: GridRow[] = [];
  /** What the rows the references point at say: a reference cell shows it, not its id. */
  readonly referenceLabels = new ReferenceLabels();
  private hot: Handsontable | null = null;
  private model: LedgerModel;
  private readonly saver: GridSaver;
  private readonly index = new Map<string, GridRow>();
  private readonly clientProblems = new Map<string, CellProblem[]>();
  private query: ServerQuery = NO_QUERY;
  /** The window (grid-window.ts): rows[0] stands at `base` of the server's order, `end` follows its last. */
  private base = 0;
  private end = 0;
  private viewTop = 0;
  private hasNextPage = false;
  private total = 0;
  private loading = false;
  private unsupportedFilter: string | null = null;
  /** The column menu's condition filters (Handsontable's Filters plugin), as the API's filter. */
  private conditionFilter: ServerQuery['filter'] = {};
  /** The value lists picked per field (按值筛选): `in`, a null for 空白. */
  private readonly valueFilters = new Map<string, unknown[]>();
  private unfilteredTotal: number | null = null;
  private notices: Notice[] = [];
  private othersOn = new Set<string>();
  private selectedId: string | null = null;
  private disposed = false;
  private generation = 0;
  private firstLoaded!: () => void;
  /** Settles when the first page has been laid into the grid. */
  readonly firstLoad = new Promise<void>((resolve) => {
    this.firstLoaded = resolve;
  });

  constructor(private readonly options: GridOptions) {
    this.model = options.model;
    this.saver = new GridSaver({
      saveRows: (changes) => options.backend.save(changes),
      store: options.store,
      reloadDefinition: async () => {
        const model = await options.reloadDefinition?.();
        if (model) this.setModel(model);
      },
      ready: (change) => change.op === 'DELETE' || !this.hasClientErrors(change.key),
      delayMs: options.saveDelayMs,
      onAnswer: (outcomes) => this.applyAnswer(outcomes),
      onStatus: () => this.emit(),
    });
  }

  attach(hot: Handsontable): void {
    this.hot = hot;
    this.disposed = false;
    this.saver.start();
    hot.rootElement.addEventListener('input', this.textArrived);
  }

  dispose(): void {
    this.disposed = true;
    this.saver.stop();
    this.hot?.rootElement.removeEventListener('input', this.textArrived);
    this.hot = null;
  }

  /**
   * Text that reaches the selected cell without a key press (an input method committing 网上, a
   * dictation, text inserted by assistive software) lands in Handsontable's waiting editor
   * (`imeFastEdit`) but does not open it, and Tab or Enter would then drop it. It opens the editor
   * on that text, as typing a character does.
   */
  private textArrived = (event: Event): void => {
    const hot = this.hot;
    const target = event.target;
    if (!hot || !(target instanceof HTMLTextAreaElement) || !target.classList.contains('handsontableInput')) return;
    const editor = hot.getActiveEditor();
    // a pick-one list filters by what an input method typed, as it does by keys
    const filterList = () =>
      (editor as { queryChoices?(query: string): void } | undefined)?.queryChoices?.(target.value);
    if (editor?.isOpened()) {
      filterList();
      return;
    }
    const highlight = hot.getSelectedRangeActive()?.highlight;
    if (!editor || !highlight || highlight.row === null || highlight.col === null) return;
    if (highlight.row < 0 || highlight.col < 0 || hot.getCellMeta(highlight.row, highlight.col).readOnly) return;
    // typing into a cell replaces what it holds, as in Excel: the text that arrived, not the
    // waiting editor's copy of the cell with the text put somewhere into it
    const text = event instanceof InputEvent && event.data !== null ? event.data : target.value;
    // opened on the text itself: a waiting editor's value would be refreshed from the cell
    editor.enableFullEditMode();
    editor.beginEditing(text);
  };

  /**
   * The ledger's definition was republished: rows are checked by the new model. The columns are
   * the page's (LedgerGrid builds them from the same model).
   */
  setModel(model: LedgerModel): void {
    if (model === this.model || JSON.stringify(model.definition) === JSON.stringify(this.model.definition)) return;
    this.model = model;
    for (const row of this.rows) this.check(row);
    this.hot?.render();
    this.emit();
  }

  // ── reading ────────────────────────────────────────────────────────────────────────────────

  /**
   * The first read: in the sort and filter the grid opens with (`opening`), else from the top —
   * unless a read was asked while the opening was awaited (a view picked for a new unit or
   * period's grid): that one stands.
   */
  async open(): Promise<void> {
    const reads = this.generation;
    const opening = await this.options.opening?.catch(() => null);
    if (this.disposed || this.generation !== reads) return;
    return opening ? this.applyQuery(opening) : this.reload();
  }

  /**
   * The rows of the current sort and filter from the top, or around `position` (a jump: 转到行,
   * the whole-ledger scrollbar, Ctrl+End); unsaved changes laid over them.
   */
  async reload(query: ServerQuery = this.query, position = 0, counted = false): Promise<void> {
    this.query = query;
    const generation = ++this.generation;
    this.loading = true;
    this.emit();
    try {
      let offset = windowStart(position, this.total);
      // a new sort or filter is counted beside its first page, not with it: the count of a million
      // rows takes far longer than the page (an index scan that stops at its LIMIT), and the rows
      // show without waiting for it
      const counting = counted ? null : this.options.backend.page(query, 0, 0, true);
      counting?.catch(() => undefined); // its failure is met where it is awaited
      let page = await this.options.backend.page(query, WINDOW_PAGE, offset, false);
      if (generation !== this.generation || this.disposed) return;
      if (page.rows.length === 0 && offset > 0) {
        // the ledger is shorter than it was: counted again, the window at its end
        const total = (await (counting ?? this.options.backend.page(query, 0, 0))).total ?? 0;
        offset = windowStart(position, total);
        page = await this.options.backend.page(query, WINDOW_PAGE, offset);
        if (generation !== this.generation || this.disposed) return;
      }
      this.rows.length = 0;
      this.index.clear();
      this.clientProblems.clear();
      for (const row of page.rows) {
        this.referenceLabels.learnRow(row);
        this.addLoadedRow(rowFromServer(row));
      }
      this.base = offset;
      this.end = offset + page.rows.length;
      this.hasNextPage = page.hasNextPage;
      this.overlayQueue();
      for (const row of this.rows) this.check(row);
      this.hot?.updateData(this.rows, OWN_CHANGE);
      const top = Math.min(Math.max(0, position - offset), Math.max(0, this.rows.length - 1));
      this.viewTop = offset + top;
      // a new order starts at the top; a jump shows its row at the top of the view
      if (this.rows.length > 0) this.hot?.scrollViewportTo({ row: top, verticalSnap: 'top' });
      if (counting) {
        // the rows are on screen; the count, the scrollbar and the jumps follow it (still loading)
        const { total } = await counting;
        if (generation !== this.generation || this.disposed) return;
        this.total = total ?? this.total;
      }
      this.firstLoaded();
    } finally {
      if (generation === this.generation) this.loading = false;
      this.emit();
      this.saver.schedule(0);
    }
  }

  /**
   * The grid's cursor to the row at `position` (0-based) of the sort and filter, the rows around
   * it read when the window does not hold it: 转到行, the whole-ledger scrollbar, Ctrl+End.
   */
  async jumpTo(position: number, select = true): Promise<void> {
    if (!this.hot) return;
    const target = clampPosition(position, this.total);
    // the same sort and filter: the total is known (saves since have kept it up to date)
    if (target < this.base || target >= this.end) await this.reload(this.query, target, true);
    const hot = this.hot;
    if (!hot || this.disposed) return;
    const row = Math.min(target - this.base, this.rows.length - 1);
    if (row < 0) return;
    hot.scrollViewportTo({ row, verticalSnap: 'top' });
    this.viewTop = this.base + row;
    if (select) {
      const col = Math.max(0, hot.getSelectedRangeActive()?.highlight.col ?? 0);
      hot.selectCell(row, col, row, col, false);
      this.takeKeyboard();
    }
    this.emit();
  }

  /**
   * Follows the view (Handsontable's scrolling): the next page read as it nears the window's last
   * row, the one before as it nears the first, and rows far from it dropped (grid-window.ts).
   */
  async loadMoreIfNeeded(): Promise<void> {
    const hot = this.hot;
    if (!hot || this.loading) return;
    const first = Math.max(0, hot.getFirstRenderedVisibleRow() ?? 0);
    const last = Math.max(first, hot.getLastRenderedVisibleRow() ?? 0);
    const top = this.base + Math.max(0, hot.getFirstFullyVisibleRow() ?? first);
    if (top !== this.viewTop) {
      this.viewTop = top;
      this.emit();
    }
    const near = nearEdges({ first, last }, this.rows.length);
    if (near.end && this.hasNextPage) await this.loadNextPage();
    else if (near.start && this.base > 0) await this.loadPreviousPage();
    else return;
    void this.loadMoreIfNeeded();
  }

  /**
   * The key of the row with this server id, once it is loaded: a link to a row (?row=) may name
   * one far down the sheet. The server says where it stands and the window is read there (as a
   * jump); without that answer (a drill-down) pages are read until it comes. Null: not in the sheet.
   */
  async findRow(id: string): Promise<string | null> {
    await this.firstLoad;
    const key = serverRowKey(id);
    if (!this.index.has(key) && this.options.backend.position && !this.disposed) {
      const position = await this.options.backend.position(this.query, id);
      if (position === null || this.disposed) return null;
      await this.jumpTo(position, false);
      return this.index.has(key) ? key : null;
    }
    while (!this.index.has(key) && this.hasNextPage && !this.disposed) {
      if (this.loading) await new Promise((resolve) => setTimeout(resolve, 50));
      else await this.loadNextPage();
    }
    return this.index.has(key) ? key : null;
  }

  private async loadNextPage(): Promise<void> {
    const generation = this.generation;
    this.loading = true;
    this.emit();
    try {
      const page = await this.options.backend.page(this.query, WINDOW_PAGE, this.end, false);
      if (generation !== this.generation || this.disposed) return;
      for (const row of page.rows) this.referenceLabels.learnRow(row);
      const fresh = page.rows.map(rowFromServer).filter((row) => !this.index.has(row.__key));
      for (const row of fresh) this.addLoadedRow(row);
      this.end += page.rows.length;
      this.hasNextPage = page.hasNextPage;
      // the end reached: the total is where it ends (others may have saved rows since)
      if (!page.hasNextPage) this.total = this.end;
      for (const row of fresh) this.check(row);
      const dropped = this.dropRows('front');
      this.hot?.updateData(this.rows, OWN_CHANGE);
      this.shiftView(-dropped);
    } finally {
      this.loading = false;
      this.emit();
    }
  }

  /** The page before the window's first row (after a jump, scrolling up). */
  private async loadPreviousPage(): Promise<void> {
    const before = previousPage(this.base);
    if (!before) return;
    const generation = this.generation;
    this.loading = true;
    this.emit();
    try {
      const page = await this.options.backend.page(this.query, before.first, before.offset, false);
      if (generation !== this.generation || this.disposed) return;
      for (const row of page.rows) this.referenceLabels.learnRow(row);
      const fresh = page.rows.map(rowFromServer).filter((row) => !this.index.has(row.__key));
      this.rows.unshift(...fresh);
      for (const row of fresh) this.index.set(row.__key, row);
      this.base = before.offset;
      for (const row of fresh) this.check(row);
      const dropped = this.dropRows('back');
      if (dropped > 0) {
        this.end -= dropped;
        this.hasNextPage = true;
      }
      this.hot?.updateData(this.rows, OWN_CHANGE);
      this.shiftView(fresh.length);
    } finally {
      this.loading = false;
      this.emit();
    }
  }

  /**
   * Keeps the window to MAX_WINDOW_ROWS: drops saved rows from one end, never one with a change
   * waiting, a problem, or the cursor on it. Returns how many went.
   */
  private dropRows(side: 'front' | 'back'): number {
    // not while a cell is being edited: its editor stays on its cell
    if (this.hot?.getActiveEditor()?.isOpened()) return 0;
    const pending = new Set(this.saver.pending().map((change) => change.key));
    const selected = this.selectedRow();
    const at = (i: number) => (side === 'front' ? i : this.rows.length - 1 - i);
    const drop = rowsToDrop(this.rows.length, MAX_WINDOW_ROWS, (i) => {
      const row = this.rows[at(i)];
      return row.__id !== null && !pending.has(row.__key) && !this.clientProblems.has(row.__key) && selected !== at(i);
    });
    if (drop === 0) return 0;
    const gone = side === 'front' ? this.rows.splice(0, drop) : this.rows.splice(this.rows.length - drop, drop);
    for (const row of gone) this.index.delete(row.__key);
    if (side === 'front') this.base += drop;
    return drop;
  }

  /** After rows came or went above the view: the same rows stay in view, the cursor on its cell. */
  private shiftView(rows: number): void {
    const hot = this.hot;
    if (!hot || rows === 0) return;
    const top = hot.getFirstFullyVisibleRow() ?? hot.getFirstRenderedVisibleRow() ?? 0;
    hot.scrollViewportTo({ row: Math.max(0, top + rows), verticalSnap: 'top' });
    const cell = hot.getSelectedRangeActive()?.highlight;
    const row = cell?.row ?? -1;
    if (cell && row >= 0 && row + rows >= 0) {
      const col = Math.max(0, cell.col ?? 0);
      hot.selectCell(row + rows, col, row + rows, col, false, false);
    }
  }

  /** The row header: the row's place in the whole sort and filter, not in the window. */
  /** The row header: its number, marked ● where someone else has the sheet open on that row (presence). */
  readonly rowHeader = (visualRow: number): string => {
    const n = String(this.base + visualRow + 1);
    const id = this.rowAt(visualRow)?.__id;
    return id && this.othersOn.has(id) ? `● ${n}` : n;
  };

  /** The rows others are on (presence, docs/live.md), by row id. */
  setPresence(rowIds: Set<string>): void {
    this.othersOn = rowIds;
    this.hot?.render();
  }

  /** The selection moved: the page tells the others which row the active cell is on (presence). */
  afterSelectionEnd = (): void => {
    const row = this.selectedRow();
    const id = row === null ? null : this.rowIdAt(row);
    if (id === this.selectedId) return;
    this.selectedId = id;
    this.options.onRowSelected?.(id);
  };

  /** Where a row of this id stands in the sheet (1: the first), null when the window does not hold it. */
  rowNumberOfId(id: string): number | null {
    const row = this.rowById(id);
    return row ? this.rowNumber(row.__key) : null;
  }

  sortBy(orderBy: ServerQuery['orderBy']): Promise<void> {
    return this.reload({ ...this.query, orderBy });
  }

  /** The column menu's conditions (all columns at once, as the Filters plugin keeps them). */
  filterBy(filter: ServerQuery['filter'] | null, unsupported: string | null = null): Promise<void> {
    this.unsupportedFilter = unsupported;
    if (!filter) {
      this.emit();
      return Promise.resolve();
    }
    this.conditionFilter = filter;
    return this.reloadFiltered();
  }

  /** One column's value list (按值筛选): the values to keep, or null for all of them. */
  filterValues(field: string, values: unknown[] | null): Promise<void> {
    if (values === null) this.valueFilters.delete(field);
    else this.valueFilters.set(field, values);
    return this.reloadFiltered();
  }

  /**
   * The search box's text (docs/grid.md "Search"): the rows whose texts contain it, under the
   * filters and the sort as they are; '' shows every row again.
   */
  searchFor(text: string): Promise<void> {
    if ((this.query.search ?? '') === text) return Promise.resolve();
    this.query = { ...this.query, search: text };
    return this.reloadFiltered();
  }

  /** Every filter off (清除筛选), the column menu's conditions included. */
  clearFilters(): Promise<void> {
    this.conditionFilter = {};
    this.valueFilters.clear();
    this.unsupportedFilter = null;
    const filters = this.hot?.getPlugin('filters');
    filters?.clearConditions();
    return this.reloadFiltered();
  }

  /**
   * A saved view's sort and filter (docs/views.md) in place of the menus' own: a field's `in` list
   * becomes its value list (按值筛选 shows it ticked), the rest its conditions.
   */
  applyQuery(query: { orderBy: ServerQuery['orderBy']; filter: Record<string, unknown> }): Promise<void> {
    this.conditionFilter = {};
    this.valueFilters.clear();
    this.unsupportedFilter = null;
    this.hot?.getPlugin('filters')?.clearConditions();
    for (const [field, given] of Object.entries(query.filter)) {
      // `{ field: value }` is equality, as the rows query reads it
      const condition: Record<string, unknown> =
        given !== null && typeof given === 'object' && !Array.isArray(given) ? { ...given } : { eq: given };
      if (Array.isArray(condition.in)) this.valueFilters.set(field, condition.in as unknown[]);
      delete condition.in;
      if (Object.keys(condition).length > 0) this.conditionFilter[field] = condition;
    }
    this.query = { ...this.query, orderBy: query.orderBy };
    return this.reloadFiltered();
  }

  /** The values a column holds under every other column's filter, for its value list. */
  async valuesOf(field: string): Promise<FieldValueList | null> {
    if (!this.options.backend.fieldValues) return null;
    const others = this.mergedFilter();
    delete others[field];
    return this.options.backend.fieldValues(field, others, searchOf(this.query));
  }

  /** The values kept by a column's value list, or null when it has none. */
  valueFilterOf(field: string): unknown[] | null {
    return this.valueFilters.get(field) ?? null;
  }

  private mergedFilter(): ServerQuery['filter'] {
    const filter: ServerQuery['filter'] = {};
    for (const [field, condition] of Object.entries(this.conditionFilter)) filter[field] = { ...condition };
    for (const [field, values] of this.valueFilters) filter[field] = { ...filter[field], in: values };
    return filter;
  }

  private async reloadFiltered(): Promise<void> {
    const filter = this.mergedFilter();
    const filtered = Object.keys(filter).length > 0 || searchOf(this.query) !== null;
    const unfiltered = filtered
      ? this.options.backend.page({ orderBy: [], filter: {} }, 0, 0).then(
          (page) => page.total,
          () => null,
        )
      : Promise.resolve(null);
    await this.reload({ ...this.query, filter });
    this.unfilteredTotal = await unfiltered;
    this.emit();
  }

  private addLoadedRow(row: GridRow): void {
    this.rows.push(row);
    this.index.set(row.__key, row);
  }

  /** What was typed but not acknowledged before a reload goes back on the rows. */
  private overlayQueue(): void {
    for (const change of this.saver.pending()) {
      const row = this.index.get(change.key);
      if (change.op === 'INSERT' && !row) {
        const fresh = { ...newRow(this.model, null), ...change.values, __key: change.key };
        this.addLoadedRow(fresh);
      } else if (row && change.op === 'UPDATE') {
        Object.assign(row, change.values);
      } else if (row && change.op === 'DELETE') {
        this.rows.splice(this.rows.indexOf(row), 1);
        this.index.delete(row.__key);
      }
    }
  }

  // ── editing (Handsontable hooks) ───────────────────────────────────────────────────────────

  /** Every incoming value (typed, pasted, filled, undone) read the way the field type reads text. */
  beforeChange = (changes: (Handsontable.CellChange | null)[], source: string): void => {
    if (source === OWN_CHANGE || source === 'loadData' || source === 'updateData') return;
    const model = this.model;
    // a row's short forms read against today and the row's day, as this change leaves it
    const incoming = new Map<number, Record<string, unknown>>();
    for (const change of changes) {
      if (change) incoming.set(change[0], { ...incoming.get(change[0]), [String(change[1])]: change[3] });
    }
    const now = new Date();
    const contexts = new Map(
      [...incoming].map(([visualRow, values]) => [
        visualRow,
        rowParseContext(model, { ...this.rowAt(visualRow), ...values }, now),
      ]),
    );
    for (const change of changes) {
      if (!change) continue;
      const field = model.byKey.get(String(change[1]));
      if (field) change[3] = cellInput(model, field, change[3], contexts.get(change[0]));
    }
  };

  /**
   * Copying puts each cell's text as the grid shows it on the clipboard ("60%", "2026-12-05
   * 11:20", a label), never the stored form (0.6, ISO 8601), so that pasting reads it back the same
   * and other programs get what the clerk sees.
   */
  beforeCopy = (data: unknown[][], ranges: { startRow: number; startCol: number }[]): void => {
    const hot = this.hot;
    if (!hot || ranges.length !== 1) return;
    const { startRow, startCol } = ranges[0];
    data.forEach((cells, i) => {
      const row = startRow + i; // negative: a header row copied with the cells
      if (row < 0) return;
      cells.forEach((_, j) => {
        const field = this.model.byKey.get(String(hot.colToProp(startCol + j)));
        if (field) cells[j] = this.cellText(field, hot.getDataAtCell(row, startCol + j));
      });
    });
  };

  afterChange = (changes: Handsontable.CellChange[] | null, source: string): void => {
    if (!changes || !this.hot || source === OWN_CHANGE || source === 'loadData' || source === 'updateData') return;
    const changed = new Map<GridRow, Set<string>>();
    for (const [visualRow, prop, before, after] of changes) {
      if (before === after) continue;
      const row = this.rowAt(visualRow);
      if (!row) continue;
      if (!changed.has(row)) changed.set(row, new Set());
      changed.get(row)!.add(String(prop));
    }
    if (changed.size === 0) return;
    for (const [row, fields] of changed) this.recordEdit(row, fields);
    // computed values and problems were written onto the rows themselves: draw them
    this.hot.render();
    this.emit();
  };

  /** New rows (insert from the menu, or a paste past the last row). */
  afterCreateRow = (): void => {
    for (const row of this.rows) if (!this.index.has(row.__key)) this.index.set(row.__key, row);
  };

  beforeRemoveRow = (_index: number, _amount: number, physicalRows: number[]): boolean | void => {
    const rows = physicalRows.map((physical) => this.rows[physical]).filter(Boolean);
    const withData = rows.some((row) => row.__id !== null || !isUntouched(this.model, row, this.options.periodDate));
    if ((rows.length > 1 || withData) && this.options.confirmDelete && !this.options.confirmDelete(rows.length)) {
      return false;
    }
    for (const physical of physicalRows) {
      const row = this.rows[physical];
      if (!row) continue;
      this.saver.remove(row.__key, row.__id, row.__version);
      this.index.delete(row.__key);
      this.clientProblems.delete(row.__key);
    }
    this.emit();
  };

  /**
   * A deleted row comes back from the recycle bin (restoreRow), never from undo: undo would put it
   * back on screen only, as a new row, while the server has it deleted. So a deletion clears the
   * undo history.
   */
  afterRemoveRow = (): void => {
    this.hot?.getPlugin('undoRedo')?.clear();
  };

  /** A new row made by Handsontable: a fresh identity, the period's date in the period field. */
  dataSchema = (): GridRow => {
    const figures = this.figuresForNewRows();
    const row = newRow(this.model, this.options.periodDate, figures);
    // its formulas over the figures (当日回访率) shown at once
    if (figures) this.check(row);
    return row;
  };

  /** The sheet's derived figures as the sources give them now (Sheet.derived), for rows not saved yet. */
  private figures: Record<string, number> | null = null;

  /**
   * The figures a new row shows: the sheet's, while it has no saved row (the sheet's first row
   * opens with them); once a row holds them, another new row would only repeat them.
   */
  private figuresForNewRows(): Record<string, number> | null {
    return this.rows.some((row) => row.__id !== null) ? null : this.figures;
  }

  /** The sheet's live figures arrived (or changed), or a first row was saved: the rows not saved yet show them, or no longer. */
  setSheetFigures(figures: Record<string, number> | null = this.figures): void {
    this.figures = figures;
    if (!this.model.fields.some((field) => field.derive)) return;
    const shown = this.figuresForNewRows();
    for (const row of this.rows)
      if (row.__id === null) {
        for (const field of this.model.fields) if (field.derive) row[field.key] = shown?.[field.key] ?? null;
        this.check(row);
      }
    this.hot?.render();
  }

  /**
   * The row object shown at a visual row. Handsontable keeps `rows` as its data source and
   * inserts and removes in place, so `rows[physical]` is the very object the grid shows
   * (`getSourceDataAtRow` would return a copy).
   */
  private rowAt(visualRow: number): GridRow | null {
    if (!this.hot) return null;
    const physical = this.hot.toPhysicalRow(visualRow);
    return physical === null ? null : (this.rows[physical] ?? null);
  }

  private recordEdit(row: GridRow, fields: Set<string>): void {
    this.index.set(row.__key, row);
    this.check(row);
    const { model } = this;
    const { periodDate } = this.options;
    if (row.__id === null && isUntouched(model, row, periodDate)) {
      this.saver.forget(row.__key);
      return;
    }
    const values =
      row.__id === null
        ? editableValues(model, row)
        : Object.fromEntries(
            [...fields]
              .filter((key) => model.editable.some((f) => f.key === key))
              .map((key) => [key, row[key] ?? null]),
          );
    if (Object.keys(values).length === 0) return;
    this.saver.edit(row.__key, row.__id, row.__version, values); // saved after the debounce
  }

  /** ledger-core's row check: computed values written back, problems kept for the cells. */
  private check(row: GridRow): void {
    const { model } = this;
    const { locale, periodDate } = this.options;
    const untouched = row.__id === null && isUntouched(model, row, periodDate);
    // what the clerk types, and what other rows give (a look-up, a roll-up, a derived figure): the
    // formulas over them (当日回访率 over the derived counts) are computed with both
    const input: Record<string, unknown> = {};
    for (const field of model.fields)
      if (
        (model.editable.includes(field) || isDerived(field)) &&
        row[field.key] !== null &&
        row[field.key] !== undefined
      )
        input[field.key] = row[field.key];
    const result = validateRow(model, input, { input: 'text', period: this.options.period });
    if (this.options.redacted) {
      const masked = (key: string) => Boolean(model.byKey.get(key) && model.spec(model.byKey.get(key)!).redact);
      result.errors = result.errors.filter((p) => !masked(p.field));
    }
    // computed cells are read-only: their values go straight onto the row, and the grid redraws
    for (const { field } of model.computed) row[field.key] = result.values[field.key] ?? null;
    if (untouched) {
      // a row only just added is not yet wrong (its formulas show what its derived figures give)
      this.clientProblems.delete(row.__key);
      return;
    }
    const problems: CellProblem[] = [
      ...result.errors.map((p) => ({
        rowKey: row.__key,
        field: p.field,
        message: p.message[locale],
        level: 'error' as const,
      })),
      ...result.warnings.map((p) => ({
        rowKey: row.__key,
        field: p.field,
        message: p.message[locale],
        level: 'warning' as const,
      })),
    ];
    if (problems.length > 0) this.clientProblems.set(row.__key, problems);
    else this.clientProblems.delete(row.__key);
  }

  private hasClientErrors(key: string): boolean {
    return (this.clientProblems.get(key) ?? []).some((p) => p.level === 'error');
  }

  // ── saving (the loop is GridSaver's) ──────────────────────────────────────────────────────

  /** Saves what can be saved now; resolves when the queue has nothing more to send (before a submit). */
  flush(): Promise<void> {
    return this.saver.flush();
  }

  /** The retry button of a held save. */
  retry(): void {
    this.saver.retry();
  }

  /** What the server answered, laid onto the rows: ids, versions and computed and derived values of saved rows. */
  private applyAnswer(outcomes: Outcome[]): void {
    if (outcomes.some(({ change, result }) => change.op === 'INSERT' && result.status === 'SAVED'))
      queueMicrotask(() => this.setSheetFigures());
    let moved = false;
    for (const { change, result } of outcomes) {
      if (result.status !== 'SAVED') continue; // rejections and conflicts: the saver keeps them, the renderer shows them
      // an insert saved before, its answer lost (row-receipts.ts): the copy of its row that came in
      // since (read after a reload) goes, and the row is counted once
      const copy = change.op === 'INSERT' && result.row ? this.rowById(result.row.id) : undefined;
      if (copy && copy.__key !== change.key) {
        this.removeRow(copy);
        moved = true;
      } else if (change.op === 'INSERT') this.total += 1;
      if (change.op === 'DELETE') this.total -= 1;
      const row = this.index.get(change.key);
      for (const warning of result.warnings ?? []) {
        if (warning.path !== '') continue; // a rule's reminder: the cell shows it
        this.notices = [{ rowKey: change.key, message: warning.message }, ...this.notices].slice(0, 10);
      }
      if (row && result.row) {
        row.__id = result.row.id;
        row.__version = result.row.version;
        // what only the server knows: formulas, look-ups, roll-ups (a follow-up just counted)
        for (const field of this.model.fields)
          if (isComputedField(field)) row[field.key] = result.row.values[field.key] ?? null;
        if (result.row.overrides !== undefined) row.__overrides = result.row.overrides;
        this.takeResolvedReferences(row, change.values, result.row);
      }
    }
    if (moved) this.hot?.updateData(this.rows, OWN_CHANGE);
    else this.hot?.render();
  }

  /**
   * A reference given as text (a pasted case number) comes back as the id the server resolved it
   * to, with what that row says: the cell holds the id and shows the text — unless the clerk has
   * changed the cell again meanwhile.
   */
  private takeResolvedReferences(row: GridRow, sent: Record<string, unknown>, saved: ServerRow): void {
    this.referenceLabels.learnRow(saved);
    for (const field of referenceFields(this.model)) {
      if (!(field.key in sent) || !(field.key in saved.values)) continue;
      if (JSON.stringify(row[field.key] ?? null) === JSON.stringify(sent[field.key] ?? null))
        row[field.key] = saved.values[field.key] ?? null;
    }
  }

  // ── live (docs/live.md) ───────────────────────────────────────────────────────────────────

  /**
   * Rows another write moved the derived values of (a look-up, a roll-up, a figure; docs/live.md
   * REFRESHED): no new version, so the held rows' derived cells and the formulas over them are
   * read again, whatever the user is typing elsewhere in the row (derived cells are read-only).
   * Rows the grid does not hold are none of its business.
   */
  async applyLiveRefresh(ids: string[]): Promise<void> {
    if (this.disposed) return;
    const held = ids.filter((id) => this.rowById(id));
    const derived = this.model.fields.filter(isDerived);
    if (held.length === 0 || derived.length === 0) return;
    const page = await this.options.backend.page(
      { orderBy: [], filter: { id: { in: held } }, search: undefined },
      held.length,
      0,
      false,
    );
    if (this.disposed) return;
    for (const fresh of page.rows) {
      const row = this.rowById(fresh.id);
      if (!row) continue;
      for (const field of derived) row[field.key] = fresh.values[field.key] ?? null;
      this.check(row);
    }
    this.hot?.render();
    this.emit();
  }

  /**
   * Someone else's change to this sheet, heard live: the rows it names are read again (through
   * the same query as any page: the grid's filter, the caller's rights) and laid in, cell by cell.
   * A row with unsaved changes of this user keeps them (its save meets the newer version: the
   * conflict flow). The grid's own saves come back too, with versions it has already.
   */
  async applyLiveRows(kind: 'SAVED' | 'DELETED' | 'RESTORED', ids: string[], versions: number[]): Promise<void> {
    if (this.disposed) return;
    // a row of ours whose insert is on its way has no id yet: its echo must not come in as another's row
    for (let waited = 0; this.saver.pending().some((c) => c.op === 'INSERT') && waited < 5_000; waited += 100)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const busy = new Set(this.saver.pending().map((change) => change.key));
    const changed = ids.filter((id, i) => {
      const row = this.rowById(id);
      if (row && (busy.has(row.__key) || this.saver.conflict(row.__key))) return false;
      return !row || (row.__version ?? 0) < versions[i];
    });
    if (changed.length === 0 || this.disposed) return;
    const whole = this.base === 0 && !this.hasNextPage;
    const page =
      kind === 'DELETED'
        ? { rows: [] as ServerRow[] }
        : await this.options.backend.page(
            { orderBy: [], filter: { ...this.query.filter, id: { in: changed } }, search: this.query.search },
            changed.length,
            0,
            false,
          );
    if (this.disposed) return;
    const found = new Map(page.rows.map((row) => [row.id, row]));
    let moved = false;
    for (const id of changed) {
      const row = this.rowById(id);
      if (row && (this.saver.pending().some((c) => c.key === row.__key) || this.saver.conflict(row.__key))) continue;
      const fresh = found.get(id);
      if (row && fresh) {
        if ((row.__version ?? 0) >= fresh.version) continue;
        this.referenceLabels.learnRow(fresh);
        Object.assign(row, fresh.values, {
          __version: fresh.version,
          __origin: fresh.origin ?? null,
          __overrides: fresh.overrides ?? null,
        });
        this.check(row);
      } else if (row) {
        // deleted, or no longer of this sheet or filter: it leaves the grid
        this.removeRow(row);
        this.total = Math.max(0, this.total - 1);
        moved = true;
      } else if (fresh && whole) {
        // a new row of the sheet: at the end, until the next reload puts it in its order
        this.referenceLabels.learnRow(fresh);
        const added = rowFromServer(fresh);
        this.addLoadedRow(added);
        this.check(added);
        this.end += 1;
        this.total += 1;
        moved = true;
      } else if (fresh) this.total += 1;
    }
    if (moved) this.hot?.updateData(this.rows, OWN_CHANGE);
    else this.hot?.render();
    this.emit();
  }

  /** A row read from the server leaves the grid (the total is the caller's to change). */
  private removeRow(row: GridRow): void {
    this.rows.splice(this.rows.indexOf(row), 1);
    this.index.delete(row.__key);
    this.clientProblems.delete(row.__key);
    this.end -= 1;
  }

  private rowById(id: string): GridRow | undefined {
    return this.index.get(serverRowKey(id)) ?? this.rows.find((row) => row.__id === id);
  }

  /** Keep my values on top of the other person's version. */
  keepMine(rowKey: string): void {
    const conflict = this.saver.keepMine(rowKey);
    const row = this.index.get(rowKey);
    if (conflict && row) row.__version = conflict.theirs.version;
    this.hot?.render();
    this.emit();
  }

  /** Take the other person's values; mine are dropped. */
  takeTheirs(rowKey: string): void {
    const conflict = this.saver.takeTheirs(rowKey);
    if (!conflict) return;
    const row = this.index.get(rowKey);
    if (row) {
      Object.assign(row, conflict.theirs.values, { __version: conflict.theirs.version });
      this.check(row);
    }
    this.hot?.render();
    this.emit();
  }

  // ── showing ────────────────────────────────────────────────────────────────────────────────

  /** The problems of one cell, worst first. */
  problemsAt(row: GridRow, field: string): CellProblem[] {
    const all = [...this.serverProblems(row.__key), ...(this.clientProblems.get(row.__key) ?? [])];
    return all
      .filter((p) => p.field === field)
      .sort((a, b) => (a.level === b.level ? 0 : a.level === 'error' ? -1 : 1));
  }

  /** One renderer for every column: the field type's display text and the cell's problems. */
  renderer = (
    instance: Handsontable.Core,
    td: HTMLTableCellElement,
    visualRow: number,
    col: number,
    prop: string | number,
    value: unknown,
    cellProperties: Handsontable.CellProperties,
  ): void => {
    const field = this.model.byKey.get(String(prop));
    const text =
      prop === UNIT_COLUMN
        ? (this.options.unitNames?.get(String(value)) ?? '')
        : field
          ? this.cellText(field, value)
          : String(value ?? '');
    textRenderer(instance, td, visualRow, col, prop, text, cellProperties);
    const row = this.rowAt(visualRow);
    td.classList.remove('cell-error', 'cell-warning', 'cell-conflict', 'cell-overridden');
    td.removeAttribute('title');
    if (!row) return;
    const override = field?.derive ? row.__overrides?.[field.key] : undefined;
    if (override) {
      td.classList.add('cell-overridden');
      td.title = this.overrideText(override);
    }
    const problems = this.problemsAt(row, String(prop));
    const conflict = this.saver.conflict(row.__key);
    if (conflict && String(prop) in conflict.mine) td.classList.add('cell-conflict');
    if (problems.length > 0) {
      td.classList.add(problems[0].level === 'error' ? 'cell-error' : 'cell-warning');
      td.title = problems.map((p) => p.message).join('\n');
    } else if (text.length > LONG_TEXT) {
      td.title = text; // cut short with an ellipsis (styles.css): the whole text on hover
    }
  };

  /** What an overridden figure says on hover and in the record pane: the reason and the figure it replaced. */
  overrideText(override: FigureOverride): string {
    const en = this.options.locale === 'en';
    const derived = override.derived === null ? '—' : String(override.derived);
    return en
      ? `Set by hand: ${override.reason} (derived: ${derived}${override.by ? `; ${override.by}` : ''})`
      : `已调整：${override.reason}（自动得出：${derived}${override.by ? `；${override.by}` : ''}）`;
  }

  /**
   * A derived figure set by hand with a reason, or (value null) given back to its source: sent
   * at once, after what the queue holds, as one UPDATE. Resolves with the server's reason when it
   * refuses (null: saved).
   */
  async overrideFigure(rowKey: string, field: string, value: number | null, reason: string): Promise<string | null> {
    const en = this.options.locale === 'en';
    await this.flush();
    const row = this.index.get(rowKey);
    if (!row?.__id || row.__version === null) return en ? 'Save the row first' : '请先保存本行';
    let result;
    try {
      [result] = await this.options.backend.save([
        {
          op: 'UPDATE',
          id: row.__id,
          version: row.__version,
          values: { [field]: value },
          ...(value === null ? {} : { reasons: { [field]: reason } }),
        },
      ]);
    } catch (error) {
      return (error as Error).message;
    }
    if (result.status !== 'SAVED' || !result.row) {
      if (result.status === 'CONFLICT')
        return en ? 'Someone changed this row: reload it' : '本行已被他人修改，请刷新后再试';
      return (result.errors ?? []).map((e) => e.message).join(en ? '; ' : '；') || result.status;
    }
    row.__version = result.row.version;
    for (const f of this.model.fields) if (isComputedField(f)) row[f.key] = result.row.values[f.key] ?? null;
    row.__overrides = result.row.overrides ?? null;
    this.hot?.render();
    this.emit();
    return null;
  }

  /**
   * What a cell shows and copies: what the row a reference points at says, else the field type's
   * own text (`#id` for a reference whose row is not known yet).
   */
  cellText(field: FieldDefinition, value: unknown): string {
    return this.referenceLabels.label(field.key, value) ?? displayText(this.model, field, value, this.options.locale);
  }

  /** How a reference column's editor finds rows (in the unit of the row edited) and tells what it picked. */
  referencePicking = (field: FieldDefinition): ReferencePicking => ({
    search: (text, visualRow) => {
      const { backend } = this.options;
      if (!backend.referenceOptions) return Promise.resolve([]);
      return backend.referenceOptions(field.key, text, this.rowAt(visualRow)?.__unitId ?? null);
    },
    text: (value) => this.cellText(field, value),
    picked: (id, label) => this.referenceLabels.learn(field.key, id, label),
  });

  /** The grid's columns, by key: the unit's (when shown), then the definition's fields. */
  get columnKeys(): string[] {
    const fields = this.model.fields.map((field) => field.key);
    return this.options.unitNames ? [UNIT_COLUMN, ...fields] : fields;
  }

  /** The visual row and column of a problem, to select it from the list. */
  locate(problem: CellProblem): [number, number] | null {
    const visualRow = this.visualRowOf(problem.rowKey);
    if (visualRow === null || !this.hot) return null;
    // the column where it is shown now (the user may have moved it)
    const col = problem.field ? this.hot.propToCol(problem.field) : 0;
    return [visualRow, typeof col === 'number' && col >= 0 ? col : 0];
  }

  /** Where a row is shown now (sorting and moving change it), null when it is not in the grid. */
  private visualRowOf(rowKey: string): number | null {
    const row = this.index.get(rowKey);
    if (!row || !this.hot) return null;
    const visualRow = this.hot.toVisualRow(this.rows.indexOf(row));
    return visualRow !== null && visualRow >= 0 ? visualRow : null;
  }

  /**
   * A new row at the end of what is loaded, with the cursor where typing should start: `column`
   * (the one the clerk was in, when Enter or ↓ on the last row made it), else the first cell a
   * clerk fills that starts empty (not the daily report's prefilled date, not a computed or
   * derived column), else the first a clerk fills at all past that date.
   * The grid takes the keyboard, so the next keystroke lands in that cell.
   */
  addRow(column?: number): void {
    const hot = this.hot;
    if (!hot) return;
    hot.alter('insert_row_below', Math.max(0, hot.countRows() - 1), 1);
    const row = this.rowAt(hot.countRows() - 1);
    // in the order shown (the user may have moved columns)
    const keys = Array.from({ length: hot.countCols() }, (_, col) => String(hot.colToProp(col)));
    const firstEmpty = keys.findIndex((key) => {
      const field = this.model.byKey.get(key);
      const value = row?.[key];
      return field && !isComputedField(field) && (value === null || value === undefined);
    });
    // else the first a clerk fills at all, past the prefilled date (the daily report: its QR count)
    const firstFilled = keys.findIndex((key) => {
      const field = this.model.byKey.get(key);
      return field && !isComputedField(field) && key !== this.model.definition.periodField;
    });
    hot.selectCell(hot.countRows() - 1, column ?? Math.max(0, firstEmpty >= 0 ? firstEmpty : firstFilled));
    this.takeKeyboard();
  }

  /**
   * The grid listens to the keyboard again, and its waiting editor has the focus. Called after a
   * click outside the grid (a button, the side panel): Handsontable's own document listener sees
   * that click after ours and stops listening, so this waits for it to have run.
   */
  private takeKeyboard(): void {
    setTimeout(() => {
      const hot = this.hot;
      if (!hot || hot.isDestroyed) return;
      hot.listen();
      hot.getFocusManager().focusOnHighlightedCell();
    });
  }

  /** Keys the grid handles beyond Handsontable's: Ctrl+; and Ctrl+Shift+;, Tab, Enter/↓ past the end. */
  beforeKeyDown = (event: KeyboardEvent): void => {
    const hot = this.hot;
    const highlight = hot?.getSelectedRangeActive()?.highlight;
    const row = highlight?.row ?? null;
    const col = highlight?.col ?? null;
    if (!hot || row === null || col === null || row < 0 || col < 0) return;
    const handled = this.fillNow(event, row, col) || this.tabOver(event, row, col) || this.farEnd(event);
    if (handled) {
      event.preventDefault();
      event.stopImmediatePropagation();
      // what Handsontable's own key handling looks at (its stopImmediatePropagation helper)
      (event as KeyboardEvent & { isImmediatePropagationEnabled?: boolean }).isImmediatePropagationEnabled = false;
      return;
    }
    this.goOnToNewRow(event, row, col);
  };

  /**
   * Ctrl+End and Ctrl+Home when the window does not reach that end of the ledger: the last (first)
   * row of the whole sort and filter is read and the cursor put there, as in Excel. Within the
   * window, and while a cell is being edited, Handsontable's own handling does it.
   */
  private farEnd(event: KeyboardEvent): boolean {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return false;
    if (this.hot?.getActiveEditor()?.isOpened()) return false;
    if (event.key === 'End' && this.hasNextPage) {
      void this.jumpTo(this.total - 1);
      return true;
    }
    if (event.key === 'Home' && this.base > 0) {
      void this.jumpTo(0);
      return true;
    }
    return false;
  }

  /**
   * Ctrl+; fills today, Ctrl+Shift+; now (Shanghai), as in Excel: a date cell takes the day, a
   * datetime cell the day (at 00:00) or the moment, a time cell the time.
   */
  private fillNow(event: KeyboardEvent, row: number, col: number): boolean {
    const hot = this.hot;
    if (!hot || !(event.ctrlKey || event.metaKey) || event.altKey || event.code !== 'Semicolon') return false;
    const field = this.model.byKey.get(String(hot.colToProp(col)));
    if (!field || hot.getCellMeta(row, col).readOnly) return false;
    const kind = this.model.spec(field).valueKind;
    const wall = new Date(Date.now() + 8 * 3_600_000).toISOString();
    const [day, time] = [wall.slice(0, 10), wall.slice(11, 16)];
    const text =
      kind === 'date'
        ? day
        : kind === 'datetime'
          ? `${day} ${event.shiftKey ? time : '00:00'}`
          : kind === 'time' && event.shiftKey
            ? time
            : null;
    if (text === null) return false;
    hot.getActiveEditor()?.finishEditing(true); // an edit under way gives way to the date, as in Excel
    hot.setDataAtCell(row, col, text);
    return true;
  }

  /**
   * Tab and Shift+Tab move to the next cell a clerk fills, skipping computed and read-only
   * columns, and wrap to the next (or previous) row instead of leaving the grid for the page.
   */
  private tabOver(event: KeyboardEvent, row: number, col: number): boolean {
    const hot = this.hot;
    if (!hot || event.key !== 'Tab' || event.ctrlKey || event.altKey || event.metaKey) return false;
    if (hot.getSettings().readOnly) return false; // a sheet to read: Handsontable's own Tab
    const step = event.shiftKey ? -1 : 1;
    const [rows, cols] = [hot.countRows(), hot.countCols()];
    for (let r = row, c = col + step; r >= 0 && r < rows; c += step) {
      if (c < 0 || c >= cols) {
        r += step;
        c = step > 0 ? -1 : cols;
        continue;
      }
      if (!hot.getCellMeta(r, c).readOnly) {
        hot.getActiveEditor()?.finishEditing(false);
        hot.selectCell(r, c);
        return true;
      }
    }
    return true; // the last cell a clerk fills: stay in the grid
  }

  /**
   * Enter (committing an edit) or ↓ on the last row goes on into a new row, as in a shared Excel
   * file, unless that row is itself a new one nothing was typed into yet.
   */
  private goOnToNewRow(event: KeyboardEvent, row: number, col: number): void {
    const hot = this.hot;
    if (!hot || (event.key !== 'Enter' && event.key !== 'ArrowDown')) return;
    if (event.shiftKey || event.altKey || event.ctrlKey || event.metaKey || row !== hot.countRows() - 1) return;
    // not on a sheet to read, nor below the last loaded page while the server has more
    if (hot.getSettings().readOnly || this.hasNextPage) return;
    const editing = hot.getActiveEditor()?.isOpened() ?? false;
    if (event.key === 'ArrowDown' && editing) return;
    if (event.key === 'Enter' && !editing) return; // Enter on a cell opens its editor
    const blank = () => {
      const last = this.rowAt(row);
      return !last || (last.__id === null && isUntouched(this.model, last, this.options.periodDate));
    };
    if (!editing) {
      if (!blank()) this.addRow(col);
      return;
    }
    // after Handsontable has committed the edit, and only if nothing added a row meanwhile (a ↓
    // pressed right after Enter)
    setTimeout(() => {
      if (row === hot.countRows() - 1 && !blank()) this.addRow(col);
    });
  }

  /** Puts the cursor on a problem's cell. */
  select(problem: CellProblem): void {
    const located = this.locate(problem);
    if (!located || !this.hot) return;
    this.hot.selectCell(located[0], located[1]);
    // the click was on the side panel: the grid takes the keyboard back, so typing fixes the cell
    this.takeKeyboard();
  }

  /** The visual row's 1-based number in the grid, for messages. */
  rowNumber(rowKey: string): number | null {
    const located = this.locate({ rowKey, field: '', message: '', level: 'error' });
    return located ? this.base + located[0] + 1 : null;
  }

  rowIdAt(visualRow: number): string | null {
    return this.rowAt(visualRow)?.__id ?? null;
  }

  /** The columns' keys in the order shown (moved columns included, hidden ones too): what a saved view keeps. */
  shownColumnOrder(): string[] {
    const hot = this.hot;
    if (!hot || hot.isDestroyed) return [];
    return Array.from({ length: hot.countCols() }, (_, col) => String(hot.colToProp(col)));
  }

  /** The sort and filter the rows were read with (the headers' marks): without a whole snapshot. */
  get currentQuery(): ServerQuery {
    return this.query;
  }

  snapshot(): GridSnapshot {
    const server = this.saver.allRejections().flatMap((rejection) => this.serverProblems(rejection.rowKey));
    const problems = [...server, ...[...this.clientProblems.values()].flat()];
    const status = this.saver.status;
    return {
      state: status.state,
      holdReason: status.holdReason,
      failure: status.failure,
      pending: this.saver.pending().length,
      loaded: this.rows.length,
      base: this.base,
      viewTop: this.viewTop,
      // the server's count, and the new rows not saved yet
      total: this.total + this.rows.filter((row) => row.__id === null).length,
      loading: this.loading,
      errors: problems.filter((p) => p.level === 'error'),
      warnings: problems.filter((p) => p.level === 'warning'),
      conflicts: this.saver.allConflicts(),
      query: this.query,
      filteredFields: Object.keys(this.query.filter),
      unfilteredTotal:
        Object.keys(this.query.filter).length > 0 || searchOf(this.query) !== null ? this.unfilteredTotal : null,
      unsupportedFilter: this.unsupportedFilter,
      notices: this.notices,
    };
  }

  /** The notices read: gone from the side panel. */
  dismissNotices(): void {
    this.notices = [];
    this.emit();
  }

  /** The server's reasons for refusing a row's change, as problems of its cells. */
  private serverProblems(rowKey: string): CellProblem[] {
    return (this.saver.rejection(rowKey)?.errors ?? []).map((e) => ({
      rowKey,
      field: e.path,
      message: e.message,
      level: 'error' as const,
    }));
  }

  // ── the record pane (record-pane.tsx) ─────────────────────────────────────────────────────

  /** The row with this key as the grid holds it now, null once it is gone (deleted, reloaded away). */
  rowByKey(rowKey: string): GridRow | null {
    return this.index.get(rowKey) ?? null;
  }

  /** The key of the row shown at a visual row. */
  rowKeyAt(visualRow: number): string | null {
    return visualRow >= 0 ? (this.rowAt(visualRow)?.__key ?? null) : null;
  }

  /** The visual row the cursor is on, if any. */
  selectedRow(): number | null {
    const row = this.hot?.getSelectedRangeActive()?.highlight.row ?? null;
    return row !== null && row >= 0 ? row : null;
  }

  /** The page's file panel and preview, for attachment cells (none: the cells only show their files). */
  attachmentHandlers: {
    open(rowKey: string, field: string): void;
    preview(ref: AttachmentRef, all: AttachmentRef[]): void;
  } | null = null;

  /** What attachment columns call (attachment-cell.ts), passed on to the page's handlers. */
  readonly attachmentActions: AttachmentActions = {
    open: (visualRow, field) => {
      const rowKey = this.rowKeyAt(visualRow);
      if (rowKey) this.attachmentHandlers?.open(rowKey, field);
    },
    preview: (ref, all) => this.attachmentHandlers?.preview(ref, all),
  };

  /**
   * A value given in the record pane, by the route a cell edit takes: Handsontable's change
   * hooks read it as typed text (beforeChange), check the row and queue it (afterChange), so
   * autosave, 未保存, the checks, conflicts and undo work as they do in the grid.
   */
  setValue(rowKey: string, field: string, value: unknown): void {
    const visualRow = this.visualRowOf(rowKey);
    if (visualRow === null) return;
    this.hot?.setDataAtRowProp(visualRow, field, value, 'recordPane');
  }

  /** A dialog over the grid (the file panel) closed: the grid takes the keyboard again. */
  focusGrid(): void {
    this.takeKeyboard();
  }

  /** The record pane has the keyboard: the grid stops taking keys (Delete would clear its cell). */
  releaseKeyboard(): void {
    if (this.hot?.isListening()) this.hot.unlisten();
  }

  /** The grid's cursor to a row the record pane shows, the row scrolled into view; the pane keeps the keyboard. */
  showRow(rowKey: string): void {
    const hot = this.hot;
    const visualRow = this.visualRowOf(rowKey);
    if (!hot || visualRow === null) return;
    const col = Math.max(0, hot.getSelectedRangeActive()?.highlight.col ?? 0);
    // the grid would take the focus for its cell editor (imeFastEdit): suspended, it leaves it
    // with the pane's input
    const focus = hot.getFocusManager();
    focus.suspend();
    try {
      hot.selectCell(visualRow, col, visualRow, col, true, false);
    } finally {
      focus.resume();
    }
    hot.unlisten();
  }

  private emit(): void {
    if (!this.disposed) this.options.onChange(this.snapshot());
  }
}
