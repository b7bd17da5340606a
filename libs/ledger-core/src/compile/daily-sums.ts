import { specOf } from '../field-types/registry';
import type { LedgerModel } from '../definition/ledger-model';
import { ledgerDaySql } from '../definition/ledger-date';
import type { MeasureDefinition } from '../definition/types';
import { ROWS_ROLE, UNIT_VISIBLE } from './table-change-sql';
import { dailySumsFunctionName, quoteIdent, tableNameOf } from './sql-names';

/**
 * Maintained aggregates (docs/scale.md "Maintained aggregates"): per ledger whose measures can be
 * answered from sums, a table `<ledger table>__daily (unit_id, day, n, s_<field>, c_<field>)` —
 * per unit and ledger day, the count of live rows and, per summed field, its sum and its count of
 * non-null values (so that a sum over empty values stays NULL, as the raw query gives). It is kept
 * by statement-level triggers on the ledger table and read by statistics instead of the rows.
 */
export interface DailySums {
  /** The ledger's table. */
  ledgerTable: string;
  /** The sums' table. */
  table: string;
  /** The summed fields' keys (columns s_<key>, c_<key>), in a stable order. */
  fields: string[];
  /** The ledger day of a row of the ledger table `alias`. */
  daySql(alias: string): string;
  /**
   * What the table's shape and content depend on (the day's SQL, the summed fields and their
   * SQL types): kept as the table's comment; a publish that changes it rebuilds the table.
   */
  signature: string;
}

/** Name lengths PostgreSQL keeps (63 bytes): a longer name would be cut, so no sums for it. */
const MAX_NAME = 63;

/** The fields a measure adds up from the sums, or null if the sums cannot answer it. */
function summedFields(measure: MeasureDefinition, measures: MeasureDefinition[], model: LedgerModel): string[] | null {
  const field = (key: string): string[] | null => {
    const found = model.byKey.get(key);
    return found && specOf(found).statistics.summable && `s_${key}`.length <= MAX_NAME ? [key] : null;
  };
  const side = (key: string): string[] | null => {
    const other = measures.find((m) => m.key === key);
    if (!other) return field(key);
    if (other.kind === 'count') return [];
    if (other.kind === 'sum') return field(other.field);
    return null; // countWhere, distribution, a ratio of ratios: the rows answer them
  };
  switch (measure.kind) {
    case 'count':
      return [];
    case 'sum':
      return field(measure.field);
    case 'ratio': {
      const numerator = side(measure.numerator);
      const denominator = side(measure.denominator);
      return numerator && denominator ? [...numerator, ...denominator] : null;
    }
    default:
      return null;
  }
}

/** The ledger's sums, or null when none of its measures is answered from them (or its name would be too long). */
export function dailySumsOf(model: LedgerModel): DailySums | null {
  const measures = model.definition.measures ?? [];
  const answerable = measures.map((m) => summedFields(m, measures, model)).filter((f): f is string[] => f !== null);
  if (answerable.length === 0) return null;
  const ledgerTable = tableNameOf(model.definition.key);
  const table = `${ledgerTable}__daily`;
  if (`${table}_day`.length > MAX_NAME) return null;
  const fields = [...new Set(answerable.flat())].sort();
  const daySql = (alias: string) => ledgerDaySql(model, alias);
  const signature = JSON.stringify({
    v: 1,
    day: daySql('t'),
    fields: fields.map((key) => [key, specOf(model.byKey.get(key)!).sqlType]),
  });
  return { ledgerTable, table, fields, daySql, signature };
}

/**
 * The SQL of a measure over the sums' table `alias`, as measureToSql gives it over the rows; null
 * if the sums cannot answer it. `perRow`: over ONE row of a table of group sums (columns `n` and
 * `s_<field>`, as `sumsColumnsOf` names them), so no aggregate — a group that is already one row
 * of the sums (a unit and a day) or one row of sums grouped once (docs/scale.md).
 */
