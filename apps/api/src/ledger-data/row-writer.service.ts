import { linkAttachments, relinkAttachments, resolveAttachments } from './attachment-links';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  isComputedField,
  isFuturePeriod,
  isPeriod,
  periodOfRow,
  textOf,
  validateRow,
  type CrossPeriodValues,
  type LedgerModel,
} from '@taizhang/ledger-core';
import type { Principal } from '../identity/principal';
import { Clock } from '../common/time/clock';
import {
  assertCurrentVersion,
  readWriteGuard,
  readWriteGuards,
  submittedSheetsLocked,
  writeLocksSql,
  type WriteGuard,
} from '../ledgers/ledger-locks';
import { LedgerRegistry, type PublishedLedger } from '../ledgers/ledger-registry.service';
import { assertUnitFills, RowAccess } from './row-access.service';
import { constraintProblem, isIntegrityViolation } from '../ledger-tables/row-constraints';
import {
  clearReferencesTo,
  referrersOf,
  refuseReferencedDeletes,
  rejectMissingReferences,
  resolveReferenceLabels,
} from './row-references';
import { RowFollowUps } from './row-follow-ups.service';
import {
  derivedPlanOf,
  fillLookups,
  movesOtherRows,
  recheckRows,
  refreshDerived,
  rereadRollups,
} from '../ledger-tables/row-derived';
import {
  figurePlanOf,
  fillFigures,
  recordOverrides,
  refreshFigures,
  rereadOverrides,
  type OverrideChanges,
} from '../ledger-tables/derived-figures';
import {
  conflicted,
  deleteRow,
  insertRows,
  problem,
  recordHistory,
  reject,
  type Planned,
  type RowChange,
  type RowOutcome,
  updateRow,
  type WriteSource,
  type WriteTarget,
} from '../ledger-tables/row-write';
import { inUnitScope, type RowTransaction } from '../ledger-tables/row-scope';
import { notifyRowEvents, refreshedEvents, type RefreshedRow } from '../common/live/row-events';
import { WebhookSubscriptions, writeWebhookEvents } from '../common/webhooks/webhook-outbox';
import { rowColumns, rowFromDb, tableOf, type RowRecord } from '../ledger-tables/row-sql';
import { RowsException } from '../ledger-tables/rows.exception';
import { rejectDuplicates, type SeenValues } from './row-unique';
import { crossPeriodValues, usesCrossPeriod, type BatchRow } from './row-cross-period';
import { groupBy } from '../common/group-by';
import { keepReceipts, readReceipts } from './row-receipts';

export const MAX_CHANGES = 20_000;

export interface SaveArgs {
  ledger: string;
  unitId?: string | null;
  period?: string | null;
  changes: RowChange[];
  allOrNothing?: boolean | null;
  /** json: values as the API carries them; text: cells of a file, read by each type's lenient parse. */
  input?: 'json' | 'text';
  /** Every check, nothing written: the rows that would be saved come back VALID (an import's preview). */
  dryRun?: boolean;
  /**
   * A correction of a submitted sheet (reporting/corrections.service.ts): its one change, of this
   * row, is written though the row's period is locked; `applied` then runs in the same transaction
   * with the change's outcome and whether the sheet was still submitted (it may throw: nothing stays).
   */
  correction?: CorrectionWrite;
}
export interface CorrectionWrite {
  rowId: number;
  period: string;
  applied(tx: RowTransaction, outcome: RowOutcome, sheetLocked: boolean): Promise<void>;
}
/** Who writes into which unit, and why (the history keeps both). */
export interface WriteContext {
  /** A user's id; null when nobody signed in writes (an anonymous answer). */
  actor: number | null;
  unitId: number;
  source: Exclude<WriteSource, 'follow-up' | 'restore'>;
}
/** A batch across units undone as a whole (all or nothing): what each change's outcome says. */
class BatchUndone extends Error {
  constructor(readonly outcomes: RowOutcome[]) {
    super('batch undone');
  }
}

/** All or nothing: the changes that passed are refused for the others' sake, nothing written. */
function notKept(outcomes: RowOutcome[]): RowOutcome[] {
  return outcomes
    .map((o) =>
      o.status === 'SAVED'
        ? reject(o.index, [
            problem('', '同批其他行有错误，本行未保存', 'Not saved: other rows of the batch have errors'),
          ])
        : o,
    )
    .sort((a, b) => a.index - b.index);
}

/** One unit's share of a batch: where its rows go, which changes are its, and its write guard. */
interface UnitPart {
  target: WriteTarget;
  indices: number[];
  guard: WriteGuard;
}

