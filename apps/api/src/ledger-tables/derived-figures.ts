import {
  compileFormula,
  fieldDaySql,
  fieldDaysSql,
  measureToSql,
  periodDays,
  periodOfDate,
  periodOfDaySql,
  quoteIdent,
  shanghaiDate,
  tableNameOf,
  textOf,
  validateRow,
  type FieldDefinition,
  type FieldValue,
  type LedgerModel,
  type MeasureDefinition,
} from '@taizhang/ledger-core';
import type { RefreshedRow } from '../common/live/row-events';
import type { RowTransaction } from './row-scope';
import { CHANGED, refreshedOf, type ChangedRow } from './row-derived';
import { overridesSql } from './row-sql';
import { problem, reject, type Planned, type RowChange, type RowOutcome } from './row-write';
import { groupBy } from '../common/group-by';

/**
 * Figures derived from another ledger (docs/ledger-language.md, "Figures from another ledger"):
 * a periodic ledger's field that is a measure of another ledger for the row's unit and period.
 * The value is stored in the row: live (kept current by every write of a source row, and filled
 * when the row is saved) while its sheet is open, frozen from the submission on, or the clerk's
 * override with a reason (derived_overrides).
 */

/** One derived figure: `field` of `holder` is `measure` of `source` over its rows whose `date` falls in the period. */
export interface Figure {
  holder: LedgerModel;
  field: FieldDefinition;
  source: LedgerModel;
  measure: MeasureDefinition;
  date: FieldDefinition;
}

export interface FigurePlan {
  /** This ledger's derived figures (filled on its rows' writes). */
  own: Figure[];
  /** Derived figures (of other ledgers) that measure this ledger's rows. */
  over: Figure[];
}

/** A clerk's figure in place of a derived one, as a row carries it (Row.overrides). */
export interface FigureOverride {
  reason: string;
  /** The live figure when it was overridden. */
  derived: FieldValue;
  by: string | null;
  at: string;
}

const EMPTY: FigurePlan = { own: [], over: [] };
const PLANS = new WeakMap<LedgerModel, FigurePlan>();

function allFigures(ledgers: LedgerModel[]): Figure[] {
  const byKey = new Map(ledgers.map((l) => [l.definition.key, l]));
  const figures: Figure[] = [];
  for (const holder of ledgers) {
    if (!holder.definition.periodField) continue;
    for (const field of holder.fields) {
      if (!field.derive) continue;
      // a source published since without what it names gives nothing until fixed
      const source = byKey.get(field.derive.ledger);
      const measure = source?.definition.measures?.find((m) => m.key === field.derive!.measure);
      const date = source?.byKey.get(field.derive.date);
      if (source && measure && date && ['count', 'countWhere', 'sum'].includes(measure.kind))
        figures.push({ holder, field, source, measure, date });
    }
  }
  return figures;
}

export function figurePlanOf(ledgers: LedgerModel[], ledger: LedgerModel): FigurePlan {
  let plan = PLANS.get(ledger);
  if (!plan) {
    const figures = allFigures(ledgers);
    const key = ledger.definition.key;
    plan =
      figures.length === 0
        ? EMPTY
        : {
            own: figures.filter((f) => f.holder.definition.key === key),
            over: figures.filter((f) => f.source.definition.key === key),
          };
    PLANS.set(ledger, plan);
  }
  return plan;
}

export const figureKey = (unitId: number | string, period: string) => `${unitId}|${period}`;

/** The figure over no rows: none counted, a sum of nothing. */
const NONE = 0;

/** The days a set of periods spans, its first day to its last; null when none is a period of the kind. */
export function periodsSpan(kind: LedgerModel['definition']['period'], periods: string[]) {
  const days = periods.map((p) => periodDays(kind, p)).filter((d) => d !== null);
  if (days.length === 0) return null;
  return {
    first: days.reduce((a, d) => (d.first < a ? d.first : a), days[0].first),
    last: days.reduce((a, d) => (d.last > a ? d.last : a), days[0].last),
  };
}

