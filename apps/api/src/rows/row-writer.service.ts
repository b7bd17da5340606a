import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  compileFormula,
  FIELD_TYPE_REGISTRY,
  isPeriod,
  message,
  periodOfRow,
  quoteIdent,
  textOf,
  validateRow,
  type LedgerModel,
  type Message,
} from '@taizhang/ledger-core';
import type { Principal } from '../auth/principal';
import { Clock } from '../common/time/clock';
import { unitFills } from '../ledgers/ledger-access.service';
import { LedgerRegistry } from '../ledgers/ledger-registry.service';
import { UnitsService } from '../units/units.service';
import { RowAccess } from './row-access.service';
import { inUnitScope, type RowTransaction } from './row-scope';
import { rowColumns, rowFromDb, tableOf, type RowRecord } from './row-sql';
import { RowsException } from './rows.exception';

export const MAX_CHANGES = 20_000;

export type RowOp = 'INSERT' | 'UPDATE' | 'DELETE';
export interface RowChange {
  op: RowOp;
  id?: string | null;
  version?: number | null;
  values?: unknown;
}

export interface RowProblemText {
  path: string;
  message: Message;
}

export interface RowOutcome {
  index: number;
  status: 'SAVED' | 'REJECTED' | 'CONFLICT';
  row?: RowRecord;
  errors?: RowProblemText[];
  /** Shown and allowed: the ledger's warning rules, and what follow-ups did. */
  warnings?: RowProblemText[];
  /** For a conflict: the row as it is now, so the user can keep theirs or take it. */
  current?: RowRecord;
}

interface Planned {
  index: number;
  op: RowOp;
  id?: number;
  version?: number;
  values: Record<string, unknown>;
  period: string | null;
  old?: RowRecord;
  changed?: string[];
  warnings?: RowProblemText[];
}

interface WriteTarget {
  model: LedgerModel;
  unitId: number;
  actor: number;
  /** The definition version the rows are saved under. */
  defVersion: number;
}

const reject = (index: number, errors: RowProblemText[]): RowOutcome => ({ index, status: 'REJECTED', errors });
const problem = (path: string, zh: string, en: string): RowProblemText => ({ path, message: message(zh, en) });

/**
 * Saving a batch of row changes in one transaction (inserts, updates, deletes): every row checked
 * with ledger-core's validateRow, stale versions refused as conflicts, locked periods refused,
 * unique values checked across the batch and the unit; the valid rows saved (unless all or
 * nothing was asked), each change written to row_history in the same transaction.
 */
