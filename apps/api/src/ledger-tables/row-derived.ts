import {
  compileFormula,
  type CrossPeriodValues,
  quoteIdent,
  specOf,
  tableNameOf,
  formulaToSql,
  validateRow,
  type FieldDefinition,
  type LedgerModel,
  type RollupDefinition,
} from '@taizhang/ledger-core';
import type { RefreshedRow } from '../common/live/row-events';
import type { RowTransaction } from './row-scope';
import { reject, type Planned, type RowOutcome } from './row-write';
import { groupBy } from '../common/group-by';

/**
 * Derived fields, the write side (docs/ledger-language.md, "Look-ups and roll-ups"): a look-up
 * is filled from the row its reference points at before the row's formulas and rules run; a
 * change to a row moves the look-ups of the rows pointing at it and the roll-ups of the rows it
 * points at, in the same transaction. Derived columns change without a new version or a history
 * entry: nobody edited the rows they are stored in.
 */

/** A look-up field of `holder`: shows `shown` of the row its `reference` points at, in `target`. */
interface Lookup {
  holder: LedgerModel;
  field: FieldDefinition;
  reference: string;
  target: LedgerModel;
  shown: FieldDefinition;
}

/** A roll-up field of `holder` over the rows of `source` pointing at it by `rollup.reference`. */
interface Rollup {
  holder: LedgerModel;
  field: FieldDefinition;
  rollup: RollupDefinition;
  source: LedgerModel;
}

/** What a write to one ledger has to do with derived fields, anywhere. */
export interface DerivedPlan {
  /** This ledger's look-ups, filled on its rows' writes. */
  own: Lookup[];
  /** Other ledgers' look-ups showing this ledger's fields. */
  lookupsOver: Lookup[];
  /** Roll-ups (of any ledger) counting this ledger's rows. */
  rollupsOver: Rollup[];
  /** This ledger's roll-ups (re-read for the rows a write returns). */
  ownRollups: Rollup[];
}

const EMPTY: DerivedPlan = { own: [], lookupsOver: [], rollupsOver: [], ownRollups: [] };
const PLANS = new WeakMap<LedgerModel, DerivedPlan>();

/** Every derived field among the published ledgers, once per registry snapshot. */
function allDerived(ledgers: LedgerModel[]): { lookups: Lookup[]; rollups: Rollup[] } {
  const byKey = new Map(ledgers.map((l) => [l.definition.key, l]));
  const lookups: Lookup[] = [];
  const rollups: Rollup[] = [];
  for (const holder of ledgers) {
    for (const field of holder.fields) {
      if (field.lookup) {
        const reference = holder.byKey.get(field.lookup.reference);
        const target = reference && byKey.get(specOf(reference).target?.(reference)?.ledger ?? '');
        const shown = target?.byKey.get(field.lookup.field);
        if (target && shown) lookups.push({ holder, field, reference: field.lookup.reference, target, shown });
      }
      if (field.rollup) {
        // a roll-up over a ledger published since without what it names does nothing until fixed
        const source = byKey.get(field.rollup.ledger);
        const { reference, field: summed, where } = field.rollup;
        const names = [reference, ...(summed ? [summed] : []), ...(where ? compileFormula(where).references : [])];
        if (source && names.every((key) => source.byKey.has(key)))
          rollups.push({ holder, field, rollup: field.rollup, source });
      }
    }
  }
  return { lookups, rollups };
}

export function derivedPlanOf(ledgers: LedgerModel[], ledger: LedgerModel): DerivedPlan {
  let plan = PLANS.get(ledger);
  if (!plan) {
    const { lookups, rollups } = allDerived(ledgers);
    plan =
      lookups.length === 0 && rollups.length === 0
        ? EMPTY
        : {
            own: lookups.filter((l) => l.holder.definition.key === ledger.definition.key),
            lookupsOver: lookups.filter((l) => l.target.definition.key === ledger.definition.key),
            rollupsOver: rollups.filter((r) => r.source.definition.key === ledger.definition.key),
            ownRollups: rollups.filter((r) => r.holder.definition.key === ledger.definition.key),
          };
    PLANS.set(ledger, plan);
  }
  return plan;
}

