import { specOf } from '../field-types/registry';
import type { LedgerModel } from '../definition/ledger-model';
import { ROWS_ROLE } from './table-change-sql';
import { quoteIdent, rowSearchFunctionName, tableNameOf } from './sql-names';

/**
 * The grid's search (docs/grid.md "Search"): per ledger with searched fields, a table
 * `<ledger table>__search (id, unit_id, body)` holding each live row's searched texts, lower-cased
 * and joined, with a GIN index on (unit_id, its runs of one, two and three characters). Statement-level
 * triggers on the ledger table keep it; a SECURITY DEFINER function reads it for the units the
 * transaction's settings name (the same settings the row-level security policies read) and gives
 * the matching rows' keys, which the rows query joins on the ledger table's primary key.
 *
 * Why not a pg_trgm index on the ledger table: under the ledger tables' forced row-level security
 * PostgreSQL puts no LIKE (not leakproof) into an index scan, and with the database's C locale
 * pg_trgm makes no trigrams of Chinese characters at all (show_trgm('建华') is empty).
 */
export interface RowSearch {
  ledgerTable: string;
  /** The searched texts' table. */
  table: string;
  /** The searched fields' keys, in the definition's order. */
  fields: string[];
  /** Kept as the table's comment; a publish that changes it rebuilds the table. */
  signature: string;
}

/** Separates two fields' texts in a body: a search (control characters removed) never spans two. */
const SEPARATOR = 'chr(31)';

/** The ledger's searched fields (their types say `searched`), or null when it has none. */
export function rowSearchOf(model: LedgerModel): RowSearch | null {
  const fields = model.fields.filter((field) => specOf(field).searched === true).map((field) => field.key);
  if (fields.length === 0) return null;
  const ledgerTable = tableNameOf(model.definition.key);
  const table = `${ledgerTable}__search`;
  return { ledgerTable, table, fields, signature: JSON.stringify({ v: 1, fields }) };
}

/** A row's body from the ledger table `alias`: its searched texts, lower-cased, '' when it has none. */
function bodySql(search: RowSearch, alias: string): string {
  return `lower(concat_ws(${SEPARATOR}, ${search.fields.map((key) => `${alias}.${quoteIdent(key)}`).join(', ')}))`;
}

/** Dropping the search (table, functions, and with them the triggers): before a publish that changes it. */
export function dropRowSearchSql(ledgerTable: string): string[] {
  const { sync, find, count, keys, estimate } = rowSearchFunctionName(ledgerTable);
  return [
    `DROP FUNCTION IF EXISTS ${quoteIdent(sync)}() CASCADE`,
    `DROP FUNCTION IF EXISTS ${quoteIdent(find)}(text)`,
    `DROP FUNCTION IF EXISTS ${quoteIdent(count)}(text)`,
    `DROP FUNCTION IF EXISTS ${quoteIdent(keys)}(text, integer, integer, boolean)`,
    `DROP FUNCTION IF EXISTS ${quoteIdent(estimate)}(text)`,
    `DROP TABLE IF EXISTS ${quoteIdent(`${ledgerTable}__search`)}`,
  ];
}

/**
 * Making the search: the table (no row-level security, and no grant: only its owner, as whom the
 * functions run, reads or writes it), the trigger function and its three statement-level
 * triggers, the search functions, the bodies of the rows there are, then the GIN index (built
 * over the loaded bodies in one pass, not through its pending list row by row), and the signature
 * as the table's comment. Run as the owner, in the publish's transaction.
 */