@Injectable()
export class RowWriter {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: RowAccess,
    private readonly clock: Clock,
    private readonly registry: LedgerRegistry,
    private readonly units: UnitsService,
  ) {}

  async save(
    principal: Principal,
    args: {
      ledger: string;
      unitId?: string | null;
      period?: string | null;
      changes: RowChange[];
      allOrNothing?: boolean | null;
    },
  ): Promise<RowOutcome[]> {
    const { ledger, unitId } = await this.access.forWrite(principal, args.ledger, args.unitId);
    const model = ledger.model;
    const definition = model.definition;
    const periodic = (definition.period ?? 'none') !== 'none';
    if (args.period !== null && args.period !== undefined && !isPeriod(definition.period, args.period))
      throw RowsException.badPeriod(args.period);
    if (periodic && !definition.periodField && !args.period) throw RowsException.periodRequired();
    if (args.changes.length > MAX_CHANGES) throw RowsException.tooManyChanges(MAX_CHANGES);
    const now = this.clock.now();

    return inUnitScope(this.db, { units: [unitId] }, async (tx) => {
      const locked = new Set(
        (
          (await tx.query(`SELECT period FROM sheets WHERE ledger_key = $1 AND unit_id = $2 AND state = 'submitted'`, [
            definition.key,
            unitId,
          ])) as { period: string }[]
        ).map((s) => s.period),
      );
      if (args.period && locked.has(args.period)) throw RowsException.locked(args.period);
      const existing = await this.loadForUpdate(tx, model, unitId, args.changes);

      const outcomes = new Map<number, RowOutcome>();
      const planned: Planned[] = [];
      const lockedProblem = (period: string) =>
        problem('', `${period} 的报表已提交并锁定，不能修改`, `The sheet of ${period} is submitted and locked`);
      const readOnly = new Set(model.fields.filter((f) => f.readOnly && !f.formula).map((f) => f.key));
      const writable = (values: unknown) =>
        Object.fromEntries(Object.entries(values as Record<string, unknown>).filter(([key]) => !readOnly.has(key)));

      args.changes.forEach((change, index) => {
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
          old = Number.isSafeInteger(id) ? existing.get(id) : undefined;
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
            outcomes.set(index, {
              index,
              status: 'CONFLICT',
              current: old,
              errors: [
                problem(
                  'version',
                  '这一行已被他人修改，请确认后再保存',
                  'Someone else changed this row; review it before saving',
                ),
              ],
            });
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
            op: 'DELETE',
            id: Number(old!.id),
            version: old!.version,
            values: old!.values,
            period: old!.period,
            old,
          });
          return;
        }
        const input = change.op === 'INSERT' ? writable(change.values) : { ...old!.values, ...writable(change.values) };
        const checked = validateRow(model, input, { input: 'json', applyDefaults: change.op === 'INSERT', now });
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
        if (definition.periodField && args.period && period !== args.period) {
          const field = definition.periodField;
          outcomes.set(
            index,
            reject(index, [
              problem(
                field,
                `日期不在所选周期 ${args.period} 内`,
                `The date is not in the chosen period ${args.period}`,
              ),
            ]),
          );
          return;
        }
        if (period && locked.has(period)) {
          outcomes.set(index, reject(index, [lockedProblem(period)]));
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
          op: change.op,
          id: old ? Number(old.id) : undefined,
          version: old?.version,
          values: checked.values,
          period,
          old,
          changed,
          warnings,
        });
      });

      await this.rejectDuplicates(tx, model, unitId, planned, outcomes);
      const writes = planned.filter((p) => !outcomes.has(p.index));
      if (args.allOrNothing && outcomes.size > 0) {
        for (const p of writes)
          outcomes.set(
            p.index,
            reject(p.index, [
              problem('', '同批其他行有错误，本行未保存', 'Not saved: other rows of the batch have errors'),
            ]),
          );
        return [...outcomes.values()].sort((a, b) => a.index - b.index);
      }

      const target = { model, unitId, actor: principal.userId, defVersion: ledger.version };
      const inserts = writes.filter((p) => p.op === 'INSERT');
      const inserted = await this.insertRows(tx, target, inserts);
      inserted.forEach((row, i) => outcomes.set(inserts[i].index, { index: inserts[i].index, status: 'SAVED', row }));
      const history: unknown[] = [];
      for (const p of writes.filter((w) => w.op !== 'INSERT')) {
        const outcome = p.op === 'DELETE' ? await this.deleteRow(tx, target, p) : await this.updateRow(tx, target, p);
        outcomes.set(p.index, outcome);
        if (outcome.status !== 'SAVED' || !outcome.row) continue;
        const keys = p.op === 'DELETE' ? model.fields.map((f) => f.key) : p.changed!;
        if (p.op === 'UPDATE' && keys.length === 0) continue;
        history.push({
          row_id: Number(p.id),
          op: p.op === 'DELETE' ? 'delete' : 'update',
          version: outcome.row.version,
          old_values: Object.fromEntries(keys.map((k) => [k, p.old!.values[k]])),
          new_values: p.op === 'DELETE' ? null : Object.fromEntries(keys.map((k) => [k, outcome.row!.values[k]])),
        });
      }
      await this.recordHistory(tx, definition.key, unitId, principal.userId, history);
      for (const p of writes) {
        const outcome = outcomes.get(p.index)!;
        if (outcome.status === 'SAVED' && p.warnings?.length) outcome.warnings = [...p.warnings];
      }
      await this.followUp(tx, target, writes, outcomes, now);
      return [...outcomes.values()].sort((a, b) => a.index - b.index);
    });
  }

  private async loadForUpdate(
    tx: RowTransaction,
    model: LedgerModel,
    unitId: number,
    changes: RowChange[],
  ): Promise<Map<number, RowRecord>> {
    const ids = changes
      .filter((c) => c.op !== 'INSERT')
      .map((c) => Number(c.id))
      .filter((id) => Number.isSafeInteger(id) && id > 0);
    if (ids.length === 0) return new Map();
    const rows = (await tx.query(
      `SELECT ${rowColumns(model)} FROM ${tableOf(model)} t WHERE t.unit_id = $1 AND t.id = ANY($2) AND t.deleted_at IS NULL ORDER BY t.id FOR UPDATE`,
      [unitId, ids],
    )) as Record<string, unknown>[];
    return new Map(rows.map((raw) => [Number(raw.id), rowFromDb(model, raw)]));
  }

  /** Unique fields: a value twice in the batch, or already in another live row of the unit. */
  private async rejectDuplicates(
    tx: RowTransaction,
    model: LedgerModel,
    unitId: number,
    planned: Planned[],
    outcomes: Map<number, RowOutcome>,
  ) {
    for (const field of model.fields.filter((f) => f.unique)) {
      const title = textOf(field.title);
      const seen = new Map<string, number>();
      const candidates = planned.filter(
        (p) => p.op !== 'DELETE' && !outcomes.has(p.index) && p.values[field.key] !== null,
      );
      for (const p of candidates) {
        const key = JSON.stringify(p.values[field.key]);
        if (seen.has(key)) {
          outcomes.set(
            p.index,
            reject(p.index, [
              problem(
                field.key,
                `「${title}」与本批第 ${seen.get(key)! + 1} 行重复`,
                `"${textOf(field.title, 'en')}" repeats row ${seen.get(key)! + 1} of this batch`,
              ),
            ]),
          );
        } else seen.set(key, p.index);
      }
      if (candidates.length === 0) continue;
      const taken = (await tx.query(
        `SELECT id, ${quoteIdent(field.key)} AS value FROM ${tableOf(model)} WHERE unit_id = $1 AND deleted_at IS NULL AND ${quoteIdent(field.key)} = ANY($2)`,
        [unitId, candidates.map((p) => p.values[field.key])],
      )) as { id: string; value: unknown }[];
      const owner = new Map(
        taken.map((t) => [JSON.stringify(FIELD_TYPE_REGISTRY[field.type].fromDb(t.value)), Number(t.id)]),
      );
      for (const p of candidates) {
        const holder = owner.get(JSON.stringify(p.values[field.key]));
        if (holder !== undefined && holder !== p.id && !outcomes.has(p.index)) {
          outcomes.set(
            p.index,
            reject(p.index, [
              problem(
                field.key,
                `本单位已有相同的「${title}」`,
                `Your unit already has this "${textOf(field.title, 'en')}"`,
              ),
            ]),
          );
        }
      }
    }
  }

  /** All new rows in one statement: the rows, then their history, from one JSON parameter. */
  private async insertRows(
    tx: RowTransaction,
    { model, unitId, actor, defVersion }: WriteTarget,
    rows: Planned[],
  ): Promise<RowRecord[]> {
    if (rows.length === 0) return [];
    const fields = model.fields;
    const columns = fields.map((f) => quoteIdent(f.key));
    const recordType = [
      '_i integer',
      '_period text',
      ...fields.map((f) => `${quoteIdent(f.key)} ${FIELD_TYPE_REGISTRY[f.type].sqlType}`),
    ].join(', ');
    const payload = rows.map((r, i) => ({ _i: i, _period: r.period, ...r.values }));
    const raw = (await tx.query(
      `WITH input AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(${recordType})),
            ins AS (
              INSERT INTO ${tableOf(model)} (unit_id, period, def_version, created_by, updated_by, ${columns.join(', ')})
              SELECT $2, _period, $3, $4, $4, ${columns.join(', ')} FROM input ORDER BY _i
              RETURNING id, unit_id, period, version, updated_at, ${columns.join(', ')}
            ),
            hist AS (
              INSERT INTO row_history (ledger_key, unit_id, row_id, op, version, changed_by, new_values)
              SELECT $5, unit_id, id, 'insert', version, $4, to_jsonb(ins) - ARRAY['id', 'unit_id', 'period', 'version', 'updated_at']
                FROM ins
            )
       SELECT * FROM ins ORDER BY id`,
      [JSON.stringify(payload), unitId, defVersion, actor, model.definition.key],
    )) as Record<string, unknown>[];
    return raw.map((r) => rowFromDb(model, r));
  }

  private async updateRow(tx: RowTransaction, target: WriteTarget, p: Planned): Promise<RowOutcome> {
    const { model, unitId, actor, defVersion } = target;
    if (p.changed!.length === 0) return { index: p.index, status: 'SAVED', row: p.old };
    const params: unknown[] = [unitId, p.id, p.version, actor, p.period, defVersion];
    const sets = model.fields.map((f) => {
      params.push(p.values[f.key]);
      return `${quoteIdent(f.key)} = $${params.length}`;
    });
    const raw = await tx.query(
      `UPDATE ${tableOf(model)} t SET ${sets.join(', ')}, version = version + 1, def_version = $6, period = $5, updated_at = now(), updated_by = $4
        WHERE t.unit_id = $1 AND t.id = $2 AND t.version = $3 AND t.deleted_at IS NULL
        RETURNING ${rowColumns(model)}`,
      params,
    );
    const row = raw[0];
    return row ? { index: p.index, status: 'SAVED', row: rowFromDb(model, row) } : this.conflict(tx, model, unitId, p);
  }

  private async deleteRow(tx: RowTransaction, { model, unitId, actor }: WriteTarget, p: Planned): Promise<RowOutcome> {
    const raw = await tx.query(
      `UPDATE ${tableOf(model)} t SET deleted_at = now(), deleted_by = $4, version = version + 1, updated_at = now(), updated_by = $4
        WHERE t.unit_id = $1 AND t.id = $2 AND t.version = $3 AND t.deleted_at IS NULL
        RETURNING ${rowColumns(model)}`,
      [unitId, p.id, p.version, actor],
    );
    const row = raw[0];
    return row ? { index: p.index, status: 'SAVED', row: rowFromDb(model, row) } : this.conflict(tx, model, unitId, p);
  }

  private async conflict(tx: RowTransaction, model: LedgerModel, unitId: number, p: Planned): Promise<RowOutcome> {
    const [raw] = (await tx.query(
      `SELECT ${rowColumns(model)} FROM ${tableOf(model)} t WHERE t.unit_id = $1 AND t.id = $2`,
      [unitId, p.id],
    )) as Record<string, unknown>[];
    return {
      index: p.index,
      status: 'CONFLICT',
      current: raw ? rowFromDb(model, raw) : undefined,
      errors: [
        problem(
          'version',
          '这一行已被他人修改，请确认后再保存',
          'Someone else changed this row; review it before saving',
        ),
      ],
    };
  }

  private async recordHistory(
    tx: RowTransaction,
    ledgerKey: string,
    unitId: number,
    actor: number,
    entries: unknown[],
  ): Promise<void> {
    if (entries.length === 0) return;
    await tx.query(
      `INSERT INTO row_history (ledger_key, unit_id, row_id, op, version, changed_by, old_values, new_values)
       SELECT $2, $3, row_id, op, version, $4, old_values, new_values
         FROM jsonb_to_recordset($1::jsonb) AS r(row_id bigint, op text, version integer, old_values jsonb, new_values jsonb)`,
      [JSON.stringify(entries), ledgerKey, unitId, actor],
    );
  }

  /** Brings back a deleted row, as a new version, unless its period is locked or its unique values are taken. */
  async restore(
    principal: Principal,
    args: { ledger: string; unitId?: string | null; id: string },
  ): Promise<RowRecord> {
    const { ledger, unitId } = await this.access.forWrite(principal, args.ledger, args.unitId);
    const model = ledger.model;
    return inUnitScope(this.db, { units: [unitId] }, async (tx) => {
      const [raw] = (await tx.query(
        `SELECT ${rowColumns(model)} FROM ${tableOf(model)} t WHERE t.unit_id = $1 AND t.id = $2 AND t.deleted_at IS NOT NULL FOR UPDATE`,
        [unitId, Number(args.id) || 0],
      )) as Record<string, unknown>[];
      if (!raw) throw RowsException.rowNotFound(args.id);
      const row = rowFromDb(model, raw);
      if (row.period) {
        const [sheet] = (await tx.query(
          `SELECT state FROM sheets WHERE ledger_key = $1 AND unit_id = $2 AND period = $3`,
          [model.definition.key, unitId, row.period],
        )) as { state: string }[];
        if (sheet?.state === 'submitted') throw RowsException.locked(row.period);
      }
      const outcomes = new Map<number, RowOutcome>();
      await this.rejectDuplicates(
        tx,
        model,
        unitId,
        [{ index: 0, op: 'UPDATE', id: Number(row.id), values: row.values, period: row.period }],
        outcomes,
      );
      const duplicate = outcomes.get(0)?.errors;
      if (duplicate) throw RowsException.badInput('RESTORE_DUPLICATE', duplicate);
      const [restored] = await tx.query(
        `UPDATE ${tableOf(model)} t SET deleted_at = NULL, deleted_by = NULL, version = version + 1, updated_at = now(), updated_by = $3
          WHERE t.unit_id = $1 AND t.id = $2 RETURNING ${rowColumns(model)}`,
        [unitId, Number(row.id), principal.userId],
      );
      const result = rowFromDb(model, restored);
      await this.recordHistory(tx, model.definition.key, unitId, principal.userId, [
        { row_id: Number(row.id), op: 'restore', version: result.version, old_values: null, new_values: result.values },
      ]);
      return result;
    });
  }

  /**
   * The closed loop: for each follow-up of the ledger whose `when` has just become true for a
   * saved row, a row in the follow-up's ledger of the same unit, from the follow-up's formulas.
   * One that cannot be made (its ledger missing, not filled by the unit, or its values invalid)
   * is a warning on the saved row, never a lost save.
   */
  private async followUp(
    tx: RowTransaction,
    source: WriteTarget,
    writes: Planned[],
    outcomes: Map<number, RowOutcome>,
    now: Date,
  ): Promise<void> {
    for (const followUp of source.model.definition.followUps ?? []) {
      const when = compileFormula(followUp.when);
      const types = source.model.types;
      const due = writes.filter((p) => {
        const outcome = outcomes.get(p.index)!;
        if (p.op === 'DELETE' || outcome.status !== 'SAVED' || !outcome.row) return false;
        const before = p.old ? when.evaluate({ values: p.old.values, types, now }) === true : false;
        return !before && when.evaluate({ values: outcome.row.values, types, now }) === true;
      });
      if (due.length === 0) continue;
      const target = await this.registry.find(followUp.ledger);
      const unit = await this.units.findById(source.unitId);
      const warn = (p: Planned, zh: string, en: string) => {
        const outcome = outcomes.get(p.index)!;
        outcome.warnings = [...(outcome.warnings ?? []), problem('', zh, en)];
      };
      if (!target || !unitFills(target.definition, unit)) {
        for (const p of due)
          warn(
            p,
            `未能自动生成「${followUp.ledger}」记录：本单位不填报该台账`,
            `No "${followUp.ledger}" row was made: the unit does not fill that ledger`,
          );
        continue;
      }
      const formulas = Object.entries(followUp.values).map(([key, formula]) => [key, compileFormula(formula)] as const);
      const rows: Planned[] = [];
      for (const p of due) {
        const row = outcomes.get(p.index)!.row!;
        const env = {
          values: { ...row.values, id: Number(row.id) },
          types: { ...types, id: 'reference' as const },
          now,
        };
        const values = Object.fromEntries(formulas.map(([key, formula]) => [key, formula.evaluate(env)]));
        const checked = validateRow(target.model, values, { input: 'json', applyDefaults: true, now });
        if (checked.errors.length > 0) {
          const first = checked.errors[0];
          warn(
            p,
            `未能自动生成「${textOf(target.definition.title)}」记录：${first.field} ${first.message['zh-CN']}`,
            `No follow-up row was made: ${first.field} ${first.message.en}`,
          );
          continue;
        }
        rows.push({
          index: p.index,
          op: 'INSERT',
          values: checked.values,
          period: periodOfRow(target.definition, checked.values),
        });
        const text = followUp.message ?? `已自动生成「${textOf(target.definition.title)}」记录`;
        const outcome = outcomes.get(p.index)!;
        outcome.warnings = [
          ...(outcome.warnings ?? []),
          { path: '', message: message(textOf(text), textOf(text, 'en')) },
        ];
      }
      await this.insertRows(
        tx,
        { model: target.model, unitId: source.unitId, actor: source.actor, defVersion: target.version },
        rows,
      );
    }
  }
}
