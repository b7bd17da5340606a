import {
  FILTER_OPERATORS,
  isPeriod,
  hasUnstorableCharacter,
  ledgerDaySql,
  measureRowsSql,
  message,
  strictDate,
  quoteIdent,
  rowSearchConditionSql,
  rowSearchTextConditionSql,
  type RowSearch,
  rowSearchOf,
  specOf,
  textOf,
  type FieldDefinition,
  type FilterOperator,
  type LedgerModel,
  type MeasurePart,
  type Message,
  UNSTORABLE_TEXT,
} from '@taizhang/ledger-core';
import type { UnitScope } from './row-scope';
import { RowsException } from './rows.exception';

/** Sortable and filterable besides the fields. */
// a Map, not an object literal: `toString` or `__proto__` from a caller must find nothing
const SYSTEM_SORTS = new Map([
  ['id', 't.id'],
  ['updatedAt', 't.updated_at'],
  ['createdAt', 't.created_at'],
  ['period', 't.period'],
]);
const OPERATORS = FILTER_OPERATORS;
type Operator = FilterOperator;

export interface OrderInput {
  field: string;
  desc?: boolean | null;
}

/**
 * The contract's filter — `{ key: value }` or `{ key: { eq, ne, gt, gte, lt, lte, in, contains,
 * empty } }` — as SQL conditions on the ledger's table. Keys must be fields of the definition and
 * values are normalized by the field's type; everything travels as a parameter.
 */
export function filterSql(model: LedgerModel, filter: unknown, params: unknown[]): string[] {
  if (filter === null || filter === undefined) return [];
  if (typeof filter !== 'object' || Array.isArray(filter)) {
    throw RowsException.badInput('INVALID_FILTER', [
      { path: 'filter', message: message('筛选条件应为对象', 'The filter must be an object') },
    ]);
  }
  const conditions: string[] = [];
  const problems: { path: string; message: Message }[] = [];
  for (const [key, condition] of Object.entries(filter as Record<string, unknown>)) {
    if (key === 'id') {
      const ids = idsOf(condition);
      if (ids) {
        params.push(ids);
        conditions.push(`t.id = ANY($${params.length}::bigint[])`);
      } else
        problems.push({
          path: 'filter.id',
          message: message(
            `按编号筛选应为 { in: [编号…] }（至多 ${MAX_FILTER_IDS} 个）或一个编号`,
            `Filter by id takes { in: [ids…] } (at most ${MAX_FILTER_IDS}) or one id`,
          ),
        });
      continue;
    }
    const field = model.byKey.get(key);
    if (!field) {
      problems.push({ path: `filter.${key}`, message: message(`未知字段「${key}」`, `Unknown field "${key}"`) });
      continue;
    }
    const column = `t.${quoteIdent(field.key)}`;
    const clauses =
      condition !== null && typeof condition === 'object' && !Array.isArray(condition)
        ? Object.entries(condition as Record<string, unknown>)
        : [['eq', condition] as [string, unknown]];
    for (const [operator, operand] of clauses) {
      const path = `filter.${key}.${operator}`;
      if (!(OPERATORS as readonly string[]).includes(operator)) {
        problems.push({
          path,
          message: message(
            `未知的筛选运算「${operator}」（可用：${OPERATORS.join('、')}）`,
            `Unknown operator "${operator}" (one of ${OPERATORS.join(', ')})`,
          ),
        });
        continue;
      }
      const allowed = specOf(field).filters;
      if (!allowed.includes(operator as Operator)) {
        problems.push({
          path,
          message: message(
            `「${textOf(field.title, 'zh-CN')}」不能用 ${operator} 筛选（可用：${allowed.join('、')}）`,
            `"${textOf(field.title, 'en')}" cannot be filtered with ${operator} (one of ${allowed.join(', ')})`,
          ),
        });
        continue;
      }
      const sql = clause(field, column, operator as Operator, operand, params, (text) =>
        problems.push({ path, message: text }),
      );
      if (sql) conditions.push(sql);
    }
  }
  if (problems.length > 0) throw RowsException.badInput('INVALID_FILTER', problems);
  return conditions;
}

/** How many rows a filter by id may name (a live event's batch is read in pages of its ids). */
export const MAX_FILTER_IDS = 1000;

/**
 * The rows' ids of `{ id: { in: [...] } }` or `{ id: <one> }` (a live event's rows read again,
 * docs/live.md), null when it is not that: ids are positive whole numbers, as text or numbers.
 */