/** Figures by what they read, one (source, date field) each: every figure's index among all of them. */
export function bySource(figures: Figure[]): { source: LedgerModel; date: FieldDefinition; members: number[] }[] {
  const groups = new Map<string, { source: LedgerModel; date: FieldDefinition; members: number[] }>();
  figures.forEach((figure, i) => {
    const key = `${figure.source.definition.key}.${figure.date.key}`;
    const group = groups.get(key) ?? { source: figure.source, date: figure.date, members: [] };
    group.members.push(i);
    groups.set(key, group);
  });
  return [...groups.values()];
}

/**
 * The grouped read of one (source, date field): per unit and period of the holder, the aggregate
 * `f<i>` of each member figure, over the source rows whose date lies in the days $1–$2 (on the
 * date's index); for the units given (null: every unit the transaction sees).
 */
export function liveGroupSql(
  figures: Figure[],
  members: number[],
  params: unknown[],
  now: Date,
  units: number[] | null = null,
): string {
  const { source, date, holder } = figures[members[0]];
  const context = { alias: 'x', types: source.types, params, now };
  const aggregates = members.map((i) => `${measureToSql(figures[i].measure, [], context)} AS f${i}`).join(', ');
  const unitFilter = units === null ? '' : `AND x.unit_id = ANY($${params.push(units)}::int[])`;
  return `SELECT x.unit_id, ${periodOfDaySql(holder.definition.period, fieldDaySql(date, 'x'))} AS period, ${aggregates}
            FROM ${quoteIdent(tableNameOf(source.definition.key))} x
           WHERE x.deleted_at IS NULL ${unitFilter} AND ${fieldDaysSql(date, 'x', '$1::date', '$2::date')}
           GROUP BY 1, 2`;
}

/**
 * What the source ledgers say now, per unit and period, for figures of one holder: one grouped
 * aggregate per (source, date field), over the days of the periods asked (on the date's index),
 * for the units asked (null: every unit the transaction sees). Every (unit, period) asked of a
 * unit with rows gets every figure, 0 where no row counts; see `figureOr`.
 */
export async function liveFigures(
  tx: RowTransaction,
  figures: Figure[],
  units: number[] | null,
  periods: string[],
  now: Date,
): Promise<Map<string, Record<string, FieldValue>>> {
  const found = new Map<string, Record<string, FieldValue>>();
  if (figures.length === 0 || periods.length === 0) return found;
  const span = periodsSpan(figures[0].holder.definition.period, periods);
  if (!span) return found;
  const wanted = new Set(periods);
  for (const { members } of bySource(figures)) {
    const params: unknown[] = [span.first, span.last];
    const raw = (await tx.query(liveGroupSql(figures, members, params, now, units), params)) as Record<
      string,
      unknown
    >[];
    for (const row of raw) {
      const period = String(row.period);
      if (!wanted.has(period)) continue;
      const key = figureKey(Number(row.unit_id), period);
      const values = found.get(key) ?? {};
      for (const i of members) {
        const { holder, field } = figures[i];
        const value = row[`f${i}`];
        values[field.key] =
          value === null || value === undefined ? NONE : (holder.spec(field).fromDb(value) as FieldValue);
      }
      found.set(key, values);
    }
  }
  return found;
}

/** A figure of a unit's period, 0 when no source row counts. */
export const figureOr = (live: Map<string, Record<string, FieldValue>>, key: string, field: string): FieldValue =>
  live.get(key)?.[field] ?? NONE;

/** The stored overrides of rows of a holder: row id → field → the override. */
async function storedOverrides(
  tx: RowTransaction,
  holder: LedgerModel,
  unitId: number,
  ids: number[],
): Promise<Map<number, Set<string>>> {
  const found = new Map<number, Set<string>>();
  if (ids.length === 0) return found;
  const raw = (await tx.query(
    `SELECT row_id, field FROM derived_overrides WHERE ledger_key = $1 AND unit_id = $2 AND row_id = ANY($3::bigint[])`,
    [holder.definition.key, unitId, ids],
  )) as { row_id: string; field: string }[];
  for (const { row_id, field } of raw) {
    const id = Number(row_id);
    found.set(id, (found.get(id) ?? new Set()).add(field));
  }
  return found;
}

