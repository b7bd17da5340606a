import { memo, useEffect, useMemo, useRef } from 'react';
import { HotTable, type HotTableRef } from '@handsontable/react-wrapper';
import type Handsontable from 'handsontable/base';
import { textOf, type LedgerModel, type Locale } from '@taizhang/ledger-core';
import { HOT_LICENSE, HOT_SANITIZER, HOT_THEME } from './handsontable-setup';
import { columnTitle, gridColumns } from './grid-columns';
import type { GridController } from './grid-controller';
import { UNIT_COLUMN } from './grid-row';
import { filterOf, type ColumnCondition } from './server-query';

export interface GridWords {
  sortAscending: string;
  sortDescending: string;
  sortNone: string;
  history: string;
  unit: string;
  filterByValue: string;
  clearCells: string;
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
}: LedgerGridProps) {
  const ref = useRef<HotTableRef>(null);
  const withUnit = controller.columnKeys[0] === UNIT_COLUMN;
  /** The columns' keys, from `model` (the controller may not have the new model yet when it changes). */
  const columnKeys = useMemo(
    () => [...(withUnit ? [UNIT_COLUMN] : []), ...model.fields.map((field) => field.key)],
    [model, withUnit],
  );
  const columns = useMemo(
    () => gridColumns(model, locale, controller.renderer, readOnly, withUnit),
    [model, locale, controller, readOnly, withUnit],
  );
  const titles = useMemo(
    () =>
      columnKeys.map((key) => {
        const field = model.byKey.get(key);
        return field ? columnTitle(field, locale) : words.unit;
      }),
    [model, locale, columnKeys, words],
  );
  /** The field shown in a grid column (none for the unit's column). */
  const fieldAt = (col: number) => model.byKey.get(columnKeys[col] ?? '');

  useEffect(() => {
    const hot = ref.current?.hotInstance;
    if (!hot) return;
    controller.attach(hot);
    void controller.reload();
    return () => controller.dispose();
  }, [controller]);

  const sortItem = (name: string, desc: boolean | null) => ({
    name,
    callback(this: Handsontable.Core) {
      const field = fieldAt(this.getSelectedRangeLast()?.to.col ?? -1);
      if (field) void controller.sortBy(desc === null ? [] : [{ field: field.key, desc }]);
    },
  });

  return (
    <div className="ledger-grid" data-testid="ledger-grid">
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
        rowHeaders
        fixedColumnsStart={1}
        height="calc(100vh - 230px)"
        width="100%"
        readOnly={readOnly}
        autoRowSize={false}
        autoColumnSize={false}
        wordWrap={false}
        manualColumnResize
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
                return !fieldAt(this.getSelectedRangeLast()?.to.col ?? -1);
              },
              callback(this: Handsontable.Core) {
                const field = fieldAt(this.getSelectedRangeLast()?.to.col ?? -1);
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
        afterGetColHeader={(col, th) => {
          const field = fieldAt(col);
          const { query } = controller.snapshot();
          const order = field && query.orderBy.find((o) => o.field === field.key);
          th.dataset.sort = order ? (order.desc ? 'desc' : 'asc') : '';
          // a filtered column is marked, as Excel marks its AutoFilter button
          th.classList.toggle('column-filtered', Boolean(field && field.key in query.filter));
          // the field's help as the header's tooltip (an attribute: text, whatever it says)
          const help = field?.help ? textOf(field.help, locale) : '';
          if (help) th.title = help;
          else th.removeAttribute('title');
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
