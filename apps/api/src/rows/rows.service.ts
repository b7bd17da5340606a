import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  message,
  quoteIdent,
  rowSearchCountSql,
  rowSearchPageConditionSql,
  rowSearchShareSql,
  SEARCH_MANY_MATCHES,
  textOf,
  type LedgerModel,
} from '@taizhang/ledger-core';
import type { Principal } from '../identity/principal';
import { seesRedactedValues } from '../identity/access-policy';
import { parseId } from '../common/graphql/ids';
import { RowAccess } from '../ledger-data/row-access.service';
import {
  filterSql,
  orderSql,
  rowConditions,
  searchNeedleOf,
  singleSortOf,
  type MeasureDrill,
  type OrderInput,
  type SearchAsked,
  type SearchBy,
} from '../ledger-tables/row-filter';
import { ascendingPageSql, BOUNDARY_FROM, boundaryPageSql, positionSql, unitOrderedFields } from './far-rows';
import { Clock } from '../common/time/clock';
import { changeDisplays, type ReferenceDisplay } from '../ledger-tables/reference-labels';
import { readAtOnceInUnitScope, readInUnitScope, type ReadStatement, type UnitScope } from '../ledger-tables/row-scope';
import { rowColumns, rowFromDb, tableOf, valuesFor, type RowRecord } from '../ledger-tables/row-sql';
import type { WriteSource } from '../ledger-tables/row-write';
import { RowsException } from '../ledger-tables/rows.exception';

export const MAX_PAGE = 1000;

/** A row in the recycle bin. */
export interface DeletedRow {
  row: RowRecord;
  deletedAt: Date;
  /** The user who deleted it; null when nobody signed in did. */
  deletedBy: string | null;
}

export interface RowsQuery {
  ledger: string;
  unitId?: string | null;
  period?: string | null;
  filter?: unknown;
  orderBy?: OrderInput[] | null;
  first?: number | null;
  after?: string | null;
  /**
   * The position of the page's first row in this ordering (0 = the first row): the grid's jump to a
   * far row or its scrollbar dragged. Given, it wins over `after`.
   */
  offset?: number | null;
  /** A dashboard's drill-down: the rows behind a statistic (row-filter.ts, drillSql). */
  drill?: Drill | null;
  /** The rows whose searched texts contain this (row-filter.ts, searchSql; docs/grid.md "Search"). */
  search?: string | null;
  /** Count every matching row (totalCount); false when the caller did not ask for it. Default true. */
  withTotal?: boolean;
}

/** What a caller asks of a drill-down; the server's clock is added. */
export type Drill = Omit<MeasureDrill, 'now'>;

/** At most this many distinct values are listed for a column. */
export const MAX_VALUES = 500;

export interface FieldValuesQuery {
  ledger: string;
  field: string;
  unitId?: string | null;
  period?: string | null;
  filter?: unknown;
  first?: number | null;
  drill?: Drill | null;
  search?: string | null;
}

export interface FieldValues {
  values: { value: unknown; count: number }[];
  complete: boolean;
}

const unknownField = (key: string) => message(`未知字段「${key}」`, `Unknown field "${key}"`);

export interface RowPage {
  /** Every matching row's count; null when not asked for (withTotal: false). */
  totalCount: number | null;
  rows: RowRecord[];
  /** The position of the page's first row in this ordering (0 = the first row of all). */
  offset: number;
  hasNextPage: boolean;
}

export interface HistoryEntry {
  op: string;
  source: WriteSource;
  version: number;
  changedAt: Date;
  changedBy: string | null;
  /** A change made by another system: its API token's name (changedBy: the admin who made the token). */
  apiToken: string | null;
  oldValues: Record<string, unknown> | null;
  newValues: Record<string, unknown> | null;
  /** What the references among oldValues and newValues say (reference-labels.ts). */
  oldDisplay: ReferenceDisplay | null;
  newDisplay: ReferenceDisplay | null;
  /** A correction of a submitted sheet (reporting/corrections.service.ts): why, who asked, who approved. */
  correction: {
    id: string;
    field: string;
    reason: string;
    requestedBy: string | null;
    decidedBy: string | null;
  } | null;
}

/** The furthest position a page may start at (the cursor's nine digits). */
const MAX_OFFSET = 999_999_999;

/** The cursor is the position after a row in this ordering, opaque to clients. */
export const encodeCursor = (offset: number) => Buffer.from(`o:${offset}`).toString('base64url');
function decodeCursor(cursor: string): number {
  const match = /^o:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match)
    throw RowsException.badInput('INVALID_CURSOR', [
      { path: 'after', message: message('无效的分页游标', 'Invalid cursor') },
    ]);
  return Number(match[1]);
}

