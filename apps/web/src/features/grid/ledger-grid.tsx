import { memo, useEffect, useMemo, useRef } from 'react';
import { HotTable, type HotTableRef } from '@handsontable/react-wrapper';
import type Handsontable from 'handsontable/base';
import { textOf, type LedgerModel, type Locale } from '@taizhang/ledger-core';
import { HOT_LICENSE, HOT_SANITIZER, HOT_THEME } from './handsontable-setup';
import { columnTitle, gridColumns } from './grid-columns';
import type { GridController } from './grid-controller';
import { UNIT_COLUMN } from './grid-row';
import { filterOf, type ColumnCondition } from './server-query';
import { hiddenIndexes, indexSequence, NO_VIEW_LAYOUT, type ColumnLayoutStore, type ViewLayout } from './column-layout';

const RECORD_SHORTCUT = 'taizhang.recordPane';

export interface GridWords {
  sortAscending: string;
  sortDescending: string;
  sortNone: string;
  history: string;
  unit: string;
  filterByValue: string;
  clearCells: string;
  openRecord: string;
}

interface LedgerGridProps {
  controller: GridController;
  model: LedgerModel;
  locale: Locale;
  readOnly: boolean;
  words: GridWords;
  onHistory(rowId: string): void;
  /** 按值筛选 chosen in a column's menu: the page opens the value list of that field. */
  onValueFilter(field: string): void;
  /** The user's widths and order of this ledger's columns (column-layout.ts). */
  layout: ColumnLayoutStore;
  /** Open a row (by its visual index) in the record pane. */
  onRecord(visualRow: number): void;
  /** A submitted sheet: 申请更正 / 更正 of the selected cell (the menu item says `label`). */
  correction?: { label: string; onCorrect(visualRow: number, field: string): void } | null;
  /** Cells corrected after submission, by `<row id>/<field>`: their mark's tooltip (the reason…). */
  corrected?: ReadonlyMap<string, string>;
  /** A saved view's columns and rows (docs/views.md): hidden, order, frozen, row height. */
  view?: ViewLayout | null;
}

/**
 * The Handsontable sheet of one ledger. Rendered once per controller: edits flow through the
 * controller's hooks, never through React state, so typing never re-renders the page. The
 * columns follow `model`: a republished definition gives the same grid new columns.
 */