function idsOf(condition: unknown): string[] | null {
  const list =
    condition !== null && typeof condition === 'object' && !Array.isArray(condition)
      ? Object.keys(condition).length === 1 && 'in' in condition
        ? (condition as { in: unknown }).in
        : null
      : [condition];
  if (!Array.isArray(list) || list.length > MAX_FILTER_IDS) return null;
  const ids = list.map((id) => (typeof id === 'number' || typeof id === 'string' ? String(id) : ''));
  return ids.every((id) => /^[1-9]\d{0,17}$/.test(id)) ? ids : null;
}

function clause(
  field: FieldDefinition,
  column: string,
  operator: Operator,
  operand: unknown,
  params: unknown[],
  problem: (text: Message) => void,
): string | null {
  const spec = specOf(field);
  const value = (input: unknown): unknown => {
    const outcome = spec.normalize(input, field);
    if (!outcome.ok) {
      problem(outcome.problem);
      return undefined;
    }
    return outcome.value;
  };
  const param = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const isList = spec.valueKind === 'list';
  switch (operator) {
    case 'empty':
      if (typeof operand !== 'boolean') {
        problem(message('empty 的值应为 true 或 false', 'empty takes true or false'));
        return null;
      }
      return operand ? emptySql(column, spec.valueKind) : `${column} IS NOT NULL`;
    case 'in': {
      if (!Array.isArray(operand) || operand.length === 0 || operand.length > 1000) {
        problem(message('in 的值应为 1 至 1000 项的列表', 'in takes a list of 1 to 1000 values'));
        return null;
      }
      // a null in the list stands for empty cells (the value-list filter's 空白)
      const withEmpty = operand.some((item) => item === null);
      const values = operand
        .filter((item) => item !== null)
        .map((item) => value(isList ? [item] : item))
        .map((v) => (isList && Array.isArray(v) ? v[0] : v));
      if (values.some((v) => v === undefined)) return null;
      const any =
        values.length === 0
          ? null
          : isList
            ? `${column} && ${param(values)}::text[]`
            : `${column} = ANY(${param(values)})`;
      if (!withEmpty) return any;
      const empty = emptySql(column, spec.valueKind);
      return any ? `(${any} OR ${empty})` : empty;
    }
    case 'contains': {
      if (typeof operand !== 'string' || operand === '') {
        problem(message('contains 的值应为非空文本', 'contains takes a non-empty text'));
        return null;
      }
      if (hasUnstorableCharacter(operand)) {
        problem(UNSTORABLE_TEXT);
        return null;
      }
      if (isList) return `${column} @> ARRAY[${param(operand)}]::text[]`;
      const escaped = operand.replace(/[\\%_]/g, (c) => `\\${c}`);
      return `${column}::text ILIKE ${param(`%${escaped}%`)}`;
    }
    default: {
      const v = value(operand);
      if (v === undefined) return null;
      if (v === null) return operator === 'ne' ? `${column} IS NOT NULL` : `${column} IS NULL`;
      const sqlOperator = { eq: '=', ne: 'IS DISTINCT FROM', gt: '>', gte: '>=', lt: '<', lte: '<=' }[operator];
      return `${column} ${sqlOperator} ${param(v)}`;
    }
  }
}

/** The longest search, in characters. */
export const MAX_SEARCH = 100;

/**
 * A search as asked, checked: trimmed (control characters count as spaces), null when blank,
 * refused by name when too long or when the ledger has no searched fields.
 */
export function searchNeedleOf(model: LedgerModel, search: string | null | undefined): SearchAsked | null {
  if (search === null || search === undefined) return null;
  const problem = (reason: string, text: Message) =>
    RowsException.badInput(reason, [{ path: 'search', message: text }]);
  if (hasUnstorableCharacter(search)) throw problem('INVALID_SEARCH', UNSTORABLE_TEXT);
  const needle = search.replace(/\p{Cc}/gu, ' ').trim();
  if (needle === '') return null;
  if ([...needle].length > MAX_SEARCH) {
    throw problem(
      'SEARCH_TOO_LONG',
      message(`搜索内容最多 ${MAX_SEARCH} 个字`, `A search is at most ${MAX_SEARCH} characters`),
    );
  }
  const searched = rowSearchOf(model);
  if (!searched) {
    throw problem(
      'NOTHING_TO_SEARCH',
      message('本台账没有可搜索的文字字段', 'This ledger has no text fields to search'),
    );
  }
  return { needle, search: searched };
}