const idsIn = (values: unknown[]) => [
  ...new Set(values.filter((v): v is number => typeof v === 'number' && Number.isSafeInteger(v))),
];

/**
 * Fills the look-ups of rows about to be written (and the roll-ups of new rows) (references resolved to ids), then runs the
 * row's formulas and rules again with them: a rule or formula over a look-up sees the value the
 * row is saved with. A row its rules now refuse gets its outcome; an update's changed fields are
 * taken again.
 */
export async function fillLookups(
  tx: RowTransaction,
  plan: DerivedPlan,
  model: LedgerModel,
  unitId: number,
  planned: Planned[],
  outcomes: Map<number, RowOutcome>,
  check: {
    now: Date;
    period?: string | null;
    /** What previous()/cumulative() read for the row of a batch index (see row-cross-period.ts). */
    crossPeriod?: (index: number) => CrossPeriodValues;
  },
): Promise<void> {
  if (plan.own.length === 0 && plan.ownRollups.length === 0) return;
  const rows = planned.filter((p) => p.op !== 'DELETE' && !outcomes.has(p.index));
  if (rows.length === 0) return;
  // a new row has nothing pointing at it yet
  for (const p of rows)
    if (p.op === 'INSERT') for (const { field, rollup } of plan.ownRollups) p.values[field.key] = emptyRollup(rollup);
  if (plan.own.length === 0) return;
  const byReference = groupBy(plan.own, (lookup) => lookup.reference);
  for (const [reference, lookups] of byReference) {
    const target = lookups[0].target;
    const ids = idsIn(rows.map((p) => p.values[reference]));
    const found = new Map<number, Record<string, unknown>>();
    if (ids.length > 0) {
      const columns = lookups.map((l) => `r.${quoteIdent(l.shown.key)}`).join(', ');
      const raw = (await tx.query(
        `SELECT r.id, ${columns} FROM ${quoteIdent(tableNameOf(target.definition.key))} r WHERE r.unit_id = $1 AND r.id = ANY($2::bigint[])`,
        [unitId, ids],
      )) as Record<string, unknown>[];
      for (const row of raw) found.set(Number(row.id), row);
    }
    for (const p of rows) {
      const row = found.get(p.values[reference] as number);
      for (const { field, shown } of lookups)
        p.values[field.key] = row ? target.spec(shown).fromDb(row[shown.key]) : null;
    }
  }
  recheckRows(model, rows, outcomes, check);
}

/** Formulas and rules again, over rows whose derived values (look-ups, figures) were just filled; the changed fields taken again. */
export function recheckRows(
  model: LedgerModel,
  rows: Planned[],
  outcomes: Map<number, RowOutcome>,
  check: { now: Date; period?: string | null; crossPeriod?: (index: number) => CrossPeriodValues },
): void {
  if (model.computed.length === 0 && model.rules.length === 0) return;
  for (const p of rows) {
    if (p.op === 'DELETE' || outcomes.has(p.index)) continue;
    const checked = validateRow(model, p.values, {
      input: 'json',
      now: check.now,
      period: check.period,
      crossPeriod: check.crossPeriod?.(p.index),
    });
    if (checked.errors.length > 0) {
      outcomes.set(
        p.index,
        reject(
          p.index,
          checked.errors.map((e) => ({ path: e.field, message: e.message })),
        ),
      );
      continue;
    }
    p.values = checked.values;
    p.warnings = checked.warnings.map((w) => ({ path: w.field, message: w.message }));
    if (p.old)
      p.changed = model.fields
        .map((f) => f.key)
        .filter((key) => JSON.stringify(p.old!.values[key]) !== JSON.stringify(p.values[key]));
  }
}

/** What a roll-up says over no rows: none counted, a sum of nothing, no least or greatest value. */
const emptyRollup = ({ kind }: RollupDefinition) => (kind === 'min' || kind === 'max' ? null : 0);