export function measureFromSumsSql(
  measure: MeasureDefinition,
  measures: MeasureDefinition[],
  sums: DailySums,
  alias: string,
  perRow = false,
): string | null {
  const total = (column: string) => (perRow ? `${alias}.${column}` : `sum(${alias}.${column})`);
  const sumOf = (key: string) => (sums.fields.includes(key) ? total(quoteIdent(`s_${key}`)) : null);
  const count = perRow ? `COALESCE(${alias}.n, 0)` : `COALESCE(sum(${alias}.n), 0)`;
  switch (measure.kind) {
    case 'count':
      return count;
    case 'sum':
      return sumOf(measure.field);
    case 'ratio': {
      const side = (key: string) => {
        const other = measures.find((m) => m.key === key);
        if (!other) return sumOf(key);
        if (other.kind === 'count') return count;
        if (other.kind === 'sum') return sumOf(other.field);
        return null;
      };
      const numerator = side(measure.numerator);
      const denominator = side(measure.denominator);
      return numerator && denominator ? `(${numerator})::numeric / NULLIF(${denominator}, 0)` : null;
    }
    default:
      return null;
  }
}

/** The columns of the sums' table a measure reads (`n`, `s_<field>`, unquoted), or null if the sums cannot answer it. */
export function sumsColumnsOf(
  measure: MeasureDefinition,
  measures: MeasureDefinition[],
  sums: DailySums,
): string[] | null {
  const sumOf = (key: string) => (sums.fields.includes(key) ? [`s_${key}`] : null);
  const side = (key: string): string[] | null => {
    const other = measures.find((m) => m.key === key);
    if (!other) return sumOf(key);
    if (other.kind === 'count') return ['n'];
    if (other.kind === 'sum') return sumOf(other.field);
    return null;
  };
  switch (measure.kind) {
    case 'count':
      return ['n'];
    case 'sum':
      return sumOf(measure.field);
    case 'ratio': {
      const numerator = side(measure.numerator);
      const denominator = side(measure.denominator);
      return numerator && denominator ? [...new Set([...numerator, ...denominator])] : null;
    }
    default:
      return null;
  }
}

/** Dropping the sums (table, trigger function, and with it its triggers): before a publish that changes them. */
export function dropDailySumsSql(ledgerTable: string): string[] {
  const table = `${ledgerTable}__daily`;
  return [
    `DROP FUNCTION IF EXISTS ${quoteIdent(dailySumsFunctionName(ledgerTable))}() CASCADE`,
    ...(`${table}_day`.length > MAX_NAME ? [] : [`DROP TABLE IF EXISTS ${quoteIdent(table)}`]),
  ];
}

/**
 * Making the sums: the table, its row-level security, the trigger function and its three
 * statement-level triggers, then the sums of the rows there are (one GROUP BY of the table), and
 * the signature as the table's comment. Run as the owner, in the publish's transaction, with
 * every unit visible.
 */