export const LedgerGrid = memo(function LedgerGrid({
  controller,
  model,
  locale,
  readOnly,
  words,
  onHistory,
  onValueFilter,
  layout,
  onRecord,
  correction = null,
  corrected,
  view = null,
}: LedgerGridProps) {
  const ref = useRef<HotTableRef>(null);
  // read by afterRenderer on every cell drawn: a ref, and a render when the marks change
  const marks = useRef<ReadonlyMap<string, string>>(new Map());
  useEffect(() => {
    marks.current = corrected ?? new Map();
    const hot = ref.current?.hotInstance;
    if (hot && !hot.isDestroyed) hot.render();
  }, [corrected]);
  const withUnit = controller.columnKeys[0] === UNIT_COLUMN;
  /** The columns' keys, from `model` (the controller may not have the new model yet when it changes). */
  const columnKeys = useMemo(
    () => [...(withUnit ? [UNIT_COLUMN] : []), ...model.fields.map((field) => field.key)],
    [model, withUnit],
  );
  const columns = useMemo(
    () =>
      // the widths the user dragged, over the field types' own
      gridColumns(
        model,
        locale,
        controller.renderer,
        readOnly,
        withUnit,
        controller.referencePicking,
        controller.attachmentActions,
      ).map((column) => {
        const width = layout.width(String(column.data));
        return width ? { ...column, width } : column;
      }),
    [model, locale, controller, readOnly, withUnit, layout],
  );
  const titles = useMemo(
    () =>
      columnKeys.map((key) => {
        const field = model.byKey.get(key);
        return field ? columnTitle(field, locale) : words.unit;
      }),
    [model, locale, columnKeys, words],
  );
  /** The field shown in a grid column, by its physical index (none for the unit's column). */
  const fieldAt = (col: number) => model.byKey.get(columnKeys[col] ?? '');
  /** The same by the column's place on screen (columns can be moved). */
  const fieldAtVisual = (col: number) => {
    const physical = ref.current?.hotInstance?.toPhysicalColumn(col);
    return physical === null || physical === undefined ? undefined : fieldAt(physical);
  };
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const hot = ref.current?.hotInstance;
    if (!hot) return;
    controller.attach(hot);
    void controller.open();
    return () => controller.dispose();
  }, [controller]);

  // Alt+Enter on a cell opens its row in the record pane (Enter alone opens the cell's editor)
  useEffect(() => {
    const hot = ref.current?.hotInstance;
    const grid = hot?.getShortcutManager().getContext('grid');
    if (!hot || !grid) return;
    grid.addShortcut({
      keys: [['Alt', 'Enter']],
      group: RECORD_SHORTCUT,
      runOnlyIf: () => (hot.getSelectedRangeActive()?.highlight.row ?? -1) >= 0,
      callback: () => {
        const row = hot.getSelectedRangeActive()?.highlight.row ?? -1;
        if (row >= 0) onRecord(row);
      },
    });
    return () => {
      if (!hot.isDestroyed) grid.removeShortcutsByGroup(RECORD_SHORTCUT);
    };
  }, [onRecord]);

  // the user's column order (or a view's), again whenever the columns are rebuilt (a republished
  // definition) or another view is chosen
  const viewOrder = view?.order;
  useEffect(() => {
    const hot = ref.current?.hotInstance;
    if (!hot || hot.isDestroyed || columnKeys.length !== hot.countCols()) return;
    const sequence = indexSequence(columnKeys, viewOrder?.length ? viewOrder : layout.current.order);
    const now = hot.columnIndexMapper.getIndexesSequence();
    if (sequence.every((physical, visual) => physical === now[visual])) return;
    hot.columnIndexMapper.setIndexesSequence(sequence);
    hot.render();
  }, [columns, columnKeys, layout, viewOrder]);
  const shown = view ?? NO_VIEW_LAYOUT;
  const hiddenColumns = useMemo(
    () => ({ columns: hiddenIndexes(columnKeys, shown.hidden), indicators: false }),
    [columnKeys, shown.hidden],
  );

  // Handsontable measures its container on window resize only; the page around it (the side
  // panel, the record pane opening) changes its width too. Re-measured on every change of the
  // box, so the grid follows both ways and the page never scrolls sideways.
  useEffect(() => {
    const element = box.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        const hot = ref.current?.hotInstance;
        if (hot && !hot.isDestroyed) hot.refreshDimensions();
      });
    });
    observer.observe(element);
    return () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
    };
  }, []);

  const sortItem = (name: string, desc: boolean | null) => ({
    name,
    callback(this: Handsontable.Core) {
      const field = fieldAtVisual(this.getSelectedRangeLast()?.to.col ?? -1);
      if (field) void controller.sortBy(desc === null ? [] : [{ field: field.key, desc }]);
    },
  });

  return (
    <div className="ledger-grid" data-testid="ledger-grid" ref={box}>
      <HotTable
        ref={ref}
        themeName={HOT_THEME}
        licenseKey={HOT_LICENSE}
        sanitizer={HOT_SANITIZER}
        language={locale === 'en' ? 'en-US' : 'zh-CN'}
        data={controller.rows}
        dataSchema={controller.dataSchema}
        columns={columns}
        colHeaders={titles}
        rowHeaders={controller.rowHeader}
        afterSelectionEnd={controller.afterSelectionEnd}
        fixedColumnsStart={shown.frozen}
        hiddenColumns={hiddenColumns}
        rowHeights={shown.rowHeight ?? undefined}
        height="calc(100vh - 230px)"
        width="100%"
        readOnly={readOnly}
        autoRowSize={false}
        autoColumnSize={false}
        wordWrap={false}
        manualColumnResize
        manualColumnMove
        afterColumnResize={(width, col) => {
          const key = ref.current?.hotInstance?.colToProp(col);
          if (key !== undefined) layout.setWidth(String(key), width);
        }}
        afterColumnMove={(_moved, _final, _drop, _possible, orderChanged) => {
          const hot = ref.current?.hotInstance;
          if (!hot || !orderChanged) return;
          layout.setOrder(Array.from({ length: hot.countCols() }, (_, col) => String(hot.colToProp(col))));
        }}
        fillHandle={readOnly ? false : 'vertical'}
        outsideClickDeselects={false}
        undo
        imeFastEdit
        contextMenu={{
          items: {
            ...(readOnly
              ? {}
              : {
                  row_above: {},
                  row_below: {},
                  remove_row: {},
                  // 清除内容: as the Delete key, for those who reach for the menu
                  clear_cells: {
                    name: words.clearCells,
                    callback(this: Handsontable.Core) {
                      this.emptySelectedCells();
                    },
                  },
                  sep1: '---------',
                  undo: {},
                  redo: {},
                  sep2: '---------',
                }),
            copy: {},
            ...(correction
              ? {
                  correct_cell: {
                    name: correction.label,
                    disabled(this: Handsontable.Core) {
                      const range = this.getSelectedRangeLast();
                      const field = fieldAtVisual(range?.to.col ?? -1);
                      const row = range?.to.row ?? -1;
                      return (
                        row < 0 ||
                        controller.rowIdAt(row) === null ||
                        !field ||
                        Boolean(field.formula) ||
                        field.key === model.definition.periodField
                      );
                    },
                    callback(this: Handsontable.Core) {
                      const range = this.getSelectedRangeLast();
                      const field = fieldAtVisual(range?.to.col ?? -1);
                      const row = range?.to.row ?? -1;
                      if (row >= 0 && field) correction.onCorrect(row, field.key);
                    },
                  },
                }
              : {}),
            record: {
              name: words.openRecord,
              disabled(this: Handsontable.Core) {
                return (this.getSelectedRangeLast()?.to.row ?? -1) < 0;
              },
              callback(this: Handsontable.Core) {
                const row = this.getSelectedRangeLast()?.to.row ?? -1;
                if (row >= 0) onRecord(row);
              },
            },
            row_history: {
              name: words.history,
              disabled(this: Handsontable.Core) {
                const row = this.getSelectedRangeLast()?.to.row ?? null;
                return row === null || controller.rowIdAt(row) === null;
              },
              callback(this: Handsontable.Core) {
                const row = this.getSelectedRangeLast()?.to.row ?? null;
                const id = row === null ? null : controller.rowIdAt(row);
                if (id) onHistory(id);
              },
            },
          },
        }}
        dropdownMenu={{
          items: {
            sort_asc: sortItem(words.sortAscending, false),
            sort_desc: sortItem(words.sortDescending, true),
            sort_none: sortItem(words.sortNone, null),
            sep1: '---------',
            filter_by_value_list: {
              name: words.filterByValue,
              disabled(this: Handsontable.Core) {
                return !fieldAtVisual(this.getSelectedRangeLast()?.to.col ?? -1);
              },
              callback(this: Handsontable.Core) {
                const field = fieldAtVisual(this.getSelectedRangeLast()?.to.col ?? -1);
                if (field) onValueFilter(field.key);
              },
            },
            sep2: '---------',
            filter_by_condition: {},
            filter_operators: {},
            filter_by_condition2: {},
            filter_action_bar: {},
          },
        }}
        filters
        beforeFilter={(conditions) => {
          const columnsConditions: ColumnCondition[] = conditions.map((c) => ({
            field: fieldAt(c.column)?.key ?? '',
            operation: c.operation,
            conditions: c.conditions,
          }));
          const outcome = filterOf(model, columnsConditions);
          void controller.filterBy(outcome.ok ? outcome.filter : null, outcome.ok ? null : outcome.unsupported);
          return false; // the server filters the whole ledger; the grid shows what it returns
        }}
        afterGetColHeader={function (this: Handsontable.Core, col: number, th: HTMLTableCellElement) {
          const physical = col < 0 ? null : this.toPhysicalColumn(col);
          const field = physical === null ? undefined : fieldAt(physical);
          const query = controller.currentQuery; // per header cell on every render: not a snapshot
          const order = field && query.orderBy.find((o) => o.field === field.key);
          th.dataset.sort = order ? (order.desc ? 'desc' : 'asc') : '';
          // a filtered column is marked, as Excel marks its AutoFilter button
          th.classList.toggle('column-filtered', Boolean(field && field.key in query.filter));
          // the field's help as the header's tooltip (an attribute: text, whatever it says)
          const help = field?.help ? textOf(field.help, locale) : '';
          if (help) th.title = help;
          else th.removeAttribute('title');
        }}
        afterRenderer={(td, row, _col, prop) => {
          // a cell corrected after submission (更正): a corner mark, the reason as its tooltip
          const id = marks.current.size > 0 ? controller.rowIdAt(row) : null;
          const mark = id === null ? undefined : marks.current.get(`${id}/${String(prop)}`);
          td.classList.toggle('cell-corrected', mark !== undefined);
          // the renderer has just set (or removed) the cell's own tooltip: the mark's goes first
          if (mark !== undefined) td.title = td.title ? `${mark}\n${td.title}` : mark;
        }}
        beforeChange={controller.beforeChange}
        beforeCopy={controller.beforeCopy}
        beforeKeyDown={controller.beforeKeyDown}
        afterChange={controller.afterChange}
        afterCreateRow={controller.afterCreateRow}
        beforeRemoveRow={controller.beforeRemoveRow}
        afterRemoveRow={controller.afterRemoveRow}
        afterScrollVertically={() => void controller.loadMoreIfNeeded()}
      />
    </div>
  );
});