export function createRowSearchSql(search: RowSearch): string[] {
  const s = quoteIdent(search.table);
  const l = quoteIdent(search.ledgerTable);
  const { sync } = rowSearchFunctionName(search.ledgerTable);
  const body = (alias: string) => bodySql(search, alias);
  const trigger = (suffix: string, event: string, referencing: string) =>
    `CREATE TRIGGER ${quoteIdent(`${sync}_${suffix}`)} AFTER ${event} ON ${l} REFERENCING ${referencing} FOR EACH STATEMENT EXECUTE FUNCTION ${quoteIdent(sync)}()`;
  return [
    `CREATE TABLE ${s} (
  id bigint PRIMARY KEY,
  unit_id integer NOT NULL,
  body text NOT NULL
)`,
    // SECURITY DEFINER: the writers (the rows role) cannot write the bodies themselves. An update
    // rewrites a body only when its texts changed or the row came back from the recycle bin, so
    // an autosave of a number costs a primary-key probe, not a GIN update
    `CREATE FUNCTION ${quoteIdent(sync)}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $fn$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO ${s} (id, unit_id, body)
      SELECT b.id, b.unit_id, b.body FROM (SELECT n.id, n.unit_id, ${body('n')} AS body FROM new_rows n WHERE n.deleted_at IS NULL) b
       WHERE b.body <> '';
  ELSIF TG_OP = 'DELETE' THEN
    DELETE FROM ${s} s USING old_rows o WHERE s.id = o.id;
  ELSE
    DELETE FROM ${s} s USING new_rows n WHERE s.id = n.id AND (n.deleted_at IS NOT NULL OR ${body('n')} = '');
    INSERT INTO ${s} AS s (id, unit_id, body)
      SELECT n.id, n.unit_id, ${body('n')} FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE n.deleted_at IS NULL AND ${body('n')} <> ''
         AND (o.deleted_at IS NOT NULL OR ${body('n')} IS DISTINCT FROM ${body('o')} OR n.unit_id <> o.unit_id)
      ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body, unit_id = EXCLUDED.unit_id;
  END IF;
  RETURN NULL;
END
$fn$`,
    `REVOKE ALL ON FUNCTION ${quoteIdent(sync)}() FROM PUBLIC`,
    trigger('i', 'INSERT', 'NEW TABLE AS new_rows'),
    trigger('u', 'UPDATE', 'OLD TABLE AS old_rows NEW TABLE AS new_rows'),
    trigger('d', 'DELETE', 'OLD TABLE AS old_rows'),
    ...rowSearchFunctionsSql(search),
    `INSERT INTO ${s} (id, unit_id, body)
    SELECT b.id, b.unit_id, b.body FROM (SELECT t.id, t.unit_id, ${body('t')} AS body
      FROM ${l} t WHERE t.deleted_at IS NULL) b WHERE b.body <> ''`,
    `CREATE INDEX ${quoteIdent(`${search.table}_grams`)} ON ${s} USING gin (unit_id, taizhang_search_grams(body))`,
    `COMMENT ON TABLE ${s} IS '${search.signature.replace(/'/g, "''")}'`,
  ];
}

/**
 * A search expected to match more than this share of the caller's rows (`tze_…`) is a word in
 * many rows: its keys are read by walking the rows in id order (`tzk_…`), and a page with a
 * filter, a period or a sort by a column picks its matches by their texts as an index walks the
 * page's order (rows.service.ts); fewer, through the GIN index and by their keys, one primary-key
 * probe each. On a million rows the two cost the same at about 0.5 %, which is also the most the
 * planner guesses for a gram it has no statistics of: 1 % keeps a rare word among the keys.
 */
export const SEARCH_MANY_MATCHES = 0.01;

/** The version of the search functions' text: start-up replaces those of another (the keys function's comment). */
export const ROW_SEARCH_FUNCTIONS_VERSION = 'functions v4';

/**
 * The search's four functions, each SECURITY DEFINER over the search table for the units the
 * transaction's own settings name (`taizhang_all_units()`, `taizhang_visible_units()`: what the
 * row-level security policies read), never for a unit a caller passes:
 *
 * - `tzq_…(needle)`: the keys (unit_id, id) of every match, for a page with a filter, a period or
 *   a sort by a column, for `rowPosition` and `fieldValues`;
 * - `tzn_…(needle)`: how many rows match, without reading the ledger table (a page's totalCount
 *   when nothing but the search narrows it);
 * - `tzk_…(needle, lim, skip, descending)`: the keys of one page in id order (the grid's own
 *   order): a word in many rows (SEARCH_MANY_MATCHES, by `tze_`) by walking the rows in id order
 *   (every unit's by the primary key, one unit's by (unit_id, id)) until the page is full, LIKE
 *   alone checking each; a rarer one planned for its words each time, mostly through the GIN
 *   index and a sort of its few matches. Joining only the page's keys to the ledger table is what
 *   keeps a common word's first page fast over every unit: the keys of all its matches cost a
 *   primary-key probe each;
 * - `tze_…(needle)`: the share of the caller's rows the planner expects to match, from the GIN
 *   index's statistics of the needle's grams (each gram's share of the rows, a longer word's grams
 *   taken as independent; a gram not among the most common ones at most 0.5 %), without counting:
 *   whether a page with a filter or a sort by a column picks its matches by their keys or by their
 *   texts (SEARCH_MANY_MATCHES). A wrong guess costs time, never rows: both ways give the same
 *   page.
 *
 * None of them plans a sequential scan: that would compute `taizhang_search_grams` for every row
 * (a word in every row took 78 s over a million). CREATE OR REPLACE: start-up replaces them in a
 * search made by another version (ROW_SEARCH_FUNCTIONS_VERSION) without rebuilding its table.
 */