/** A search as asked, checked, and the ledger's search (compile/row-search.ts). */
export interface SearchAsked {
  needle: string;
  search: RowSearch;
}

/**
 * How a search's rows are picked (docs/grid.md "Search"): by their keys from the search table
 * (a rare word: a probe per match), or by their own texts on the rows the page reads in its order
 * (a common word, when a filter or a sort by a column keeps the page from the search table alone).
 */
export type SearchBy = 'keys' | 'text';

/**
 * The rows query's `search` (docs/grid.md "Search"): the rows whose searched texts contain it,
 * as a condition on `t`; nothing for an empty search. Letters' case does not matter; `%`, `_`
 * and `\` are themselves; control characters count as spaces.
 */
export function searchSql(
  model: LedgerModel,
  search: string | null | undefined,
  params: unknown[],
  by: SearchBy = 'keys',
): string[] {
  const asked = searchNeedleOf(model, search);
  if (!asked) return [];
  params.push(asked.needle);
  const param = `$${params.length}`;
  return [
    by === 'keys'
      ? rowSearchConditionSql(asked.search.ledgerTable, param)
      : rowSearchTextConditionSql(asked.search, param),
  ];
}

/** A cell that holds nothing: NULL, an empty text, a list with nothing picked. */
function emptySql(column: string, valueKind: string): string {
  if (valueKind === 'text') return `(${column} IS NULL OR ${column} = '')`;
  if (valueKind === 'list') return `(${column} IS NULL OR cardinality(${column}) = 0)`;
  if (valueKind === 'files') return `(${column} IS NULL OR jsonb_array_length(${column}) = 0)`;
  return `${column} IS NULL`;
}

/** ORDER BY from the contract's orderBy, always ending in the id so that pages are stable. */
export function orderSql(model: LedgerModel, orderBy: OrderInput[] | null | undefined): string {
  const parts: string[] = [];
  const problems: { path: string; message: Message }[] = [];
  (orderBy ?? []).forEach((order, i) => {
    const column =
      SYSTEM_SORTS.get(order.field) ?? (model.byKey.has(order.field) ? `t.${quoteIdent(order.field)}` : null);
    if (!column) {
      problems.push({
        path: `orderBy.${i}.field`,
        message: message(
          `不能按「${order.field}」排序：没有这个字段`,
          `Cannot sort by "${order.field}": no such field`,
        ),
      });
      return;
    }
    parts.push(`${column} ${order.desc ? 'DESC NULLS LAST' : 'ASC NULLS LAST'}`);
  });
  if (problems.length > 0) throw RowsException.badInput('INVALID_ORDER', problems);
  // the id is never empty and tells every row apart: a sort by it ends there, in its own direction
  // (`t.id DESC NULLS LAST` is not the order of an index on id read backward, NULLS FIRST)
  const byId = (orderBy ?? []).findIndex((order) => order.field === 'id');
  if (byId >= 0) return [...parts.slice(0, byId), `t.id ${orderBy![byId].desc ? 'DESC' : 'ASC'}`].join(', ');
  parts.push(parts.length > 0 && orderBy?.[orderBy.length - 1]?.desc ? 't.id DESC' : 't.id ASC');
  return parts.join(', ');
}

/**
 * The sort of a page by at most one column before `t.id` (its SQL and direction; `column` null:
 * by id alone), as orderSql writes it: what a page read from a boundary key (rows.service.ts)
 * needs. Null for a sort by more columns. Call after orderSql, which refuses unknown fields.
 */
export function singleSortOf(
  model: LedgerModel,
  orderBy: OrderInput[] | null | undefined,
): { column: string | null; desc: boolean } | null {
  if (!orderBy || orderBy.length === 0) return { column: null, desc: false };
  if (orderBy.length > 1) return null;
  const [order] = orderBy;
  const column =
    SYSTEM_SORTS.get(order.field) ?? (model.byKey.has(order.field) ? `t.${quoteIdent(order.field)}` : null);
  return column ? { column, desc: Boolean(order.desc) } : null;
}

/**
 * The rows of a read (a page, an export; with `deleted`, the recycle bin): the scope's units, the
 * period, the filter, the search; values go into `params`. Row-level security holds the units too: this keeps
 * the plan on the index.
 */
