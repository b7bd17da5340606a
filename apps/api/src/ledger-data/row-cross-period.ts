import {
  firstPeriodOfYear,
  previousPeriod,
  quoteIdent,
  type CrossPeriodValues,
  type FieldDefinition,
  type LedgerModel,
} from '@taizhang/ledger-core';
import type { RowTransaction } from '../ledger-tables/row-scope';
import { tableOf } from '../ledger-tables/row-sql';

/**
 * A row of the batch as it will be once the batch is saved: an insert or update with its new
 * values and period (as its own checks read them), or a delete (values null). Rows of the batch
 * that will not change (refused by their own checks, stale versions) are not listed: what is
 * stored for them counts.
 */
export interface BatchRow {
  index: number;
  /** The stored row's id; null for an insert. */
  id: number | null;
  period: string | null;
  values: Record<string, unknown> | null;
}

/** A sum as it is built: its total and how many values were added (none: the sum is null). */
interface Sum {
  total: number;
  count: number;
}

/** A period's values the rules ask of it: sums of the summable fields, and its newest row for the others. */
interface PeriodValues {
  sums: Map<string, Sum>;
  newest: { rank: number; values: Record<string, unknown> } | null;
}

/** Above every id a ledger row will have (2^52; a batch index added to it stays exact). */
const NEWER_THAN_STORED = 2 ** 52;

const EMPTY: CrossPeriodValues = Object.freeze({ previous: Object.freeze({}), cumulative: Object.freeze({}) });

/** Whether the ledger's rules use previous()/cumulative(): nothing is fetched for the others. */
export const usesCrossPeriod = (model: LedgerModel) =>
  model.crossPeriod.previous.length > 0 || model.crossPeriod.cumulative.length > 0;

/**
 * What previous() and cumulative() read, for each row of a batch of one unit about to be
 * checked (by the batch index; a row without a period gets empty values). Each row sees the
 * other rows of the batch as they will be once it is saved: their new values in their new
 * periods, deleted rows gone, and their stored values not counted besides. One query per
 * function the rules use, over every period the batch needs, whatever the number of rows.
 */
export async function crossPeriodValues(
  tx: RowTransaction,
  model: LedgerModel,
  unitId: number,
  batch: BatchRow[],
): Promise<{ get(index: number): CrossPeriodValues }> {
  const kind = model.definition.period;
  const summable = (key: string) => model.byKey.has(key) && model.spec(model.byKey.get(key)!).statistics.summable;
  const changedIds = batch.flatMap((row) => (row.id === null ? [] : [row.id]));
  const live = batch.filter(
    (row): row is BatchRow & { period: string; values: Record<string, unknown> } =>
      row.period !== null && row.values !== null,
  );
  // a row of the batch is newer than every stored row, and a later row of the batch newer than an earlier one
  const rankOf = (row: BatchRow) => row.id ?? NEWER_THAN_STORED + row.index;

  const { previous: previousFields, cumulative: cumulativeFields } = model.crossPeriod;
  const previousOf = new Map(live.map((row) => [row.period, previousPeriod(kind, row.period)]));
  const previousPeriods = [...new Set([...previousOf.values()].filter((p): p is string => p !== null))];
  const previous = new Map<string, PeriodValues>();
  if (previousFields.length > 0 && previousPeriods.length > 0) {
    const sums = previousFields.filter(summable);
    const others = previousFields.filter((key) => !summable(key));
    for (const raw of await queryPeriods(tx, model, unitId, changedIds, { periods: previousPeriods }, sums, others))
      previous.set(String(raw.period), periodFromDb(model, raw, sums, others));
    for (const row of live)
      if (previousPeriods.includes(row.period)) addRow(previous, row.period, row.values, rankOf(row), sums, others);
  }

  const cumulative = new Map<string, PeriodValues>();
  if (cumulativeFields.length > 0 && live.length > 0) {
    const periods = live.map((row) => row.period).sort();
    const from = firstPeriodOfYear(kind, periods[0]) ?? periods[0];
    const to = periods[periods.length - 1];
    for (const raw of await queryPeriods(tx, model, unitId, changedIds, { from, to }, cumulativeFields, []))
      cumulative.set(String(raw.period), periodFromDb(model, raw, cumulativeFields, []));
    for (const row of live) addRow(cumulative, row.period, row.values, rankOf(row), cumulativeFields, []);
  }

  // the running total up to each period of the batch, the row's own value taken off per row below
  const totals = new Map<string, Map<string, Sum>>();
  const totalUpTo = (period: string) => {
    let total = totals.get(period);
    if (!total) {
      total = new Map(cumulativeFields.map((key) => [key, { total: 0, count: 0 }]));
      const year = period.slice(0, 4);
      for (const [other, values] of cumulative)
        if (other.slice(0, 4) === year && other <= period)
          for (const [key, sum] of values.sums) add(total.get(key)!, sum.total, sum.count);
      totals.set(period, total);
    }
    return total;
  };

  const byIndex = new Map<number, CrossPeriodValues>();
  for (const row of live) {
    const given: CrossPeriodValues = { previous: {}, cumulative: {} };
    const before = previousOf.get(row.period);
    const sheet = before ? previous.get(before) : undefined;
    if (sheet) {
      for (const [key, sum] of sheet.sums) given.previous[key] = sum.count > 0 ? sum.total : null;
      for (const key of previousFields) if (!summable(key)) given.previous[key] = sheet.newest?.values[key] ?? null;
    }
    if (cumulativeFields.length > 0) {
      const total = totalUpTo(row.period);
      for (const key of cumulativeFields) {
        const sum = total.get(key)!;
        const own = numberOf(row.values[key]);
        const count = sum.count - (own === null ? 0 : 1);
        given.cumulative[key] = count > 0 ? sum.total - (own ?? 0) : null;
      }
    }
    byIndex.set(row.index, given);
  }
  return { get: (index) => byIndex.get(index) ?? EMPTY };
}