export function rowSearchFunctionsSql(search: RowSearch): string[] {
  const s = quoteIdent(search.table);
  const { find, count, keys, estimate } = rowSearchFunctionName(search.ledgerTable);
  // a longer word's grams without those in most rows (LIKE checks the candidates anyway); the
  // estimate takes them all (the planner's guess hardly moves, and it is asked on every page)
  const declared = (grams: string) => `DECLARE
  units integer[] := taizhang_visible_units();
  grams text[] := ${grams};
  -- % _ and \\ taken as themselves (LIKE's escape is \\)
  pattern text := '%' || replace(replace(replace(lower(needle), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%';`;
  const declarations = declared(
    `taizhang_search_selective_grams(taizhang_search_needle_grams(lower(needle)), '${search.table}_grams')`,
  );
  const matches = `taizhang_search_grams(s.body) @> grams AND s.body LIKE pattern`;
  // one query per scope: a clerk's single unit is a key of the GIN index (btree_gin), so the
  // index gives that unit's matches only; every unit (an admin) has no unit condition at all
  // (`units` is the array itself, or how a dynamic statement names it)
  const perScope = (query: (unitCondition: string) => string, units = 'units') => `IF taizhang_all_units() THEN
    ${query('')}
  ELSIF cardinality(units) = 1 THEN
    ${query(`s.unit_id = ${units}[1] AND `)}
  ELSE
    ${query(`s.unit_id = ANY (${units}) AND `)}
  END IF;`;
  // no parallel workers either: on this 2-core machine a parallel bitmap scan took 44 ms for what
  // one process counts in 12 (one common character over a million rows)
  const settings = `SECURITY DEFINER SET search_path FROM CURRENT SET enable_seqscan = off SET max_parallel_workers_per_gather = 0`;
  const options = `STABLE ${settings}`;
  // PostgreSQL allows EXPLAIN in no function but a VOLATILE one: the estimate's, and the keys'
  // function that asks it
  const explaining = `VOLATILE ${settings}`;
  const grant = (signature: string) => [
    `REVOKE ALL ON FUNCTION ${signature} FROM PUBLIC`,
    `GRANT EXECUTE ON FUNCTION ${signature} TO ${ROWS_ROLE}`,
  ];
  return [
    `CREATE OR REPLACE FUNCTION ${quoteIdent(find)}(needle text) RETURNS TABLE (unit_id integer, id bigint)
  LANGUAGE plpgsql ${options} ROWS 100 AS $fn$
${declarations}
BEGIN
  IF needle IS NULL OR needle = '' THEN
    RETURN;
  END IF;
  ${perScope((unit) => `RETURN QUERY SELECT s.unit_id, s.id FROM ${s} s WHERE ${unit}${matches};`)}
END
$fn$`,
    ...grant(`${quoteIdent(find)}(text)`),
    `CREATE OR REPLACE FUNCTION ${quoteIdent(count)}(needle text) RETURNS bigint
  LANGUAGE plpgsql ${options} AS $fn$
${declarations}
BEGIN
  IF needle IS NULL OR needle = '' THEN
    RETURN 0;
  END IF;
  IF length(needle) <= 3 THEN
    -- a word of up to three characters is one of the grams itself: the index alone answers, and
    -- the heap is not read for a page whose rows are all visible
    ${perScope((unit) => `RETURN (SELECT count(*) FROM ${s} s WHERE ${unit}taizhang_search_grams(s.body) @> grams);`)}
  END IF;
  ${perScope((unit) => `RETURN (SELECT count(*) FROM ${s} s WHERE ${unit}${matches});`)}
END
$fn$`,
    ...grant(`${quoteIdent(count)}(text)`),
    // the plans' own row estimates: EXPLAIN of the grams' containment alone (with LIKE's guess
    // multiplied in, a common word would look rare) over EXPLAIN of the caller's rows, the values
    // written into the statements so that the planner sees them
    `CREATE OR REPLACE FUNCTION ${quoteIdent(estimate)}(needle text) RETURNS double precision
  LANGUAGE plpgsql ${explaining} AS $fn$
${declared('taizhang_search_needle_grams(lower(needle))')}
  matching json;
  scoped json;
BEGIN
  IF needle IS NULL OR needle = '' THEN
    RETURN 0;
  END IF;
  ${perScope(
    (unit) =>
      `EXECUTE format('EXPLAIN (FORMAT JSON) SELECT 1 FROM ${s} s WHERE ${unit}taizhang_search_grams(s.body) @> %1$L::text[]', grams, units) INTO matching;
    EXECUTE format('EXPLAIN (FORMAT JSON) SELECT 1 FROM ${s} s WHERE ${unit}true', grams, units) INTO scoped;`,
    '(%2$L::integer[])',
  )}
  RETURN least(1, (matching -> 0 -> 'Plan' ->> 'Plan Rows')::double precision
    / greatest(1, (scoped -> 0 -> 'Plan' ->> 'Plan Rows')::double precision));
END
$fn$`,
    ...grant(`${quoteIdent(estimate)}(text)`),
    // a word in many rows: the rows in id order (the primary key, or (unit_id, id) for one unit)
    // until the page is full, checked by LIKE alone — the grams as a filter would be computed for
    // each row read (about 75 µs a row); fewer: planned with the page's own words, size and offset
    // (EXECUTE: a cached generic plan would take one path for every word)
    `CREATE OR REPLACE FUNCTION ${quoteIdent(keys)}(needle text, lim integer, skip integer, descending boolean)
  RETURNS TABLE (unit_id integer, id bigint)
  LANGUAGE plpgsql ${explaining} ROWS 100 AS $fn$
${declarations}
  direction text := CASE WHEN descending THEN 'DESC' ELSE 'ASC' END;
  matched text := CASE WHEN ${quoteIdent(estimate)}(needle) > ${SEARCH_MANY_MATCHES} THEN '' ELSE 'taizhang_search_grams(s.body) @> $1 AND ' END;
BEGIN
  IF needle IS NULL OR needle = '' THEN
    RETURN;
  END IF;
  ${perScope(
    (unit) =>
      `RETURN QUERY EXECUTE 'SELECT s.unit_id, s.id FROM ${s} s WHERE ${unit}' || matched || 's.body LIKE $2 ORDER BY s.id ' || direction || ' LIMIT $4 OFFSET $5'
      USING grams, pattern, units, lim, skip;`,
    '$3',
  )}
END
$fn$`,
    // the rows of one unit in id order, for that walk
    `CREATE INDEX IF NOT EXISTS ${quoteIdent(`${search.table}_units`)} ON ${s} (unit_id, id)`,
    ...grant(`${quoteIdent(keys)}(text, integer, integer, boolean)`),
    `COMMENT ON FUNCTION ${quoteIdent(keys)}(text, integer, integer, boolean) IS '${ROW_SEARCH_FUNCTIONS_VERSION}'`,
  ];
}