export function createDailySumsSql(sums: DailySums): string[] {
  const d = quoteIdent(sums.table);
  const l = quoteIdent(sums.ledgerTable);
  const fn = dailySumsFunctionName(sums.ledgerTable);
  const s = (key: string) => quoteIdent(`s_${key}`);
  const c = (key: string) => quoteIdent(`c_${key}`);
  const v = (alias: string, key: string) => `${alias}.${quoteIdent(key)}`;
  const columns = ['unit_id', 'day', 'n', ...sums.fields.flatMap((k) => [s(k), c(k)])].join(', ');
  // the live rows of a transition table, signed: +1 for new rows, -1 for old ones
  const signed = (source: string, sign: '' | '-') =>
    `SELECT t.unit_id, ${sums.daySql('t')} AS day, ${sign}1 AS n${sums.fields
      .map((k) => `, ${sign}(${v('t', k)})::numeric AS ${s(k)}, ${sign}(${v('t', k)} IS NOT NULL)::int AS ${c(k)}`)
      .join('')} FROM ${source} t WHERE t.deleted_at IS NULL`;
  const upsert = (sources: string[]) =>
    `INSERT INTO ${d} AS d (${columns})
       SELECT unit_id, day, sum(n)${sums.fields.map((k) => `, sum(${s(k)}), sum(${c(k)})`).join('')}
         FROM (${sources.join(' UNION ALL ')}) g
        GROUP BY unit_id, day
       HAVING sum(n) <> 0${sums.fields.map((k) => ` OR sum(${c(k)}) <> 0 OR COALESCE(sum(${s(k)}), 0) <> 0`).join('')}
        ORDER BY unit_id, day
       ON CONFLICT (unit_id, day) DO UPDATE SET n = d.n + EXCLUDED.n${sums.fields
         .map(
           (k) =>
             `, ${c(k)} = d.${c(k)} + EXCLUDED.${c(k)}, ${s(k)} = CASE WHEN d.${c(k)} + EXCLUDED.${c(k)} = 0 THEN NULL ELSE COALESCE(d.${s(k)}, 0) + COALESCE(EXCLUDED.${s(k)}, 0) END`,
         )
         .join('')};`;
  // a group whose last live row left is gone, as a GROUP BY of the rows has no such group
  const emptied = `DELETE FROM ${d} d USING (SELECT DISTINCT t.unit_id, ${sums.daySql('t')} AS day FROM old_rows t WHERE t.deleted_at IS NULL) k
        WHERE d.unit_id = k.unit_id AND d.day IS NOT DISTINCT FROM k.day AND d.n = 0;`;
  const trigger = (suffix: string, event: string, referencing: string) =>
    `CREATE TRIGGER ${quoteIdent(`${fn}_${suffix}`)} AFTER ${event} ON ${l} REFERENCING ${referencing} FOR EACH STATEMENT EXECUTE FUNCTION ${quoteIdent(fn)}()`;
  return [
    // day is NULL for a row without a date (the raw query groups those too): one group per unit
    `CREATE TABLE ${d} (
  unit_id integer NOT NULL,
  day date,
  n bigint NOT NULL${sums.fields.map((k) => `,\n  ${s(k)} numeric,\n  ${c(k)} bigint NOT NULL`).join('')},
  UNIQUE NULLS NOT DISTINCT (unit_id, day)
)`,
    // a month or a year of every unit: a range of days (the unique key serves a unit's days)
    `CREATE INDEX ${quoteIdent(`${sums.table}_day`)} ON ${d} (day)`,
    // reads as the ledger's rows are read: the rows role sees its units' sums only. Not FORCEd:
    // the owner, as whom the trigger function runs, keeps the sums of every unit
    `ALTER TABLE ${d} ENABLE ROW LEVEL SECURITY`,
    `CREATE POLICY unit_isolation ON ${d} FOR SELECT USING (${UNIT_VISIBLE})`,
    `GRANT SELECT ON ${d} TO ${ROWS_ROLE}`,
    // SECURITY DEFINER: the writers (the rows role, under row-level security) cannot write the
    // sums themselves, so no writer can make them disagree with the rows
    `CREATE FUNCTION ${quoteIdent(fn)}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $fn$
BEGIN
  IF TG_OP = 'INSERT' THEN
    ${upsert([signed('new_rows', '')])}
  ELSIF TG_OP = 'DELETE' THEN
    ${upsert([signed('old_rows', '-')])}
    ${emptied}
  ELSE
    ${upsert([signed('new_rows', ''), signed('old_rows', '-')])}
    ${emptied}
  END IF;
  RETURN NULL;
END
$fn$`,
    `REVOKE ALL ON FUNCTION ${quoteIdent(fn)}() FROM PUBLIC`,
    trigger('i', 'INSERT', 'NEW TABLE AS new_rows'),
    trigger('u', 'UPDATE', 'OLD TABLE AS old_rows NEW TABLE AS new_rows'),
    trigger('d', 'DELETE', 'OLD TABLE AS old_rows'),
    rebuildDailySumsSql(sums),
    `COMMENT ON TABLE ${d} IS '${sums.signature.replace(/'/g, "''")}'`,
  ];
}

/** The sums of the live rows there are: one GROUP BY of the ledger table. */
export function rebuildDailySumsSql(sums: DailySums): string {
  const columns = ['unit_id', 'day', 'n', ...sums.fields.flatMap((k) => [`s_${k}`, `c_${k}`])].map(quoteIdent);
  const day = sums.daySql('t');
  return `INSERT INTO ${quoteIdent(sums.table)} (${columns.join(', ')})
    SELECT t.unit_id, ${day}, count(*)${sums.fields.map((k) => `, sum(t.${quoteIdent(k)}), count(t.${quoteIdent(k)})`).join('')}
      FROM ${quoteIdent(sums.ledgerTable)} t WHERE t.deleted_at IS NULL
     GROUP BY t.unit_id, ${day}`;
}