/** What a write does to a row's overrides: a field set with its reason, or cleared (null). */
export type OverrideChanges = Map<
  number,
  Map<string, { value: FieldValue; reason: string; derived: FieldValue } | null>
>;

const MAX_REASON = 500;
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Fills the derived figures of rows about to be written, before their formulas and rules run
 * again: a figure the change overrides with a reason keeps the clerk's value; one overridden
 * before keeps it; the others take the live figure of the row's unit and period. A figure given
 * without a reason is refused, unless it is what the row already says (a grid sending back what
 * it shows) or empty (which clears an override). Returns the override changes to record once the
 * rows have their ids (`recordOverrides`).
 */
export async function fillFigures(
  tx: RowTransaction,
  plan: FigurePlan,
  model: LedgerModel,
  unitId: number,
  planned: Planned[],
  changes: RowChange[],
  outcomes: Map<number, RowOutcome>,
  check: { now: Date; period?: string | null },
): Promise<OverrideChanges> {
  const overrides: OverrideChanges = new Map();
  if (plan.own.length === 0) return overrides;
  const rows = planned.filter((p) => p.op !== 'DELETE' && !outcomes.has(p.index));
  if (rows.length === 0) return overrides;
  const periods = [...new Set(rows.map((p) => p.period).filter((p): p is string => p !== null))];
  const live = await liveFigures(tx, plan.own, [unitId], periods, check.now);
  const stored = await storedOverrides(
    tx,
    model,
    unitId,
    rows.filter((p) => p.id !== undefined).map((p) => p.id!),
  );
  for (const p of rows) {
    const change = changes[p.index];
    const given = (change.values ?? {}) as Record<string, unknown>;
    const reasons = (change.reasons && typeof change.reasons === 'object' ? change.reasons : {}) as Record<
      string,
      unknown
    >;
    const mine = new Map<string, { value: FieldValue; reason: string; derived: FieldValue } | null>();
    const errors = [];
    for (const { field } of plan.own) {
      const key = field.key;
      const derived = p.period ? figureOr(live, figureKey(unitId, p.period), key) : null;
      const overridden = p.id !== undefined && stored.get(p.id)?.has(key) === true;
      const value = p.values[key] as FieldValue;
      const reason = typeof reasons[key] === 'string' ? (reasons[key] as string).trim() : '';
      if (Object.hasOwn(given, key) && value === null) {
        if (overridden) mine.set(key, null);
        p.values[key] = derived;
      } else if (Object.hasOwn(given, key) && reason !== '') {
        if (reason.length > MAX_REASON)
          errors.push(
            problem(key, `调整原因不能超过 ${MAX_REASON} 字`, `The reason may be at most ${MAX_REASON} characters`),
          );
        else mine.set(key, { value, reason, derived });
      } else if (Object.hasOwn(given, key) && !same(value, p.old ? p.old.values[key] : derived)) {
        errors.push(
          problem(
            key,
            `「${textOf(field.title)}」由其他台账自动得出（${String(derived)}），改为 ${String(value)} 需填写调整原因`,
            `"${textOf(field.title, 'en')}" is derived from another ledger (${String(derived)}); changing it to ${String(value)} needs a reason`,
          ),
        );
      } else if (overridden) p.values[key] = p.old!.values[key] as FieldValue;
      else p.values[key] = derived;
    }
    if (errors.length > 0) {
      outcomes.set(p.index, reject(p.index, errors));
      continue;
    }
    if (mine.size > 0) overrides.set(p.index, mine);
  }
  return overrides;
}

/** Writes the override changes of saved rows (ids known now). */
export async function recordOverrides(
  tx: RowTransaction,
  model: LedgerModel,
  unitId: number,
  actor: number | null,
  changes: OverrideChanges,
  idOf: (index: number) => number | null,
  now: Date,
): Promise<void> {
  for (const [index, fields] of changes) {
    const id = idOf(index);
    if (id === null) continue;
    for (const [field, override] of fields) {
      if (override === null)
        await tx.query(`DELETE FROM derived_overrides WHERE ledger_key = $1 AND row_id = $2 AND field = $3`, [
          model.definition.key,
          id,
          field,
        ]);
      else
        await tx.query(
          `INSERT INTO derived_overrides (ledger_key, row_id, field, unit_id, value, reason, derived, user_id, at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (ledger_key, row_id, field) DO UPDATE
             SET value = EXCLUDED.value, reason = EXCLUDED.reason, derived = EXCLUDED.derived,
                 user_id = EXCLUDED.user_id, at = EXCLUDED.at`,
          [
            model.definition.key,
            id,
            field,
            unitId,
            JSON.stringify(override.value),
            override.reason,
            JSON.stringify(override.derived),
            actor,
            now,
          ],
        );
    }
  }
}