/**
 * The rows of a search as a condition on the ledger table `t`: their keys, from the search
 * function (the primary key (unit_id, id) then serves the join under row-level security: its
 * equalities are leakproof). `param` is the search's placeholder.
 */
export function rowSearchConditionSql(ledgerTable: string, param: string): string {
  const { find } = rowSearchFunctionName(ledgerTable);
  return `(t.unit_id, t.id) IN (SELECT f.unit_id, f.id FROM ${quoteIdent(find)}(${param}) f)`;
}

/**
 * One page of a search in id order, as a condition on `t`: the keys `tzk_…` gives for it (the
 * page's offset is taken there, so the page query has none). `param` is the search's placeholder.
 * Ids are unique in the table, so the page's ids alone pick its rows: one index scan over the
 * array of them (`= ANY`, leakproof like the pair's equalities) instead of a join probing each
 * (2.8 against 1.9 ms for a clerk's page of 201, warm; the unit and the policy still filter).
 */
export function rowSearchPageConditionSql(
  ledgerTable: string,
  param: string,
  page: { limit: number; offset: number; descending: boolean },
): string {
  const { keys } = rowSearchFunctionName(ledgerTable);
  return `t.id = ANY (ARRAY(SELECT f.id FROM ${quoteIdent(keys)}(${param}, ${page.limit}, ${page.offset}, ${page.descending}) f))`;
}

/**
 * The rows of a search as a condition on `t`'s own texts (its body as the search table keeps it,
 * `LIKE` the needle): for a common word with a filter or a sort by a column, where probing every
 * match's key would cost more than reading rows in the page's own order until the page is full.
 * Not an index condition (LIKE is not leakproof): a filter on the rows the page's plan reads.
 */
export function rowSearchTextConditionSql(search: RowSearch, param: string): string {
  return `${bodySql(search, 't')} LIKE '%' || replace(replace(replace(lower(${param}), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'`;
}

/** The share of the caller's rows the planner expects a search to match (`tze_…`), as `{ share }`: no row is read. */
export function rowSearchShareSql(ledgerTable: string, param: string): string {
  const { estimate } = rowSearchFunctionName(ledgerTable);
  return `SELECT ${quoteIdent(estimate)}(${param}) AS share`;
}

/** How many rows match a search when nothing else narrows them: `tzn_…`, without the ledger table. */
export function rowSearchCountSql(ledgerTable: string, param: string): string {
  const { count } = rowSearchFunctionName(ledgerTable);
  return `SELECT ${quoteIdent(count)}(${param})::int AS n`;
}