export function rowConditions(
  model: LedgerModel,
  scope: UnitScope,
  query: {
    period?: string | null;
    filter?: unknown;
    deleted?: boolean;
    drill?: MeasureDrill | null;
    search?: string | null;
    /** How the search's rows are picked; by their keys when not said. */
    searchBy?: SearchBy;
  },
  params: unknown[],
): string[] {
  // live rows, or (the recycle bin) the deleted ones
  const where = [query.deleted ? 't.deleted_at IS NOT NULL' : 't.deleted_at IS NULL'];
  if ('units' in scope && scope.units.length === 1) {
    // one unit (a clerk's, or the one asked for): an equality, which the (unit_id, <order>, id)
    // indexes serve in their order; `= ANY` of an array cannot give the rows sorted by the next column
    params.push(scope.units[0]);
    where.push(`t.unit_id = $${params.length}`);
  } else if ('units' in scope) {
    params.push(scope.units);
    where.push(`t.unit_id = ANY($${params.length})`);
  }
  if (query.period !== null && query.period !== undefined) {
    if (!isPeriod(model.definition.period, query.period)) throw RowsException.badPeriod(query.period);
    params.push(query.period);
    where.push(`t.period = $${params.length}`);
  }
  where.push(...filterSql(model, query.filter, params));
  if (query.drill) where.push(...drillSql(model, query.drill, params));
  where.push(...searchSql(model, query.search, params, query.searchBy));
  return where;
}

/**
 * The rows behind a statistic (a dashboard's drill-down): from–to (inclusive) on the ledger's date
 * as statistics read it, and a measure's rows (measureRowsSql: the same conditions the statistic
 * counts with, so the rows listed and the number shown cannot disagree).
 */
export interface MeasureDrill {
  from?: string | null;
  to?: string | null;
  measure?: string | null;
  /** COUNTED when not said. */
  part?: MeasurePart | null;
  /** today() in a measure's condition: the server's clock, as statistics use it. */
  now: Date;
}

/**
 * The days from … to (YYYY-MM-DD, both included) on a ledger's day — as statistics count them and
 * a drill-down lists them; a text that is not a date is a problem named `from` or `to`.
 */
export function dateRangeSql(
  daySql: string,
  range: { from?: string | null; to?: string | null },
  params: unknown[],
  problems: { path: string; message: Message }[],
): string[] {
  const where: string[] = [];
  for (const [path, value, operator] of [
    ['from', range.from, '>='],
    ['to', range.to, '<='],
  ] as const) {
    if (value === null || value === undefined || value === '') continue;
    if (!strictDate(value)) {
      problems.push({
        path,
        message: message(`「${value}」不是有效日期（YYYY-MM-DD）`, `"${value}" is not a date (YYYY-MM-DD)`),
      });
      continue;
    }
    params.push(value);
    where.push(`${daySql} ${operator} $${params.length}::date`);
  }
  return where;
}

export function drillSql(model: LedgerModel, drill: MeasureDrill, params: unknown[]): string[] {
  const where: string[] = [];
  const problems: { path: string; message: Message }[] = [];
  where.push(...dateRangeSql(ledgerDaySql(model, 't'), drill, params, problems));
  if (drill.measure !== null && drill.measure !== undefined) {
    const measures = model.definition.measures ?? [];
    const measure = measures.find((m) => m.key === drill.measure);
    const part = drill.part ?? 'COUNTED';
    const sql = measure
      ? measureRowsSql(measure, measures, part, { alias: 't', types: model.types, params, now: drill.now })
      : null;
    if (!measure) {
      problems.push({
        path: 'measure',
        message: message(`未知的统计项「${drill.measure}」`, `Unknown measure "${drill.measure}"`),
      });
    } else if (sql === null) {
      problems.push({
        path: 'measurePart',
        message: message(
          `统计项「${textOf(measure.title, 'zh-CN')}」不能按 ${part} 列出行`,
          `The rows of "${textOf(measure.title, 'en')}" cannot be listed as ${part}`,
        ),
      });
    } else {
      where.push(`(${sql})`);
    }
  } else if (drill.part !== null && drill.part !== undefined) {
    problems.push({
      path: 'measurePart',
      message: message('measurePart 需与 measure 一起使用', 'measurePart needs a measure'),
    });
  }
  if (problems.length > 0) throw RowsException.badInput('INVALID_DRILL', problems);
  return where;
}