/** A written row of the ledger: its values before (null: new or restored) and after (null: deleted). */
export interface WrittenRow {
  id: number;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  /** Inserted: nothing points at it yet, so no look-up shows it. */
  fresh?: boolean;
}

/**
 * After rows of the ledger are written: the look-ups showing what changed, and the roll-ups of
 * the rows they pointed at before and after. One UPDATE per derived field, over ids, writing only
 * the rows whose value differs.
 */
/** Whether writing the ledger's rows can move a derived value of other rows (a look-up showing them, a roll-up counting them). */
export const movesOtherRows = (plan: DerivedPlan) => plan.lookupsOver.length > 0 || plan.rollupsOver.length > 0;

export async function refreshDerived(
  tx: RowTransaction,
  plan: DerivedPlan,
  unitId: number,
  written: WrittenRow[],
  now: Date,
): Promise<RefreshedRow[]> {
  const refreshed: RefreshedRow[] = [];
  if (written.length === 0 || !movesOtherRows(plan)) return refreshed;
  for (const { holder, field, reference, target, shown } of plan.lookupsOver) {
    const moved = written.filter(
      (w) =>
        !w.fresh &&
        w.after !== null &&
        (w.before === null || JSON.stringify(w.before[shown.key]) !== JSON.stringify(w.after[shown.key])),
    );
    if (moved.length === 0) continue;
    const column = quoteIdent(field.key);
    const rows = await tx.query<ChangedRow>(
      `UPDATE ${quoteIdent(tableNameOf(holder.definition.key))} h SET ${column} = t.${quoteIdent(shown.key)}
         FROM ${quoteIdent(tableNameOf(target.definition.key))} t
        WHERE t.unit_id = $1 AND t.id = ANY($2::bigint[]) AND h.unit_id = $1 AND h.${quoteIdent(reference)} = t.id
          AND h.${column} IS DISTINCT FROM t.${quoteIdent(shown.key)}
        RETURNING ${CHANGED}`,
      [unitId, moved.map((w) => w.id)],
    );
    refreshed.push(...rows.map((row) => refreshedOf(holder, row)));
  }
  for (const rollup of plan.rollupsOver) {
    const reference = rollup.rollup.reference;
    const ids = idsIn(written.flatMap((w) => [w.before?.[reference], w.after?.[reference]]));
    if (ids.length > 0) {
      const rows = await recount(tx, rollup, unitId, ids, now);
      refreshed.push(...rows.map((row) => refreshedOf(rollup.holder, row)));
    }
  }
  return refreshed;
}

/** What an UPDATE of derived values (of the holder table as `h`) returns of each row it changed. */
export interface ChangedRow {
  unit_id: number;
  id: string | number;
  version: number;
  period: string | null;
}
export const CHANGED = 'h.unit_id, h.id, h.version, h.period';
/** A changed row as its REFRESHED event names it (derived-figures.ts shares it). */
export const refreshedOf = (holder: LedgerModel, row: ChangedRow): RefreshedRow => ({
  ledger: holder.definition.key,
  unitId: Number(row.unit_id),
  period: row.period,
  id: String(row.id),
  version: Number(row.version),
});

/** The aggregate of a roll-up over the source rows `x` pointing at the holder row `h`. */
function aggregateSql(rollup: Rollup, params: unknown[], now: Date): string {
  const { kind, field, where } = rollup.rollup;
  const source = rollup.source;
  switch (kind) {
    case 'count':
      return 'count(*)';
    case 'countWhere':
      return `count(*) FILTER (WHERE ${formulaToSql(where!, { alias: 'x', types: source.types, params, now })})`;
    case 'sum':
      return `coalesce(sum(x.${quoteIdent(field!)}), 0)`;
    case 'min':
    case 'max':
      return `${kind}(x.${quoteIdent(field!)})`;
  }
}

/**
 * Sets a roll-up of the holder rows `ids` (of the unit, or all units' rows if `unitId` is null) to
 * what their source rows say now; the rows it changed, when it was given ids (a publish's
 * recount of every row announces DEFINITION instead).
 */