/** Where a page starts: the position asked, else after the cursor, else the first row. */
function offsetOf(offset: number | null | undefined, after: string | null | undefined): number {
  if (offset === null || offset === undefined) return after ? decodeCursor(after) : 0;
  if (!Number.isInteger(offset) || offset < 0 || offset > MAX_OFFSET) {
    throw RowsException.badInput('INVALID_OFFSET', [
      {
        path: 'offset',
        message: message(
          `起始位置须为 0 至 ${MAX_OFFSET} 的整数`,
          `offset must be a whole number from 0 to ${MAX_OFFSET}`,
        ),
      },
    ]);
  }
  return offset;
}

/** A page's size as asked (100 when not), refused by name outside 0 to MAX_PAGE. */
function pageSizeOf(asked: number | null | undefined): number {
  const first = asked ?? 100;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE) {
    throw RowsException.badInput('INVALID_PAGE_SIZE', [
      { path: 'first', message: message(`每页 0 至 ${MAX_PAGE} 行`, `first must be 0 to ${MAX_PAGE}`) },
    ]);
  }
  return first;
}

/**
 * The SQL of a page: its rows (one more than asked, to know whether more follow), then its total.
 * The page reads only its rows: with an index in its order (compile/table-state.ts, unitOrdered),
 * a scan that stops at the LIMIT. The total is a count of its own, sent in the same message when
 * asked for; never a window over the page query, which would read and sort every matching row.
 * With a search, `share` is the share of the caller's rows it is expected to match (`tze_…`, asked
 * first): it picks how the page finds them (searchPageStatements).
 */
export function pageStatements(
  model: LedgerModel,
  scope: UnitScope,
  query: Omit<RowsQuery, 'drill' | 'ledger'> & { drill?: MeasureDrill | null },
  first: number,
  offset: number,
  share?: number,
): [page: ReadStatement, count: ReadStatement] {
  const searched = searchNeedleOf(model, query.search);
  if (searched && share !== undefined) {
    return searchPageStatements(model, scope, query, { ...searched, share }, first, offset);
  }
  const params: unknown[] = [];
  const conditions = rowConditions(model, scope, query, params).join(' AND ');
  return [pageOf(model, query, conditions, params, first, offset), countOf(model, conditions, params)];
}

/** The page's statement over `conditions`, in the query's order; its rows past the offset. */
function pageOf(
  model: LedgerModel,
  query: Pick<RowsQuery, 'orderBy'>,
  conditions: string,
  params: unknown[],
  first: number,
  offset: number,
): ReadStatement {
  const table = tableOf(model);
  const order = orderSql(model, query.orderBy);
  const sort = singleSortOf(model, query.orderBy);
  const sortedBy = query.orderBy?.[0]?.field;
  // no rows asked (first: 0, a count): only whether one lies past the offset, in any order — an
  // ORDER BY that no index serves (every unit by id) would sort every row for nothing
  if (first === 0)
    return { sql: `SELECT 1 AS present FROM ${table} t WHERE ${conditions} LIMIT 1 OFFSET ${offset}`, params };
  const sql =
    sort && offset >= BOUNDARY_FROM
      ? boundaryPageSql(model, sort, conditions, order, first + 1, offset)
      : sort?.column && !sort.desc && sortedBy && unitOrderedFields(model).has(sortedBy)
        ? ascendingPageSql(model, sort.column, conditions, first + 1, offset)
        : `SELECT ${rowColumns(model)} FROM ${table} t WHERE ${conditions} ORDER BY ${order} LIMIT ${first + 1} OFFSET ${offset}`;
  return { sql, params };
}

const countOf = (model: LedgerModel, conditions: string, params: unknown[]): ReadStatement => ({
  sql: `SELECT count(*)::int AS n FROM ${tableOf(model)} t WHERE ${conditions}`,
  params,
});

/**
 * How a search's page finds its rows (docs/grid.md "Search"):
 * - `keyed`: nothing else narrows the rows (no period, filter or drill-down) and the page is in the
 *   grid's own order (by id, either way): the search table gives the page's keys (`tzk_…`), so
 *   the ledger table is read for the page's rows only;
 * - `walked`: an index walks the page's order (one unit's rows or every unit's, by id or by a field
 *   kept in order: (unit_id, id) and (id), (unit_id, <field> …, id) and (<field> …, id),
 *   compile/table-change-sql.ts): a word expected in many rows (SEARCH_MANY_MATCHES) is picked by its
 *   texts on the rows the walk reads, a rarer one by its keys;
 * - `keys`: otherwise (a few units of many, a sort by a text column, by several columns), by the
 *   keys of its matches, a probe each.
 */
