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