/**
 * The unit's live rows of the periods asked for, grouped by period, the batch's stored rows left
 * out (they count as the batch has them): the sum of each summable field (as text: a bigint's or
 * numeric's sum is numeric), and the newest row's other fields.
 */
async function queryPeriods(
  tx: RowTransaction,
  model: LedgerModel,
  unitId: number,
  changedIds: number[],
  range: { periods: string[] } | { from: string; to: string },
  sums: string[],
  others: string[],
): Promise<Record<string, unknown>[]> {
  const table = tableOf(model);
  const params: unknown[] = [unitId, changedIds];
  let where: string;
  if ('periods' in range) {
    params.push(range.periods);
    where = `t.period = ANY($3::text[])`;
  } else {
    params.push(range.from, range.to);
    where = `t.period >= $3 AND t.period <= $4`;
  }
  const summed = sums.map((key, i) => `, sum(t.${quoteIdent(key)})::text AS s${i}`).join('');
  const grouped = `SELECT t.period, max(t.id) AS newest${summed} FROM ${table} t
    WHERE t.unit_id = $1 AND t.deleted_at IS NULL AND ${where} AND NOT (t.id = ANY($2::bigint[]))
    GROUP BY t.period`;
  if (others.length === 0) return (await tx.query(grouped, params)) as Record<string, unknown>[];
  const newest = others.map((key, i) => `, n.${quoteIdent(key)} AS o${i}`).join('');
  return (await tx.query(
    `SELECT g.*${newest} FROM (${grouped}) g JOIN ${table} n ON n.unit_id = $1 AND n.id = g.newest`,
    params,
  )) as Record<string, unknown>[];
}

function periodFromDb(
  model: LedgerModel,
  raw: Record<string, unknown>,
  sums: string[],
  others: string[],
): PeriodValues {
  const values: PeriodValues = { sums: new Map(), newest: null };
  sums.forEach((key, i) => {
    const total = numberOf(raw[`s${i}`]);
    values.sums.set(key, total === null ? { total: 0, count: 0 } : { total, count: 1 });
  });
  if (others.length > 0) {
    const newest: Record<string, unknown> = {};
    others.forEach((key, i) => {
      const field = model.byKey.get(key) as FieldDefinition;
      newest[key] = model.spec(field).fromDb(raw[`o${i}`]);
    });
    values.newest = { rank: Number(raw.newest), values: newest };
  }
  return values;
}

/** A row of the batch counted in its period. */
function addRow(
  periods: Map<string, PeriodValues>,
  period: string,
  values: Record<string, unknown>,
  rank: number,
  sums: string[],
  others: string[],
): void {
  let target = periods.get(period);
  if (!target) {
    target = { sums: new Map(sums.map((key) => [key, { total: 0, count: 0 }])), newest: null };
    periods.set(period, target);
  }
  for (const key of sums) {
    const value = numberOf(values[key]);
    if (value !== null) add(target.sums.get(key)!, value, 1);
  }
  if (others.length > 0 && (target.newest === null || rank > target.newest.rank)) target.newest = { rank, values };
}

function add(sum: Sum, total: number, count: number): void {
  sum.total += total;
  sum.count += count;
}

/** A number field's value as stored or sent: a number, or a numeric string (bigint, numeric, money). */
function numberOf(value: unknown): number | null {
  const number =
    typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(number) ? number : null;
}
