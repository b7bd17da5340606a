import { quoteIdent } from '../compile/sql-names';
import type { MeasureDefinition } from '../definition/types';
import { formulaToSql, type SqlContext } from './formula-sql';

/**
 * A measure as an SQL aggregate over the ledger table `context.alias`: what statistics group by
 * unit, day or field, and what a derived figure of another ledger reads for one unit and period.
 * A ratio is Σ numerator ÷ Σ denominator over the group (never an average of row ratios); a
 * distribution has no single aggregate (statistics split it by option).
 */
export function measureToSql(measure: MeasureDefinition, measures: MeasureDefinition[], context: SqlContext): string {
  const column = (key: string) => `${context.alias}.${quoteIdent(key)}`;
  switch (measure.kind) {
    case 'sum':
      return `sum(${column(measure.field)})`;
    case 'count':
      return 'count(*)';
    case 'countWhere':
      return `count(*) FILTER (WHERE ${formulaToSql(measure.where, context)})`;
    case 'ratio': {
      const side = (key: string) => {
        const other = measures.find((m) => m.key === key);
        return other ? measureToSql(other, measures, context) : `sum(${column(key)})`;
      };
      return `(${side(measure.numerator)})::numeric / NULLIF(${side(measure.denominator)}, 0)`;
    }
    case 'distribution':
      return 'NULL';
    default: {
      const unhandled: never = measure;
      throw new Error(`unhandled measure ${JSON.stringify(unhandled)}`);
    }
  }
}

/**
 * Which rows behind a measure a drill-down asks for: COUNTED, the rows the measure counts (for a
 * ratio, its denominator's); MET, those of them its numerator counts too; MISSED, those it does not.
 */
export type MeasurePart = 'COUNTED' | 'MET' | 'MISSED';
export const MEASURE_PARTS: readonly MeasurePart[] = ['COUNTED', 'MET', 'MISSED'];

/** A side of a ratio, or a measure, as the rows it adds up: a condition, or a summed column. */
type RowsOf = { kind: 'where'; sql: string } | { kind: 'sum'; column: string };

function rowsOf(key: string, measures: MeasureDefinition[], context: SqlContext): RowsOf | null {
  const measure = measures.find((m) => m.key === key);
  const column = (field: string) => `${context.alias}.${quoteIdent(field)}`;
  if (!measure) return { kind: 'sum', column: column(key) };
  switch (measure.kind) {
    case 'count':
      return { kind: 'where', sql: 'TRUE' };
    case 'countWhere':
      // count(*) FILTER counts the rows whose condition is true (not false, not null)
      return { kind: 'where', sql: `(${formulaToSql(measure.where, context)}) IS TRUE` };
    case 'sum':
      return { kind: 'sum', column: column(measure.field) };
    case 'ratio':
      return rowsOf(measure.denominator, measures, context);
    case 'distribution':
      return null;
    default: {
      const unhandled: never = measure;
      throw new Error(`unhandled measure ${JSON.stringify(unhandled)}`);
    }
  }
}

/** The condition of the rows that add to a measure: all counted rows, or a summed column's rows that hold a number other than 0. */
const contributes = (rows: RowsOf) => (rows.kind === 'where' ? rows.sql : `COALESCE(${rows.column}, 0) <> 0`);

/**
 * The rows behind a measure as an SQL condition on the ledger table `context.alias` — built from
 * the same formulas as measureToSql, so that the rows a drill-down lists and the statistic
 * cannot disagree: COUNTED of a count or countWhere are the rows it counts (their number is the
 * statistic); of a sum, the rows holding a number other than 0; of a ratio, its denominator's
 * rows. MET / MISSED are only for ratios: with counted sides, the denominator's rows the
 * numerator counts / does not count; with summed sides (Σ 回访数 ÷ Σ 办件量), the rows whose
 * numerator reaches / falls short of their denominator. Null when the part means nothing for the
 * measure (a distribution; MET of a count; a ratio mixing a count and a sum).
 */
export function measureRowsSql(
  measure: MeasureDefinition,
  measures: MeasureDefinition[],
  part: MeasurePart,
  context: SqlContext,
): string | null {
  const counted = rowsOf(measure.key, measures, context);
  if (!counted) return null;
  if (part === 'COUNTED') return contributes(counted);
  if (measure.kind !== 'ratio') return null;
  const numerator = rowsOf(measure.numerator, measures, context);
  if (!numerator) return null;
  if (counted.kind === 'where' && numerator.kind === 'where') {
    return part === 'MET' ? `${counted.sql} AND ${numerator.sql}` : `${counted.sql} AND NOT (${numerator.sql})`;
  }
  if (counted.kind === 'sum' && numerator.kind === 'sum') {
    const met = `COALESCE(${numerator.column}, 0) >= ${counted.column}`;
    return part === 'MET' ? `${contributes(counted)} AND ${met}` : `${contributes(counted)} AND NOT (${met})`;
  }
  return null;
}