export function searchPathOf(
  model: LedgerModel,
  scope: UnitScope,
  query: Omit<RowsQuery, 'drill' | 'ledger'> & { drill?: MeasureDrill | null },
): 'keyed' | 'walked' | 'keys' {
  const sort = singleSortOf(model, query.orderBy);
  if (sort === null) return 'keys';
  const byId = sort.column === null || sort.column === 't.id';
  if (byId && searchedAlone(model, query)) return 'keyed';
  const sortedBy = query.orderBy?.[0]?.field;
  const ordered = byId || (sortedBy !== undefined && unitOrderedFields(model).has(sortedBy));
  return ordered && ('all' in scope || scope.units.length === 1) ? 'walked' : 'keys';
}

/** Nothing but the search narrows the rows: no period, filter or drill-down. */
const searchedAlone = (model: LedgerModel, query: Pick<RowsQuery, 'period' | 'filter'> & { drill?: unknown }) =>
  (query.period ?? null) === null && !query.drill && filterSql(model, query.filter, []).length === 0;

/**
 * A page of a search and its count, by its path (searchPathOf). The count: `tzn_…` from the search
 * table when nothing else narrows the rows; otherwise by the same condition as the page for one
 * unit, and by the keys over every unit (reading every row to check its texts costs more).
 */
function searchPageStatements(
  model: LedgerModel,
  scope: UnitScope,
  query: Omit<RowsQuery, 'drill' | 'ledger'> & { drill?: MeasureDrill | null },
  searched: SearchAsked & { share: number },
  first: number,
  offset: number,
): [page: ReadStatement, count: ReadStatement] {
  const counted: ReadStatement = {
    sql: rowSearchCountSql(searched.search.ledgerTable, '$1'),
    params: [searched.needle],
  };
  const path = searchPathOf(model, scope, query);
  if (path === 'keyed') {
    const descending = singleSortOf(model, query.orderBy)?.desc ?? false;
    const params: unknown[] = [];
    const conditions = rowConditions(model, scope, { ...query, search: null }, params);
    params.push(searched.needle);
    const keys = (limit: number) =>
      rowSearchPageConditionSql(searched.search.ledgerTable, `$${params.length}`, { limit, offset, descending });
    const table = tableOf(model);
    const sql =
      first === 0
        ? `SELECT 1 AS present FROM ${table} t WHERE ${[...conditions, keys(1)].join(' AND ')}`
        : `SELECT ${rowColumns(model)} FROM ${table} t WHERE ${[...conditions, keys(first + 1)].join(' AND ')} ORDER BY ${orderSql(model, query.orderBy)} LIMIT ${first + 1}`;
    return [{ sql, params }, counted];
  }
  const searchBy: SearchBy = path === 'walked' && searched.share > SEARCH_MANY_MATCHES ? 'text' : 'keys';
  const statements = (by: SearchBy) => {
    const params: unknown[] = [];
    return { conditions: rowConditions(model, scope, { ...query, searchBy: by }, params).join(' AND '), params };
  };
  const page = statements(searchBy);
  const countedBy = 'all' in scope ? statements('keys') : page;
  return [
    pageOf(model, query, page.conditions, page.params, first, offset),
    searchedAlone(model, query) ? counted : countOf(model, countedBy.conditions, countedBy.params),
  ];
}

