import { quoteIdent } from '../compile/sql-names';
import { specOf, type FieldDefinition } from '../field-types/registry';
import type { ParseContext } from '../field-types/field-type';
import type { LedgerModel } from './ledger-model';
import type { LedgerDefinition } from './types';
import { shanghaiDate } from './period';

const TIME_DIMENSIONS = ['day', 'week', 'month'];

/**
 * The date a ledger's rows count on: what from/to select in statistics and exports, and what
 * day / week / month groups use when they name no field. One rule for all of them: the period
 * field; else the field of the first day/week/month dimension; else the first field whose type is
 * a time axis; else none (null), and a row counts on the day it was created.
 */
export function ledgerDateField(model: LedgerModel): FieldDefinition | null {
  const key = ledgerDateKey(model.definition);
  return (key && model.byKey.get(key)) || null;
}

/** The key of the ledger's date field (ledgerDateField's rule, on a bare definition: the compiler's). */
export function ledgerDateKey(definition: LedgerDefinition): string | null {
  return (
    definition.periodField ??
    definition.dimensions?.find((d) => TIME_DIMENSIONS.includes(d.kind) && d.field)?.field ??
    definition.fields.find((f) => specOf(f).statistics.timeAxis)?.key ??
    null
  );
}

/** A date or datetime field's Asia/Shanghai calendar day, as SQL over the table alias. */
export function fieldDaySql(field: FieldDefinition, alias: string): string {
  const column = `${alias}.${quoteIdent(field.key)}`;
  return specOf(field).valueKind === 'datetime' ? `(${column} AT TIME ZONE 'Asia/Shanghai')::date` : column;
}

/** The period ("YYYY-MM-DD", "YYYY-Www", "YYYY-MM", as periodOfDate gives) of a day, as SQL; null for a ledger without periods. */
export function periodOfDaySql(period: LedgerDefinition['period'], daySql: string): string {
  switch (period ?? 'none') {
    case 'daily':
      return `to_char(${daySql}, 'YYYY-MM-DD')`;
    case 'weekly':
      return `to_char(${daySql}, 'IYYY-"W"IW')`;
    case 'monthly':
      return `to_char(${daySql}, 'YYYY-MM')`;
    default:
      return 'NULL::text';
  }
}

/**
 * A date or datetime field between two Asia/Shanghai calendar days (inclusive; SQL expressions
 * of type date), as SQL the field's index serves: a datetime is compared with the instants the
 * days begin and end, not turned into a day row by row.
 */
export function fieldDaysSql(field: FieldDefinition, alias: string, first: string, last: string): string {
  const column = `${alias}.${quoteIdent(field.key)}`;
  return specOf(field).valueKind === 'datetime'
    ? `${column} >= (${first})::timestamp AT TIME ZONE 'Asia/Shanghai' AND ${column} < ((${last}) + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'`
    : `${column} BETWEEN ${first} AND ${last}`;
}

/** The ledger's date (see ledgerDateField) as SQL over the table alias. */
export function ledgerDaySql(model: LedgerModel, alias: string): string {
  const field = ledgerDateField(model);
  return field ? fieldDaySql(field, alias) : `(${alias}.created_at AT TIME ZONE 'Asia/Shanghai')::date`;
}

/**
 * What a row's typed text is read against (see ParseContext): today in Shanghai, and the row's
 * day, its ledger date's (ledgerDateField), so that a bare "11:50" in another datetime cell of the
 * row lands on that day.
 */
export function rowParseContext(model: LedgerModel, values: Record<string, unknown>, now: Date): ParseContext {
  const today = shanghaiDate(now);
  const field = ledgerDateField(model);
  const raw = field ? values[field.key] : undefined;
  if (!field || typeof raw !== 'string' || raw.trim() === '') return { today };
  const parsed = specOf(field).parse(raw, field, { today });
  return parsed.ok && typeof parsed.value === 'string' ? { today, day: parsed.value.slice(0, 10) } : { today };
}