async function recount(
  tx: RowTransaction,
  rollup: Rollup,
  unitId: number | null,
  ids: number[] | null,
  now: Date,
): Promise<ChangedRow[]> {
  const params: unknown[] = [];
  const aggregate = aggregateSql(rollup, params, now);
  const holder = quoteIdent(tableNameOf(rollup.holder.definition.key));
  const column = quoteIdent(rollup.field.key);
  const scope: string[] = [];
  if (unitId !== null) scope.push(`o.unit_id = $${params.push(unitId)}`);
  if (ids !== null) scope.push(`o.id = ANY($${params.push(ids)}::bigint[])`);
  return tx.query<ChangedRow>(
    `UPDATE ${holder} h SET ${column} = v.value
       FROM (SELECT o.unit_id, o.id, (SELECT ${aggregate} FROM ${quoteIdent(tableNameOf(rollup.source.definition.key))} x
                               WHERE x.unit_id = o.unit_id AND x.${quoteIdent(rollup.rollup.reference)} = o.id
                                 AND x.deleted_at IS NULL) AS value
               FROM ${holder} o ${scope.length > 0 ? `WHERE ${scope.join(' AND ')}` : ''}) v
      WHERE h.unit_id = v.unit_id AND h.id = v.id AND h.${column} IS DISTINCT FROM v.value
      ${ids === null ? '' : `RETURNING ${CHANGED}`}`,
    params,
  );
}

/**
 * Every row's derived fields, of every unit, for what a publish may have changed: the ledger's
 * own look-ups and roll-ups, and those of other ledgers over it. In the publish's transaction,
 * with row-level security open for all units.
 */
export async function fillAllDerived(tx: RowTransaction, ledgers: LedgerModel[], key: string, now: Date) {
  const { lookups, rollups } = allDerived(ledgers);
  for (const { holder, field, reference, target, shown } of lookups) {
    if (holder.definition.key !== key && target.definition.key !== key) continue;
    const column = quoteIdent(field.key);
    await tx.query(
      `UPDATE ${quoteIdent(tableNameOf(holder.definition.key))} h SET ${column} = t.${quoteIdent(shown.key)}
         FROM ${quoteIdent(tableNameOf(target.definition.key))} t
        WHERE h.unit_id = t.unit_id AND h.${quoteIdent(reference)} = t.id AND h.${column} IS DISTINCT FROM t.${quoteIdent(shown.key)}`,
    );
  }
  for (const rollup of rollups) {
    if (rollup.holder.definition.key === key || rollup.source.definition.key === key)
      await recount(tx, rollup, null, null, now);
  }
}

/**
 * The roll-ups of rows a write returns, as they are after the whole write (a follow-up may
 * have made a row that counts): the values the caller gets back are the values stored.
 */
export async function rereadRollups(
  tx: RowTransaction,
  plan: DerivedPlan,
  model: LedgerModel,
  unitId: number,
  outcomes: Iterable<RowOutcome>,
): Promise<void> {
  if (plan.ownRollups.length === 0) return;
  const saved = [...outcomes].filter((o) => o.status === 'SAVED' && o.row);
  if (saved.length === 0) return;
  const columns = plan.ownRollups.map((r) => `t.${quoteIdent(r.field.key)}`).join(', ');
  const raw = (await tx.query(
    `SELECT t.id, ${columns} FROM ${quoteIdent(tableNameOf(model.definition.key))} t WHERE t.unit_id = $1 AND t.id = ANY($2::bigint[])`,
    [unitId, saved.map((o) => Number(o.row!.id))],
  )) as Record<string, unknown>[];
  const byId = new Map(raw.map((r) => [String(r.id), r]));
  for (const outcome of saved) {
    const now = byId.get(outcome.row!.id);
    if (!now) continue;
    for (const { field } of plan.ownRollups) outcome.row!.values[field.key] = model.spec(field).fromDb(now[field.key]);
  }
}