/** The overrides of the saved rows whose overrides a write changed, as those rows carry them (Row.overrides). */
export async function rereadOverrides(
  tx: RowTransaction,
  model: LedgerModel,
  changed: OverrideChanges,
  outcomes: Map<number, RowOutcome>,
): Promise<void> {
  const rows = [...changed.keys()]
    .map((index) => outcomes.get(index))
    .filter((o) => o?.status === 'SAVED' && o.row)
    .map((o) => o!.row!);
  if (rows.length === 0) return;
  const raw = (await tx.query(
    `SELECT t.id, ${overridesSql(model, 't')} AS overrides FROM ${quoteIdent(tableNameOf(model.definition.key))} t
      WHERE t.unit_id = $1 AND t.id = ANY($2::bigint[])`,
    [Number(rows[0].unitId), rows.map((r) => Number(r.id))],
  )) as { id: string; overrides: Record<string, unknown> | null }[];
  const byId = new Map(raw.map((r) => [String(r.id), r.overrides]));
  for (const row of rows) row.overrides = byId.get(row.id) ?? null;
}

/** The periods of `figure.holder` that a source row's values place it in (before or after a write). */
function periodsOf(figure: Figure, values: Record<string, unknown> | null | undefined, into: Set<string>) {
  const value = values?.[figure.date.key];
  if (typeof value !== 'string' || value === '') return;
  // a datetime is stored as an instant: its day is the Shanghai calendar day; a date is its day
  const day = value.length > 10 ? shanghaiDate(new Date(value)) : value;
  const period = periodOfDate(figure.holder.definition.period, day);
  if (period) into.add(period);
}

