import { compileLedger, type LedgerModel } from '@taizhang/ledger-core';
import { rowColumns, tableOf } from '../ledger-tables/row-sql';

/**
 * Far rows of a sort: a page at a far position (the grid's jump to row 900,000) and the position
 * of a row (a link to it), each read on the sort's index without visiting the rows before it.
 */

/** A sort by at most one column before the id (row-filter.ts singleSortOf). */
export interface SingleSort {
  column: string | null;
  desc: boolean;
}

/** From this position on, a page is read from its boundary key (boundaryPageSql), not by OFFSET. */
export const BOUNDARY_FROM = 1000;

/**
 * A far page (the grid's jump to row 900,000) without reading the rows it skips: the key of its
 * first row — the sort column and id, `ORDER BY … OFFSET n LIMIT 1` on those columns only, an
 * index-only scan on the index in that order (the compiler's (unit_id, <field> DESC NULLS LAST,
 * id DESC) over live rows, once the table is vacuumed) — then the page from that key on, by
 * keyset on the same index. The same rows in the same order as `ORDER BY … LIMIT … OFFSET n`:
 * the keyset is split in two, the rows whose column is filled ((column, id) compared as a row,
 * which the index serves) and then those where it is empty (NULLS LAST, by id), because a row
 * comparison with an empty column is neither before nor after. Ascending, the filled rows are
 * read NULLS FIRST, the order the backward scan of that index gives (they hold no NULL).
 */
export function boundaryPageSql(
  model: LedgerModel,
  sort: SingleSort,
  conditions: string,
  order: string,
  limit: number,
  offset: number,
): string {
  const table = tableOf(model);
  const dir = sort.desc ? 'DESC' : 'ASC';
  const from = sort.desc ? '<=' : '>=';
  const boundary = `WITH b AS MATERIALIZED (SELECT ${sort.column ?? 'NULL'} AS k, t.id FROM ${table} t WHERE ${conditions} ORDER BY ${order} LIMIT 1 OFFSET ${offset})`;
  if (sort.column === null) {
    return `${boundary}
SELECT ${rowColumns(model)} FROM ${table} t WHERE ${conditions} AND t.id >= (SELECT id FROM b) ORDER BY ${order} LIMIT ${limit}`;
  }
  const c = sort.column;
  // past the boundary when it is filled: every empty row; when it is empty: the empty rows from its id
  const anyId = sort.desc ? "'9223372036854775807'" : "'-9223372036854775808'";
  return `${boundary},
p AS MATERIALIZED (
  (SELECT t.unit_id, t.id, ${c} AS k, 0 AS part FROM ${table} t
    WHERE ${conditions} AND (${c}, t.id) ${from} ((SELECT k FROM b), (SELECT id FROM b))
    ORDER BY ${c} ${dir} ${sort.desc ? 'NULLS LAST' : 'NULLS FIRST'}, t.id ${dir} LIMIT ${limit})
  UNION ALL
  (SELECT t.unit_id, t.id, NULL, 1 FROM ${table} t
    WHERE ${conditions} AND ${c} IS NULL
      AND t.id ${from} CASE WHEN (SELECT k FROM b) IS NULL THEN (SELECT id FROM b) ELSE ${anyId}::bigint END
    ORDER BY ${c} ${dir} ${sort.desc ? 'NULLS LAST' : 'NULLS FIRST'}, t.id ${dir} LIMIT ${limit}))
SELECT ${rowColumns(model)} FROM p JOIN ${table} t ON t.unit_id = p.unit_id AND t.id = p.id
ORDER BY p.part, p.k ${dir} NULLS LAST, p.id ${dir} LIMIT ${limit}`;
}

/**
 * The position (0: the first) of the row `id` in the sort among the rows of `conditions`, null
 * when it is not among them: the rows before it counted on the sort's index (index-only, as the
 * boundary of a far page is found) — those whose column is filled and compares before it as a
 * row, then, when its own column is empty (NULLS LAST), every filled row and the empty ones
 * before it by id. A sort by more columns (`sort` null) numbers every row in its order.
 * `idParam` is the placeholder of the row's id among the conditions' parameters.
 */
export function positionSql(
  model: LedgerModel,
  sort: SingleSort | null,
  conditions: string,
  order: string,
  idParam: string,
): string {
  const table = tableOf(model);
  if (sort === null) {
    return `SELECT n - 1 AS position FROM (SELECT t.id, row_number() OVER (ORDER BY ${order}) AS n FROM ${table} t WHERE ${conditions}) s WHERE s.id = ${idParam}`;
  }
  const row = `WITH r AS MATERIALIZED (SELECT ${sort.column ?? 'NULL'} AS k, t.id FROM ${table} t WHERE ${conditions} AND t.id = ${idParam})`;
  const before = sort.desc ? '>' : '<';
  if (sort.column === null) {
    return `${row}
SELECT (SELECT count(*) FROM ${table} t WHERE ${conditions} AND t.id ${before} r.id)::int AS position FROM r`;
  }
  const c = sort.column;
  return `${row}
SELECT ((SELECT count(*) FROM ${table} t WHERE ${conditions} AND (${c}, t.id) ${before} (r.k, r.id))
  + CASE WHEN r.k IS NULL
      THEN (SELECT count(*) FROM ${table} t WHERE ${conditions} AND ${c} IS NOT NULL)
         + (SELECT count(*) FROM ${table} t WHERE ${conditions} AND ${c} IS NULL AND t.id ${before} r.id)
      ELSE 0 END)::int AS position
FROM r`;
}

/** The fields a unit's rows are indexed by in their order, (unit_id, <field> DESC NULLS LAST, id DESC). */
const unitOrderedByModel = new WeakMap<LedgerModel, Set<string>>();
export function unitOrderedFields(model: LedgerModel): Set<string> {
  let fields = unitOrderedByModel.get(model);
  if (!fields) {
    const columns = compileLedger(model.definition, 1).columns;
    fields = new Set(columns.filter((c) => c.constraints.unitOrdered).map((c) => c.column));
    unitOrderedByModel.set(model, fields);
  }
  return fields;
}

/**
 * A near page of an ascending sort by a field the compiler indexes (unit_id, <field> DESC NULLS
 * LAST, id DESC): the filled rows read backward on that index (ascending, and with no NULL among
 * them NULLS FIRST is NULLS LAST), then the empty ones by id — ordered by the column too, all
 * empty, so that the planner sees the index's order and does not walk every row by id looking
 * for an empty one. As one ORDER BY … ASC NULLS LAST the
 * index does not serve it (its backward scan gives NULLS FIRST) and a million rows are sorted.
 */
export function ascendingPageSql(
  model: LedgerModel,
  column: string,
  conditions: string,
  limit: number,
  offset: number,
) {
  const table = tableOf(model);
  const enough = limit + offset;
  return `WITH p AS MATERIALIZED (
  (SELECT t.unit_id, t.id, ${column} AS k, 0 AS part FROM ${table} t
    WHERE ${conditions} AND ${column} IS NOT NULL ORDER BY ${column} ASC NULLS FIRST, t.id ASC LIMIT ${enough})
  UNION ALL
  (SELECT t.unit_id, t.id, NULL, 1 FROM ${table} t
    WHERE ${conditions} AND ${column} IS NULL ORDER BY ${column} ASC NULLS FIRST, t.id ASC LIMIT ${enough}))
SELECT ${rowColumns(model)} FROM p JOIN ${table} t ON t.unit_id = p.unit_id AND t.id = p.id
ORDER BY p.part, p.k ASC NULLS LAST, p.id ASC LIMIT ${limit} OFFSET ${offset}`;
}
