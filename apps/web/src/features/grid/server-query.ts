import type { LedgerModel } from '@taizhang/ledger-core';
import { cellInput } from './cell-input';

/** The grid's column-menu sorting and filtering and its search box, as the `rows` query's `orderBy`, `filter` and `search`. */
export interface ServerQuery {
  orderBy: { field: string; desc: boolean }[];
  filter: Record<string, Record<string, unknown>>;
  /** The search box's text (docs/grid.md "Search"); absent or '' for none. */
  search?: string;
}

/** The `search` variable of a query: null for none. */
export const searchOf = (query: ServerQuery): string | null => (query.search?.trim() ? query.search : null);

export const NO_QUERY: ServerQuery = { orderBy: [], filter: {} };

/** Handsontable's filter conditions (the Filters plugin's stack), one field at a time. */
export interface ColumnCondition {
  field: string;
  operation: string;
  conditions: { name: string; args: unknown[] }[];
}

export type FilterOutcome = { ok: true; filter: ServerQuery['filter'] } | { ok: false; unsupported: string };

/**
 * Conditions joined by AND, each one the API can run in SQL: eq ne gt gte lt lte between
 * contains empty not_empty. Arguments are read like typed text ("2023/3/1", "50%").
 */
export function filterOf(model: LedgerModel, columns: ColumnCondition[]): FilterOutcome {
  const filter: ServerQuery['filter'] = {};
  for (const column of columns) {
    const field = model.byKey.get(column.field);
    if (!field) continue;
    if (column.conditions.length > 1 && column.operation !== 'conjunction') return { ok: false, unsupported: 'or' };
    const target: Record<string, unknown> = (filter[field.key] ??= {});
    const arg = (i: number, condition: { args: unknown[] }) => cellInput(model, field, condition.args[i] ?? null);
    for (const condition of column.conditions) {
      switch (condition.name) {
        case 'eq':
        case 'gt':
        case 'gte':
        case 'lt':
        case 'lte':
          target[condition.name] = arg(0, condition);
          break;
        case 'neq':
          target.ne = arg(0, condition);
          break;
        case 'between':
          target.gte = arg(0, condition);
          target.lte = arg(1, condition);
          break;
        case 'contains':
          target.contains = String(condition.args[0] ?? '');
          break;
        case 'empty':
          target.empty = true;
          break;
        case 'not_empty':
          target.empty = false;
          break;
        default:
          return { ok: false, unsupported: condition.name };
      }
    }
  }
  return { ok: true, filter };
}

/** Clicking a header: ascending, then descending, then unsorted. */
export function nextSort(current: ServerQuery['orderBy'], field: string): ServerQuery['orderBy'] {
  const now = current.find((order) => order.field === field);
  if (!now) return [{ field, desc: false }];
  return now.desc ? [] : [{ field, desc: true }];
}