/** A written source row: its values before (null: new) and after (null: deleted). */
export interface WrittenSourceRow {
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/**
 * After rows of a source ledger are written: the figures of the unit's open sheets of the
 * periods those rows were and are in. Submitted sheets keep their frozen figures (their periods
 * read under the holder's sheet lock, so a submit and this write are serialized) and overridden
 * figures keep the clerk's.
 */
export async function refreshFigures(
  tx: RowTransaction,
  plan: FigurePlan,
  unitId: number,
  written: WrittenSourceRow[],
  now: Date,
  submittedSheets: (holderKey: string) => Promise<string[]>,
): Promise<RefreshedRow[]> {
  const refreshed: RefreshedRow[] = [];
  if (plan.over.length === 0 || written.length === 0) return refreshed;
  const byHolder = groupBy(plan.over, (figure) => figure.holder);
  for (const [holder, figures] of byHolder) {
    const periods = new Set<string>();
    for (const figure of figures)
      for (const w of written) {
        // a row whose measured fields and date did not change moves no figure
        if (w.before && w.after && figureFieldsSame(figure, w.before, w.after)) continue;
        periodsOf(figure, w.before, periods);
        periodsOf(figure, w.after, periods);
      }
    if (periods.size === 0) continue;
    const locked = new Set(await submittedSheets(holder.definition.key));
    const open = [...periods].filter((p) => !locked.has(p));
    // the figures that measure this ledger (the holder's others read other ledgers, unmoved)
    refreshed.push(...(await writeFigures(tx, holder, figures, unitId, open, now)));
  }
  return refreshed;
}

const SOURCE_FIELDS = new WeakMap<Figure, string[]>();
function figureFieldsSame(figure: Figure, before: Record<string, unknown>, after: Record<string, unknown>) {
  let keys = SOURCE_FIELDS.get(figure);
  if (!keys) {
    // what the measure reads, and the date; a count reads nothing else
    keys = [figure.date.key];
    const m = figure.measure;
    if (m.kind === 'sum') keys.push(m.field);
    if (m.kind === 'countWhere') keys.push(...compileFormula(m.where).references);
    SOURCE_FIELDS.set(figure, keys);
  }
  return keys.every((k) => same(before[k], after[k]));
}

/**
 * Sets the figures of a unit's rows in the given periods to what the sources say now, except
 * overridden ones, and recomputes those rows' formulas. No new version, no history: nobody
 * edited these rows (as for look-ups and roll-ups).
 */
export async function writeFigures(
  tx: RowTransaction,
  holder: LedgerModel,
  figures: Figure[],
  unitId: number,
  periods: string[],
  now: Date,
): Promise<RefreshedRow[]> {
  const refreshed: RefreshedRow[] = [];
  if (figures.length === 0 || periods.length === 0) return refreshed;
  const live = await liveFigures(tx, figures, [unitId], periods, now);
  const table = quoteIdent(tableNameOf(holder.definition.key));
  const rows = (await tx.query(
    `SELECT t.id, t.period, ${holder.fields.map((f) => `t.${quoteIdent(f.key)}`).join(', ')},
            ARRAY(SELECT o.field FROM derived_overrides o WHERE o.ledger_key = $3 AND o.row_id = t.id) AS overridden
       FROM ${table} t WHERE t.unit_id = $1 AND t.period = ANY($2::text[]) AND t.deleted_at IS NULL FOR UPDATE`,
    [unitId, periods, holder.definition.key],
  )) as Record<string, unknown>[];
  for (const raw of rows) {
    const values: Record<string, unknown> = {};
    for (const field of holder.fields) values[field.key] = holder.spec(field).fromDb(raw[field.key]);
    const overridden = new Set(raw.overridden as string[]);
    const key = figureKey(unitId, String(raw.period));
    for (const { field } of figures) if (!overridden.has(field.key)) values[field.key] = figureOr(live, key, field.key);
    const checked = validateRow(holder, values, { input: 'json', now });
    // a rule the new figures break does not stop the source's write: the clerk sees it when saving the sheet
    const next = { ...values };
    for (const { field } of holder.computed) next[field.key] = checked.values[field.key] ?? null;
    const moved = holder.fields.filter((f) => !same(next[f.key], holder.spec(f).fromDb(raw[f.key])));
    if (moved.length === 0) continue;
    const params: unknown[] = [unitId, raw.id];
    const sets = moved.map((f) => `${quoteIdent(f.key)} = $${params.push(next[f.key])}`);
    const changed = await tx.query<ChangedRow>(
      `UPDATE ${table} h SET ${sets.join(', ')} WHERE h.unit_id = $1 AND h.id = $2 RETURNING ${CHANGED}`,
      params,
    );
    refreshed.push(...changed.map((row) => refreshedOf(holder, row)));
  }
  return refreshed;
}

/**
 * At a publish of `key` (holder or source of figures): every open sheet's figures, of every unit,
 * as the sources say now. Submitted sheets keep theirs (frozen; typed before, if the figure is
 * new). In the publish's transaction, with row-level security open for all units.
 */
export async function fillAllFigures(tx: RowTransaction, ledgers: LedgerModel[], key: string, now: Date) {
  const byHolder = groupBy(
    allFigures(ledgers).filter((f) => f.holder.definition.key === key || f.source.definition.key === key),
    (figure) => figure.holder,
  );
  for (const [holder, figures] of byHolder) {
    const open = (await tx.query(
      `SELECT t.unit_id, array_agg(DISTINCT t.period) AS periods FROM ${quoteIdent(tableNameOf(holder.definition.key))} t
        WHERE t.deleted_at IS NULL AND t.period IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM sheets s WHERE s.ledger_key = $1 AND s.unit_id = t.unit_id
                                                  AND s.period = t.period AND s.state = 'submitted')
        GROUP BY t.unit_id`,
      [holder.definition.key],
    )) as { unit_id: number; periods: string[] }[];
    for (const { unit_id, periods } of open) await writeFigures(tx, holder, figures, unit_id, periods, now);
  }
}