/** A stored row's key among the rows of a batch across units. */
const rowKey = (unitId: number, id: number) => `${unitId}:${id}`;

/** Changes checked, then written, at a time (see save). */
const WRITE_CHUNK = 2_000;

/**
 * Saving a batch of row changes in one transaction (inserts, updates, deletes): every row checked
 * with ledger-core's validateRow, stale versions refused as conflicts, locked periods refused,
 * unique values checked across the batch and the unit; the valid rows saved (unless all or
 * nothing was asked), each change written to row_history in the same transaction.
 */
@Injectable()
export class RowWriter {
  /** The webhooks that subscribe, as this process read them last (kept while their generation holds). */
  private readonly webhooks = new WebhookSubscriptions();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: RowAccess,
    private readonly clock: Clock,
    private readonly followUps: RowFollowUps,
    private readonly registry: LedgerRegistry,
  ) {}

  /** A signed-in user's batch (the grid, the API, an import): who may write where settled first. */
  async save(principal: Principal, args: SaveArgs, source: 'save' | 'import' = 'save'): Promise<RowOutcome[]> {
    if (args.changes.some((c) => c.unitId !== null && c.unitId !== undefined))
      return this.saveAcrossUnits(principal, args, source);
    const { ledger, unitId, unitChecked } = await this.access.forWrite(principal, args.ledger, args.unitId, true);
    return this.writeUnits(ledger, principal.userId, source, args, [{ unitId, indices: null, unitChecked }], []);
  }

  /**
   * A batch whose changes name their units (an admin's or an import's across units): one
   * transaction, the units' locks taken with its BEGIN, each unit's changes checked and written
   * as a batch of that unit; a change the caller may not write where it says is refused by itself.
   * All or nothing holds for the whole batch: one refused row anywhere, and nothing is kept.
   */
  private async saveAcrossUnits(principal: Principal, args: SaveArgs, source: 'save' | 'import') {
    if (args.correction) throw new Error('a correction writes exactly its own row');
    if (args.changes.length > MAX_CHANGES) throw RowsException.tooManyChanges(MAX_CHANGES);
    const { ledger, units } = await this.access.forWriteAcross(
      principal,
      args.ledger,
      args.unitId,
      args.changes.map((c) => c.unitId),
    );
    const refused: RowOutcome[] = [];
    const groups = new Map<number, number[]>();
    units.forEach((unit, index) => {
      if (typeof unit !== 'number') refused.push(reject(index, [unit]));
      else if (groups.has(unit)) groups.get(unit)!.push(index);
      else groups.set(unit, [index]);
    });
    return this.writeUnits(
      ledger,
      principal.userId,
      source,
      args,
      [...groups].map(([unitId, indices]) => ({ unitId, indices })),
      refused,
    );
  }

  /**
   * A batch nobody signed in asks for (an anonymous answer, the demo rows): the caller has
   * settled that the unit fills the ledger; everything else is checked as for any save.
   */
  async saveAs(ledger: PublishedLedger, context: WriteContext, args: Omit<SaveArgs, 'ledger' | 'unitId'>) {
    return this.write(ledger, context, { ...args, ledger: ledger.key });
  }

  private write(ledger: PublishedLedger, context: WriteContext, args: SaveArgs): Promise<RowOutcome[]> {
    return this.writeUnits(
      ledger,
      context.actor,
      context.source,
      args,
      [{ unitId: context.unitId, indices: null }],
      [],
    );
  }

  /**
   * The changes of one or more units in one transaction; `indices`: which changes are the unit's
   * (null: all of them). `refused`: changes refused before (a unit the caller may not write).
   */
  private async writeUnits(
    ledger: PublishedLedger,
    actor: number | null,
    source: WriteContext['source'],
    args: SaveArgs,
    groups: { unitId: number; indices: number[] | null; unitChecked?: boolean }[],
    refused: RowOutcome[],
  ): Promise<RowOutcome[]> {
    const definition = ledger.model.definition;
    const periodic = (definition.period ?? 'none') !== 'none';
    if (args.period !== null && args.period !== undefined && !isPeriod(definition.period, args.period))
      throw RowsException.badPeriod(args.period);
    if (periodic && !definition.periodField && !args.period) throw RowsException.periodRequired();
    if (args.changes.length > MAX_CHANGES) throw RowsException.tooManyChanges(MAX_CHANGES);
    const now = this.clock.now();
    // a sheet is filled on its day or after, never ahead of it (docs/api.md, "Sheets")
    if (args.period && isFuturePeriod(definition.period, args.period, now))
      throw RowsException.futurePeriod(args.period);
    const targetOf = (unitId: number): WriteTarget => ({
      model: ledger.model,
      unitId,
      actor,
      defVersion: ledger.version,
      source,
    });
    // the locks in the order of the units, so that two batches across units never wait in a circle
    const units = groups.map((g) => g.unitId).sort((a, b) => a - b);
    const attempt = async (careful: boolean) => {
      try {
        return await inUnitScope(
          this.db,
          { units },
          async (tx) => {
            let guards: Map<number, WriteGuard>;
            if (groups.length === 1) {
              // one unit reads its own guard, an admin's unit with it (RowAccess.forWrite)
              const { unitId, unitChecked = true } = groups[0];
              const guard = await readWriteGuard(tx, ledger.key, unitId, !unitChecked);
              assertCurrentVersion(ledger, guard.version, () => this.registry.invalidate());
              if (!unitChecked) {
                if (!guard.unit) throw RowsException.unitNotFound(unitId);
                assertUnitFills(ledger, guard.unit);
              }
              guards = new Map([[unitId, guard]]);
            } else guards = await readWriteGuards(tx, ledger.key, units);
            const parts = groups.map(({ unitId, indices }) => ({
              target: targetOf(unitId),
              indices: indices ?? args.changes.map((_, i) => i),
              guard: guards.get(unitId)!,
            }));
            // an insert sent again (its answer lost) updates the row it made (row-receipts.ts)
            const receipts = await readReceipts(
              tx,
              ledger.key,
              args.changes,
              parts.map((p) => ({ unitId: p.target.unitId, indices: p.indices })),
            );
            const batch = { ...args, changes: receipts.changes };
            const written = await this.attempt(
              tx,
              ledger,
              receipts.refused.size === 0
                ? parts
                : parts.map((p) => ({ ...p, indices: p.indices.filter((i) => !receipts.refused.has(i)) })),
              batch,
              now,
              careful,
              refused.length + receipts.refused.size > 0,
            );
            if (!args.dryRun) await keepReceipts(tx, ledger.key, batch.changes, written);
            const outcomes = [...refused, ...receipts.refused.values(), ...written];
            // all or nothing across units: a row refused anywhere undoes every unit's writes
            // (a conflict found only when a row is written comes after the other units' writes)
            if (
              args.allOrNothing &&
              !args.dryRun &&
              groups.length + refused.length > 1 &&
              outcomes.some((o) => o.status !== 'SAVED')
            )
              throw new BatchUndone(notKept(outcomes));
            return outcomes.sort((a, b) => a.index - b.index);
          },
          writeLocksSql(ledger.key, units),
        );
      } catch (error) {
        if (error instanceof BatchUndone) return error.outcomes;
        throw error;
      }
    };
    if (groups.length === 0) return refused.sort((a, b) => a.index - b.index);
    try {
      return await attempt(false);
    } catch (error) {
      // A row the database refused though it passed our checks (a race, a rule only the
      // database holds): the batch is written again, row by row, each in a savepoint, so that
      // only that row is refused, with its field and reason. The fast path pays nothing for it.
      if (!isIntegrityViolation(error)) throw error;
      return attempt(true);
    }
  }

  /**
   * One attempt at a batch of one or more units, in its transaction; `careful`: each row written
   * in a savepoint of its own. Each unit's rows are checked as that unit's (its submitted sheets,
   * its unique values, its rows to update), but every check that reads the database does so for
   * all the units at once, and the new rows of all the units are written by the same INSERT (a
   * few, chunk by chunk): a batch of 200 units costs the statements of a batch of one. Only what
   * a ledger's references, look-ups, figures, cross-period rules and follow-ups read is read unit
   * by unit (none of them reads anything for a ledger without them). `othersRefused`: changes of
   * the batch were refused before (all or nothing then keeps none).
   */
  private async attempt(
    tx: RowTransaction,
    ledger: PublishedLedger,
    parts: UnitPart[],
    args: SaveArgs,
    now: Date,
    careful: boolean,
    othersRefused = false,
  ): Promise<RowOutcome[]> {
    const model = ledger.model;
    const definition = model.definition;
    const periodic = (definition.period ?? 'none') !== 'none';
    // under the write's locks (taken with BEGIN): the definition still current (one version for all units)
    assertCurrentVersion(ledger, parts[0].guard.version, () => this.registry.invalidate());
    const partOf = new Map<number, UnitPart>();
    for (const part of parts) for (const index of part.indices) partOf.set(index, part);
    const unitOf = (index: number) => partOf.get(index)!.target.unitId;
    // only a periodic ledger has sheets to lock (reporting refuses the others)
    const lockedOf = new Map(parts.map((p) => [p.target.unitId, new Set(periodic ? p.guard.locked : [])]));
    // a correction's one row is written into its submitted sheet, which stays submitted
    const correction = args.correction;
    if (
      correction &&
      (parts.length !== 1 || args.changes.length !== 1 || Number(args.changes[0].id) !== correction.rowId)
    )
      throw new Error('a correction writes exactly its own row');
    const sheetLocked = correction ? lockedOf.get(parts[0].target.unitId)!.delete(correction.period) : false;
    // one unit's batch into a submitted sheet is refused as a whole; across units, that unit's rows each
    if (parts.length === 1 && args.period && lockedOf.get(parts[0].target.unitId)!.has(args.period))
      throw RowsException.locked(args.period);
    const existing = await this.loadForUpdate(tx, model, args.changes, unitOf);
    const oldOf = (change: RowChange, index: number) => existing.get(rowKey(unitOf(index), Number(change.id)));
    const ledgers = await this.registry.all();
    const referrers = args.changes.some((c) => c.op === 'DELETE') ? referrersOf(ledgers, definition.key) : [];
    const derived = derivedPlanOf(
      ledgers.map((l) => l.model),
      model,
    );
    const figures = figurePlanOf(
      ledgers.map((l) => l.model),
      model,
    );
    const overrides: OverrideChanges = new Map();

    const outcomes = new Map<number, RowOutcome>();
    const lockedProblem = (period: string) =>
      problem('', `${period} 的报表已提交并锁定，不能修改`, `The sheet of ${period} is submitted and locked`);
    // nobody writes a read-only field, a look-up or a roll-up (formulas are recomputed anyway); a
    // derived figure is taken only as an override with a reason (fillFigures)
    const readOnly = new Set(
      model.fields.filter((f) => isComputedField(f) && !f.formula && !f.derive).map((f) => f.key),
    );
    const writable = (values: unknown) => {
      const given = values as Record<string, unknown>;
      if (readOnly.size === 0) return given;
      const kept: Record<string, unknown> = {};
      for (const key of Object.keys(given)) if (!readOnly.has(key)) kept[key] = given[key];
      return kept;
    };

    const inputOf = (change: RowChange, old: RowRecord | undefined) =>
      change.op === 'INSERT' ? writable(change.values) : { ...old!.values, ...writable(change.values) };
    const checkOptions = (change: RowChange) => ({
      input: args.input ?? 'json',
      applyDefaults: change.op === 'INSERT',
      now,
      period: args.period,
    });
    // what previous()/cumulative() read, for the whole batch at once (only a ledger whose rules use them), unit by unit
    let crossPeriod: { get(index: number): CrossPeriodValues } | undefined;
    if (usesCrossPeriod(model)) {
      const ofUnit = new Map<number, { get(index: number): CrossPeriodValues }>();
      for (const part of parts)
        ofUnit.set(
          part.target.unitId,
          await crossPeriodValues(
            tx,
            model,
            part.target.unitId,
            this.batchAsSaved(model, args.changes, part.indices, oldOf, inputOf, checkOptions),
          ),
        );
      crossPeriod = { get: (index) => ofUnit.get(unitOf(index))!.get(index) };
    }

    // a change that passes every check of its own goes into `planned`; the others get their outcome
    const planChange = (change: RowChange, index: number, planned: Planned[]) => {
      const unit = unitOf(index);
      const locked = lockedOf.get(unit)!;
      if (
        change.op !== 'DELETE' &&
        (change.values === null || typeof change.values !== 'object' || Array.isArray(change.values))
      ) {
        outcomes.set(
          index,
          reject(index, [problem('values', '缺少行的值（values 应为对象）', 'values must be an object')]),
        );
        return;
      }
      let old: RowRecord | undefined;
      if (change.op !== 'INSERT') {
        const id = Number(change.id);
        old = Number.isSafeInteger(id) ? oldOf(change, index) : undefined;
        if (!old) {
          outcomes.set(
            index,
            reject(index, [
              problem(
                'id',
                `行 ${change.id ?? ''} 不存在或已删除`,
                `Row ${change.id ?? ''} does not exist or was deleted`,
              ),
            ]),
          );
          return;
        }
        if (change.version !== old.version) {
          outcomes.set(index, conflicted(index, old));
          return;
        }
        if (old.period && locked.has(old.period)) {
          outcomes.set(index, reject(index, [lockedProblem(old.period)]));
          return;
        }
      }
      if (change.op === 'DELETE') {
        planned.push({
          index,
          unit,
          op: 'DELETE',
          id: Number(old!.id),
          version: old!.version,
          values: old!.values,
          period: old!.period,
          old,
        });
        return;
      }
      const checked = validateRow(model, inputOf(change, old), {
        ...checkOptions(change),
        crossPeriod: crossPeriod?.get(index),
      });
      if (checked.errors.length > 0) {
        outcomes.set(
          index,
          reject(
            index,
            checked.errors.map((e) => ({ path: e.field, message: e.message })),
          ),
        );
        return;
      }
      const period = definition.periodField
        ? periodOfRow(definition, checked.values)
        : periodic
          ? (args.period ?? null)
          : null;
      if (period && locked.has(period)) {
        outcomes.set(index, reject(index, [lockedProblem(period)]));
        return;
      }
      if (period && periodic && isFuturePeriod(definition.period, period, now)) {
        const field = model.fields.find((f) => f.key === definition.periodField);
        const date = field ? `「${textOf(field.title)}」${String(checked.values[field.key])}` : period;
        outcomes.set(
          index,
          reject(index, [
            problem(
              definition.periodField ?? 'period',
              `${date} 还没到，不能提前填报`,
              `${field ? `${textOf(field.title, 'en')} ${String(checked.values[field.key])}` : period} is still to come; it cannot be filled in ahead`,
            ),
          ]),
        );
        return;
      }
      const changed = old
        ? model.fields
            .map((f) => f.key)
            .filter((key) => JSON.stringify(old!.values[key]) !== JSON.stringify(checked.values[key]))
        : undefined;
      const warnings = checked.warnings.map((w) => ({ path: w.field, message: w.message }));
      planned.push({
        index,
        unit,
        op: change.op,
        id: old ? Number(old.id) : undefined,
        version: old?.version,
        values: checked.values,
        period,
        old,
        changed,
        warnings,
      });
    };

    /** A write of one row in careful mode: in a savepoint, a refusal only that row's. */
    const alone = async (p: Planned, writeIt: () => Promise<RowOutcome>): Promise<RowOutcome> => {
      await tx.query('SAVEPOINT row_write');
      try {
        const outcome = await writeIt();
        await tx.query('RELEASE SAVEPOINT row_write');
        return outcome;
      } catch (error) {
        if (!isIntegrityViolation(error)) throw error;
        await tx.query('ROLLBACK TO SAVEPOINT row_write');
        return reject(p.index, [constraintProblem(model, error)]);
      }
    };
    const targetOf = (p: Planned) => partOf.get(p.index)!.target;
    const writeInserts = async (inserts: Planned[]) => {
      if (careful) {
        for (const p of inserts)
          outcomes.set(
            p.index,
            await alone(p, async () => ({
              index: p.index,
              status: 'SAVED',
              row: (await insertRows(tx, targetOf(p), [p]))[0],
            })),
          );
        return;
      }
      // every unit's new rows of the chunk in one statement, each with its unit (Planned.unit)
      const inserted = await insertRows(tx, parts[0].target, inserts);
      inserted.forEach((row, i) => outcomes.set(inserts[i].index, { index: inserts[i].index, status: 'SAVED', row }));
    };
    /** What is read unit by unit: `planned` split by unit (one part, one group). */
    const byUnit = (planned: Planned[]): [number, Planned[]][] => {
      if (parts.length === 1) return [[parts[0].target.unitId, planned]];
      return [...groupBy(planned, (p) => p.unit!)];
    };
    // Chunk by chunk: while PostgreSQL writes one chunk's new rows, the next chunk is checked
    // here (the API and the database each on a core of their own). All or nothing and a dry
    // run write nothing until every row has passed, so they check the whole batch first.
    const pipelined = !args.allOrNothing && !args.dryRun && !careful;
    const indices = parts.flatMap((p) => p.indices);
    const seen: SeenValues = new Map();
    const writes: Planned[] = [];
    const writing: Promise<void>[] = [];
    const check = { now, period: args.period, crossPeriod: crossPeriod?.get.bind(crossPeriod) };
    try {
      for (let start = 0; start < indices.length; start += WRITE_CHUNK) {
        const planned: Planned[] = [];
        const end = Math.min(start + WRITE_CHUNK, indices.length);
        for (let i = start; i < end; i += 1) planChange(args.changes[indices[i]], indices[i], planned);
        const units = byUnit(planned);
        for (const [unitId, mine] of units) {
          await resolveReferenceLabels(tx, model, unitId, mine, outcomes);
          await fillLookups(tx, derived, model, unitId, mine, outcomes, check);
          if (figures.own.length > 0) {
            for (const [index, o] of await fillFigures(tx, figures, model, unitId, mine, args.changes, outcomes, check))
              overrides.set(index, o);
            recheckRows(model, mine, outcomes, check);
          }
        }
        // one statement per unique field for every unit of the chunk
        await rejectDuplicates(tx, model, unitOf, planned, outcomes, seen);
        for (const [unitId, mine] of units) {
          await rejectMissingReferences(tx, model, unitId, mine, outcomes);
          await resolveAttachments(tx, model, unitId, mine, outcomes);
          await refuseReferencedDeletes(tx, unitId, referrers, mine, outcomes);
        }
        const valid = planned.filter((p) => !outcomes.has(p.index));
        for (const p of valid) writes.push(p);
        if (pipelined) {
          const written = writeInserts(valid.filter((p) => p.op === 'INSERT'));
          // awaited below; until then its failure must not count as unhandled
          written.catch(() => undefined);
          writing.push(written);
        }
      }
    } finally {
      // a failed write is the cause: the statements after it only say the transaction is aborted
      await Promise.all(writing);
    }
    if (args.allOrNothing && (outcomes.size > 0 || othersRefused)) {
      for (const p of writes)
        outcomes.set(
          p.index,
          reject(p.index, [
            problem('', '同批其他行有错误，本行未保存', 'Not saved: other rows of the batch have errors'),
          ]),
        );
      return [...outcomes.values()].sort((a, b) => a.index - b.index);
    }
    if (args.dryRun) {
      for (const p of writes)
        outcomes.set(p.index, { index: p.index, status: 'VALID', values: p.values, warnings: p.warnings });
      return [...outcomes.values()].sort((a, b) => a.index - b.index);
    }

    if (!pipelined) await writeInserts(writes.filter((p) => p.op === 'INSERT'));
    const writesOf = (part: UnitPart) =>
      parts.length === 1 ? writes : writes.filter((p) => p.unit === part.target.unitId);
    if (referrers.length > 0)
      for (const part of parts)
        await clearReferencesTo(
          tx,
          part.target,
          referrers,
          writesOf(part)
            .filter((p) => p.op === 'DELETE')
            .map((p) => p.id!),
        );
    for (const p of writes.filter((w) => w.op !== 'INSERT')) {
      const target = targetOf(p);
      const change = () => (p.op === 'DELETE' ? deleteRow(tx, target, p) : updateRow(tx, target, p));
      outcomes.set(p.index, careful ? await alone(p, change) : await change());
    }
    for (const part of parts) await linkAttachments(tx, model, part.target.unitId, writesOf(part), outcomes);
    for (const p of writes) {
      const outcome = outcomes.get(p.index)!;
      if (outcome.status === 'SAVED' && p.warnings?.length) outcome.warnings = [...p.warnings];
    }
    if (overrides.size > 0)
      for (const part of parts) {
        const mine: OverrideChanges = new Map([...overrides].filter(([index]) => partOf.get(index) === part));
        if (mine.size === 0) continue;
        await recordOverrides(
          tx,
          model,
          part.target.unitId,
          part.target.actor,
          mine,
          (index) => {
            const outcome = outcomes.get(index);
            return outcome?.status === 'SAVED' && outcome.row ? Number(outcome.row.id) : null;
          },
          now,
        );
      }
    await rereadOverrides(tx, model, overrides, outcomes);
    // look-ups showing these rows, roll-ups counting them, figures measuring them; the list of rows
    // made only for a ledger that has them. The rows they moved are announced (REFRESHED) with this batch
    const refreshed: RefreshedRow[] = [];
    if (movesOtherRows(derived) || figures.over.length > 0)
      for (const part of parts) {
        const unitId = part.target.unitId;
        const written = writesOf(part)
          .filter((p) => outcomes.get(p.index)?.status === 'SAVED')
          .map((p) => ({
            id: p.id ?? Number(outcomes.get(p.index)!.row!.id),
            before: p.old?.values ?? null,
            after: p.op === 'DELETE' ? null : p.values,
            fresh: p.op === 'INSERT',
          }));
        refreshed.push(...(await refreshDerived(tx, derived, unitId, written, now)));
        refreshed.push(
          ...(await refreshFigures(tx, figures, unitId, written, now, (holder) =>
            submittedSheetsLocked(tx, holder, unitId),
          )),
        );
      }
    // a row a follow-up made may point back at the rows just saved: their roll-ups as stored now
    if ((definition.followUps ?? []).length > 0)
      for (const part of parts) {
        const mine = writesOf(part);
        if ((await this.followUps.run(tx, part.target, mine, outcomes, now)) > 0)
          await rereadRollups(
            tx,
            derived,
            model,
            part.target.unitId,
            mine.flatMap((p) => outcomes.get(p.index) ?? []),
          );
      }
    // row.saved to the webhooks that ask for it, in this transaction: a rolled-back batch sends nothing
    await writeWebhookEvents(
      tx,
      writes.flatMap((p) => {
        const outcome = outcomes.get(p.index);
        if (outcome?.status !== 'SAVED') return [];
        const row = outcome.row;
        return [
          {
            event: 'row.saved' as const,
            ledgerKey: ledger.key,
            unitId: p.unit ?? unitOf(p.index),
            period: row?.period ?? p.old?.period ?? null,
            row: {
              id: row?.id ?? p.id!,
              version: row?.version ?? null,
              op: p.op,
              values: p.op === 'DELETE' ? null : (row?.values ?? p.values),
            },
            occurredAt: now,
            types: model.types,
          },
        ];
      }),
      { subscriptions: this.webhooks, generation: parts[0].guard.webhooks },
    );
    // every open grid of these sheets, told at COMMIT (docs/live.md); a change that changed nothing is
    // not news; rows of this or other ledgers whose derived values moved are announced as REFRESHED
    await notifyRowEvents(tx, [
      ...writes.flatMap((p) => {
        const row = outcomes.get(p.index)?.status === 'SAVED' ? outcomes.get(p.index)!.row : undefined;
        if (!row || (p.op === 'UPDATE' && row.version === p.old?.version)) return [];
        const event = {
          ledger: ledger.key,
          unitId: p.unit ?? unitOf(p.index),
          period: row.period ?? null,
          kind: p.op === 'DELETE' ? ('DELETED' as const) : ('SAVED' as const),
          ids: [String(row.id)],
          versions: [row.version],
        };
        // a row moved to another period leaves the old period's sheet: its grids read it and drop it
        const left = p.old && p.old.period !== event.period ? [{ ...event, period: p.old.period }] : [];
        return [event, ...left];
      }),
      ...refreshedEvents(refreshed),
    ]);
    if (correction) await correction.applied(tx, outcomes.get(0)!, sheetLocked);
    return [...outcomes.values()].sort((a, b) => a.index - b.index);
  }

  /**
   * The batch as it will be once saved, for previous()/cumulative(): each insert and update that
   * passes its own checks (the rules that use them aside) with its new values and period, each
   * delete gone. A change refused already (no such row, a stale version, bad values) is left out:
   * its row stays as stored, and counts so.
   */
  private batchAsSaved(
    model: LedgerModel,
    changes: RowChange[],
    indices: number[],
    oldOf: (change: RowChange, index: number) => RowRecord | undefined,
    inputOf: (change: RowChange, old: RowRecord | undefined) => Record<string, unknown>,
    checkOptions: (change: RowChange) => Parameters<typeof validateRow>[2],
  ): BatchRow[] {
    const batch: BatchRow[] = [];
    indices.forEach((index) => {
      const change = changes[index];
      const old = change.op === 'INSERT' ? undefined : oldOf(change, index);
      if (change.op !== 'INSERT' && (!old || change.version !== old.version)) return;
      const id = old ? Number(old.id) : null;
      if (change.op === 'DELETE') {
        batch.push({ index, id, period: old!.period, values: null });
        return;
      }
      if (change.values === null || typeof change.values !== 'object' || Array.isArray(change.values)) return;
      const checked = validateRow(model, inputOf(change, old), checkOptions(change));
      if (checked.errors.length > 0) return;
      batch.push({ index, id, period: periodOfRow(model.definition, checked.values), values: checked.values });
    });
    return batch;
  }

  /**
   * The rows the batch updates or deletes, locked, by unit and id (`rowKey`): one statement for
   * every unit of the batch (ids are unique in the table, so a row is found by its id among the
   * batch's units, then kept only under the unit its change names).
   */
  private async loadForUpdate(
    tx: RowTransaction,
    model: LedgerModel,
    changes: RowChange[],
    unitOf: (index: number) => number,
  ): Promise<Map<string, RowRecord>> {
    const wanted = new Set<string>();
    const ids = new Set<number>();
    const units = new Set<number>();
    changes.forEach((c, index) => {
      const id = Number(c.id);
      if (c.op === 'INSERT' || !Number.isSafeInteger(id) || id <= 0) return;
      wanted.add(rowKey(unitOf(index), id));
      ids.add(id);
      units.add(unitOf(index));
    });
    if (ids.size === 0) return new Map();
    const rows = (await tx.query(
      `SELECT ${rowColumns(model)} FROM ${tableOf(model)} t WHERE t.unit_id = ANY($1::int[]) AND t.id = ANY($2::bigint[]) AND t.deleted_at IS NULL ORDER BY t.id FOR UPDATE`,
      [[...units], [...ids]],
    )) as Record<string, unknown>[];
    const found = new Map<string, RowRecord>();
    for (const raw of rows) {
      const key = rowKey(Number(raw.unit_id), Number(raw.id));
      if (wanted.has(key)) found.set(key, rowFromDb(model, raw));
    }
    return found;
  }

  /** Brings back a deleted row, as a new version, unless its period is locked or its unique values are taken. */
  async restore(
    principal: Principal,
    args: { ledger: string; unitId?: string | null; id: string },
  ): Promise<RowRecord> {
    const { ledger, unitId } = await this.access.forWrite(principal, args.ledger, args.unitId);
    const model = ledger.model;
    return inUnitScope(
      this.db,
      { units: [unitId] },
      async (tx) => {
        const guard = await readWriteGuard(tx, ledger.key, unitId);
        assertCurrentVersion(ledger, guard.version, () => this.registry.invalidate());
        const [raw] = (await tx.query(
          `SELECT ${rowColumns(model)} FROM ${tableOf(model)} t WHERE t.unit_id = $1 AND t.id = $2 AND t.deleted_at IS NOT NULL FOR UPDATE`,
          [unitId, Number(args.id) || 0],
        )) as Record<string, unknown>[];
        if (!raw) throw RowsException.rowNotFound(args.id);
        const row = rowFromDb(model, raw);
        if (row.period && guard.locked.includes(row.period)) throw RowsException.locked(row.period);
        const outcomes = new Map<number, RowOutcome>();
        await rejectDuplicates(
          tx,
          model,
          unitId,
          [{ index: 0, op: 'UPDATE', id: Number(row.id), values: row.values, period: row.period }],
          outcomes,
        );
        const duplicate = outcomes.get(0)?.errors;
        if (duplicate) throw RowsException.badInput('RESTORE_DUPLICATE', duplicate);
        // what it points at must still be there: a row deleted since is named, and the row stays deleted
        await rejectMissingReferences(
          tx,
          model,
          unitId,
          [{ index: 0, op: 'UPDATE', id: Number(row.id), values: row.values, period: row.period }],
          outcomes,
        );
        const missing = outcomes.get(0)?.errors;
        if (missing) throw RowsException.badInput('RESTORE_REFERENCE_MISSING', missing);
        const [restored] = await tx.query(
          `UPDATE ${tableOf(model)} t SET deleted_at = NULL, deleted_by = NULL, version = version + 1, updated_at = now(), updated_by = $3
          WHERE t.unit_id = $1 AND t.id = $2 RETURNING ${rowColumns(model)}`,
          [unitId, Number(row.id), principal.userId],
        );
        const result = rowFromDb(model, restored);
        await relinkAttachments(tx, model, unitId, Number(row.id), result.values);
        // it counts again in roll-ups, and rows pointing at it show what it says now
        const derived = derivedPlanOf(
          (await this.registry.all()).map((l) => l.model),
          model,
        );
        const restoredRow = [{ id: Number(row.id), before: null, after: result.values }];
        const refreshed = await refreshDerived(tx, derived, unitId, restoredRow, this.clock.now());
        const figures = figurePlanOf(
          (await this.registry.all()).map((l) => l.model),
          model,
        );
        refreshed.push(
          ...(await refreshFigures(tx, figures, unitId, restoredRow, this.clock.now(), (holder) =>
            submittedSheetsLocked(tx, holder, unitId),
          )),
        );
        const target: WriteTarget = {
          model,
          unitId,
          actor: principal.userId,
          defVersion: ledger.version,
          source: 'restore',
        };
        await recordHistory(tx, target, [
          {
            row_id: Number(row.id),
            op: 'restore',
            version: result.version,
            old_values: null,
            new_values: result.values,
          },
        ]);
        await notifyRowEvents(tx, [
          {
            ledger: ledger.key,
            unitId,
            period: result.period ?? null,
            kind: 'RESTORED',
            ids: [String(result.id)],
            versions: [result.version],
          },
          ...refreshedEvents(refreshed),
        ]);
        return result;
      },
      writeLocksSql(ledger.key, unitId),
    );
  }
}
