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
  const { sync, find } = rowSearchFunctionName(ledgerTable);
  return [
    `DROP FUNCTION IF EXISTS ${quoteIdent(sync)}() CASCADE`,
    `DROP FUNCTION IF EXISTS ${quoteIdent(find)}(text)`,
    `DROP TABLE IF EXISTS ${quoteIdent(`${ledgerTable}__search`)}`,
  ];
}

/**
 * Making the search: the table (no row-level security, and no grant: only its owner, as whom the
 * two functions run, reads or writes it), its GIN index, the trigger function and its three
 * statement-level triggers, the search function, then the bodies of the rows there are, and the
 * signature as the table's comment. Run as the owner, in the publish's transaction.
 */
export function createRowSearchSql(search: RowSearch): string[] {
  const s = quoteIdent(search.table);
  const l = quoteIdent(search.ledgerTable);
  const { sync, find } = rowSearchFunctionName(search.ledgerTable);
  const body = (alias: string) => bodySql(search, alias);
  const trigger = (suffix: string, event: string, referencing: string) =>
    `CREATE TRIGGER ${quoteIdent(`${sync}_${suffix}`)} AFTER ${event} ON ${l} REFERENCING ${referencing} FOR EACH STATEMENT EXECUTE FUNCTION ${quoteIdent(sync)}()`;
  // one query per scope: a clerk's single unit is a key of the GIN index (btree_gin), so the
  // index gives that unit's matches only; every unit (an admin) has no unit condition at all
  const found = (unitCondition: string) =>
    `RETURN QUERY SELECT s.unit_id, s.id FROM ${s} s
      WHERE ${unitCondition}taizhang_search_grams(s.body) @> grams AND s.body LIKE pattern;`;
  return [
    `CREATE TABLE ${s} (
  id bigint PRIMARY KEY,
  unit_id integer NOT NULL,
  body text NOT NULL
)`,
    `CREATE INDEX ${quoteIdent(`${search.table}_grams`)} ON ${s} USING gin (unit_id, taizhang_search_grams(body))`,
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
    // the keys of the live rows whose searched texts contain `needle` (as typed; lower-cased here
    // as the bodies are), of the units the transaction may see — read from the settings the
    // policies read, never from an argument, so a caller cannot name another unit
    `CREATE FUNCTION ${quoteIdent(find)}(needle text) RETURNS TABLE (unit_id integer, id bigint)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path FROM CURRENT ROWS 100 AS $fn$
DECLARE
  units integer[] := taizhang_visible_units();
  grams text[] := taizhang_search_needle_grams(lower(needle));
  -- % _ and \\ taken as themselves (LIKE's escape is \\)
  pattern text := '%' || replace(replace(replace(lower(needle), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%';
BEGIN
  IF needle IS NULL OR needle = '' THEN
    RETURN;
  ELSIF taizhang_all_units() THEN
    ${found('')}
  ELSIF cardinality(units) = 1 THEN
    ${found('s.unit_id = units[1] AND ')}
  ELSE
    ${found('s.unit_id = ANY (units) AND ')}
  END IF;
END
$fn$`,
    `REVOKE ALL ON FUNCTION ${quoteIdent(find)}(text) FROM PUBLIC`,
    `GRANT EXECUTE ON FUNCTION ${quoteIdent(find)}(text) TO ${ROWS_ROLE}`,
    rebuildRowSearchSql(search),
    `COMMENT ON TABLE ${s} IS '${search.signature.replace(/'/g, "''")}'`,
  ];
}

/** The bodies of the live rows there are: one pass over the ledger table. */
export function rebuildRowSearchSql(search: RowSearch): string {
  return `INSERT INTO ${quoteIdent(search.table)} (id, unit_id, body)
    SELECT b.id, b.unit_id, b.body FROM (SELECT t.id, t.unit_id, ${bodySql(search, 't')} AS body
      FROM ${quoteIdent(search.ledgerTable)} t WHERE t.deleted_at IS NULL) b WHERE b.body <> ''`;
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