/** Reading rows: one page, filtered and sorted, of the units the caller may see. */
@Injectable()
export class RowsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: RowAccess,
    private readonly clock: Clock,
  ) {}

  /** The drill-down as row-filter reads it: nothing when nothing is asked. */
  private drillOf(drill: Drill | null | undefined): MeasureDrill | null {
    if (!drill || Object.values(drill).every((v) => v === null || v === undefined || v === '')) return null;
    return { ...drill, now: this.clock.now() };
  }

  async page(principal: Principal, query: RowsQuery): Promise<RowPage> {
    const { ledger, scope } = await this.access.forRead(principal, query.ledger, query.unitId);
    const model = ledger.model;
    const audience = seesRedactedValues(principal) ? 'redacted' : 'full';
    const first = pageSizeOf(query.first);
    const offset = offsetOf(query.offset, query.after);
    const withTotal = query.withTotal ?? true;
    // a search's share of the caller's rows, as the planner expects it (`tze_…`, no row read), where
    // it decides how the page picks them (pageStatements); a count alone (first: 0) takes the keys
    const searched = searchNeedleOf(model, query.search);
    const drill = this.drillOf(query.drill);
    const share = !searched
      ? undefined
      : first > 0 && searchPathOf(model, scope, { ...query, drill }) === 'walked'
        ? Number(
            (
              await readAtOnceInUnitScope(this.db, scope, [
                { sql: rowSearchShareSql(searched.search.ledgerTable, '$1'), params: [searched.needle] },
              ])
            )[0][0].share,
          )
        : 0;
    const statements = pageStatements(model, scope, { ...query, drill }, first, offset, share);
    const [raw, counted] = await readAtOnceInUnitScope(this.db, scope, withTotal ? statements : [statements[0]]);
    const total = withTotal ? Number(counted[0].n) : null;
    return {
      totalCount: total,
      hasNextPage: raw.length > first,
      offset,
      rows: raw.slice(0, first).map((r) => rowFromDb(model, r, audience)),
    };
  }

  /**
   * Where the row `id` stands (0: the first) among the rows of a sort and filter, as `page`
   * numbers them: a link to a row (?row=) opens the grid there. Null when the row is not among
   * them (filtered out, deleted, another unit's, or none).
   */
  async position(
    principal: Principal,
    query: Omit<RowsQuery, 'first' | 'after' | 'offset' | 'withTotal'> & { id: string },
  ): Promise<number | null> {
    const { ledger, scope } = await this.access.forRead(principal, query.ledger, query.unitId);
    const model = ledger.model;
    const id = parseId(query.id, 'id');
    const params: unknown[] = [];
    const conditions = rowConditions(model, scope, { ...query, drill: this.drillOf(query.drill) }, params).join(
      ' AND ',
    );
    const order = orderSql(model, query.orderBy);
    params.push(id);
    const sql = positionSql(model, singleSortOf(model, query.orderBy), conditions, order, `$${params.length}`);
    const [raw] = await readAtOnceInUnitScope(this.db, scope, [{ sql, params }]);
    return raw.length > 0 ? Number(raw[0].position) : null;
  }

  /**
   * A column's distinct values and how many rows hold each (the grid's value-list filter), under
   * the same scope, period and filter as `page`; a multiple choice counts each option picked.
   * Value ascending, empty last as null; `complete` is false when more than `first` values exist.
   */
  async fieldValues(principal: Principal, query: FieldValuesQuery): Promise<FieldValues> {
    const { ledger, scope } = await this.access.forRead(principal, query.ledger, query.unitId);
    const model = ledger.model;
    const field = model.byKey.get(query.field);
    if (!field) throw RowsException.badInput('UNKNOWN_FIELD', [{ path: 'field', message: unknownField(query.field) }]);
    const spec = model.spec(field);
    if (spec.redact && seesRedactedValues(principal)) {
      throw RowsException.badInput('FIELD_REDACTED', [
        {
          path: 'field',
          message: message(
            `「${textOf(field.title, 'zh-CN')}」对您部分隐藏，不能按值筛选`,
            `"${textOf(field.title, 'en')}" is partly hidden from you and cannot be listed by value`,
          ),
        },
      ]);
    }
    const first = query.first ?? MAX_VALUES;
    if (!Number.isInteger(first) || first < 1 || first > MAX_VALUES) {
      throw RowsException.badInput('INVALID_PAGE_SIZE', [
        { path: 'first', message: message(`最多列出 1 至 ${MAX_VALUES} 个值`, `first must be 1 to ${MAX_VALUES}`) },
      ]);
    }
    const params: unknown[] = [];
    const where = rowConditions(model, scope, { ...query, drill: this.drillOf(query.drill) }, params).join(' AND ');
    const column = `t.${quoteIdent(field.key)}`;
    // empty texts and empty lists are one 空白 with the NULLs
    const cell =
      spec.valueKind === 'list'
        ? `unnest(CASE WHEN cardinality(${column}) > 0 THEN ${column} ELSE ARRAY[NULL] END)`
        : spec.valueKind === 'text'
          ? `NULLIF(${column}, '')`
          : column;
    const [raw] = await readAtOnceInUnitScope(this.db, scope, [
      {
        sql: `SELECT v, count(*)::int AS n FROM (SELECT ${cell} AS v FROM ${tableOf(model)} t WHERE ${where}) s
               GROUP BY v ORDER BY v ASC NULLS LAST LIMIT ${first + 1}`,
        params,
      },
    ]);
    const fromDb = (v: unknown) => (spec.valueKind === 'list' ? v : spec.fromDb(v));
    return {
      complete: raw.length <= first,
      values: raw.slice(0, first).map((r) => ({ value: r.v === null ? null : fromDb(r.v), count: Number(r.n) })),
    };
  }

  /**
   * The recycle bin: a unit's deleted rows (of a period, if given), the latest deletions first,
   * each with when and by whom it was deleted (its last delete in the history). restoreRow brings
   * one back.
   */
  async deleted(
    principal: Principal,
    query: { ledger: string; unitId?: string | null; period?: string | null; first?: number | null },
  ): Promise<DeletedRow[]> {
    const { ledger, scope } = await this.access.forRead(principal, query.ledger, query.unitId);
    const model = ledger.model;
    const audience = seesRedactedValues(principal) ? 'redacted' : 'full';
    const first = pageSizeOf(query.first);
    const params: unknown[] = [ledger.key];
    const where = rowConditions(model, scope, { period: query.period, deleted: true }, params);
    const [raw] = await readAtOnceInUnitScope(this.db, scope, [
      {
        sql: `SELECT ${rowColumns(model)}, t.deleted_at AS _deleted_at, d.username AS _deleted_by
                FROM ${tableOf(model)} t
                LEFT JOIN LATERAL (
                  SELECT u.username FROM row_history h LEFT JOIN users u ON u.id = h.changed_by
                   WHERE h.ledger_key = $1 AND h.row_id = t.id AND h.op = 'delete'
                   ORDER BY h.id DESC LIMIT 1) d ON true
               WHERE ${where.join(' AND ')}
               ORDER BY t.deleted_at DESC, t.id DESC LIMIT ${first}`,
        params,
      },
    ]);
    return raw.map((r) => ({
      row: rowFromDb(model, r, audience),
      deletedAt: new Date(String(r._deleted_at)),
      deletedBy: (r._deleted_by as string | null) ?? null,
    }));
  }

  /** Every change of one row, oldest first, as the audit trail recorded it. */
  async history(principal: Principal, ledgerKey: string, rowId: string): Promise<HistoryEntry[]> {
    const { ledger, scope } = await this.access.forRead(principal, ledgerKey, null);
    const audience = seesRedactedValues(principal) ? 'redacted' : 'full';
    const id = parseId(rowId, 'id');
    return readInUnitScope(this.db, scope, async (tx) => {
      const entries = (await tx.query(
        `SELECT h.op, h.version, h.source, h.changed_at AS "changedAt", u.username AS "changedBy",
                (SELECT name FROM api_tokens WHERE id = h.api_token_id) AS "apiToken", h.old_values AS "oldValues", h.new_values AS "newValues", h.unit_id AS "unitId",
                c.correction
           FROM row_history h LEFT JOIN LATERAL (SELECT username FROM users WHERE id = h.changed_by) u ON true
           -- the correction that made the entry: the version it wrote
           LEFT JOIN LATERAL (
             SELECT jsonb_build_object('id', c.id::text, 'field', c.field, 'reason', c.reason,
                      'requestedBy', (SELECT display_name FROM users WHERE id = c.requested_by),
                      'decidedBy', (SELECT display_name FROM users WHERE id = c.decided_by)) AS correction
               FROM sheet_corrections c
              WHERE h.source = 'correction' AND c.ledger_key = h.ledger_key AND c.unit_id = h.unit_id
                AND c.row_id = h.row_id AND c.applied_version = h.version AND c.state = 'APPLIED'
              LIMIT 1) c ON true
          WHERE h.ledger_key = $1 AND h.row_id = $2 ORDER BY h.id`,
        [ledgerKey, id],
      )) as (Omit<HistoryEntry, 'oldDisplay' | 'newDisplay'> & { unitId: string })[];
      if (entries.length === 0) throw RowsException.rowNotFound(rowId);
      const displays = await changeDisplays(
        tx,
        ledger.model,
        entries.map((entry) => ({ unitId: entry.unitId, old: entry.oldValues, new: entry.newValues })),
      );
      return entries.map(({ unitId: _unitId, ...entry }, index) => ({
        ...entry,
        oldValues: valuesFor(ledger.model, entry.oldValues, audience),
        newValues: valuesFor(ledger.model, entry.newValues, audience),
        oldDisplay: displays[index].old,
        newDisplay: displays[index].new,
      }));
    });
  }
}
