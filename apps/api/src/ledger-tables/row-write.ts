import {
  FIELD_TYPE_REGISTRY,
  message,
  quoteIdent,
  type FieldValue,
  type LedgerModel,
  type Message,
} from '@taizhang/ledger-core';
import type { RowTransaction } from './row-scope';
import { rowColumns, rowFromDb, tableOf, type RowLink, type RowRecord } from './row-sql';

/** What saving rows is made of: the changes, their outcomes, and the statements that write them. */

export type RowOp = 'INSERT' | 'UPDATE' | 'DELETE';
export interface RowChange {
  op: RowOp;
  id?: string | null;
  version?: number | null;
  values?: unknown;
  /** For derived figures the change overrides: { fieldKey: why } (docs/ledger-language.md, "Figures from another ledger"). */
  reasons?: unknown;
  /** The unit of this change's row, in a batch across units (an admin's, an import's); none: the batch's unit. */
  unitId?: string | null;
  /** An insert's own key, made by its sender: the same insert sent again updates the row it made (row-receipts.ts). */
  clientKey?: string | null;
}

export interface RowProblemText {
  path: string;
  message: Message;
}

export interface RowOutcome {
  index: number;
  /** VALID: passed every check of a dry run (nothing written). */
  status: 'SAVED' | 'REJECTED' | 'CONFLICT' | 'VALID';
  row?: RowRecord;
  /** For a VALID row: the values it would be saved with (computed fields included). */
  values?: Record<string, unknown>;
  errors?: RowProblemText[];
  /** Shown and allowed: the ledger's warning rules, and what follow-ups did. */
  warnings?: RowProblemText[];
  /** For a conflict: the row as it is now, so the user can keep theirs or take it. */
  current?: RowRecord;
}

/** A change that passed its checks, with its final values, waiting to be written. */
export interface Planned {
  index: number;
  /** The row's unit, in a batch across units (none: the write target's). */
  unit?: number;
  op: RowOp;
  id?: number;
  version?: number;
  values: Record<string, unknown>;
  period: string | null;
  old?: RowRecord;
  changed?: string[];
  warnings?: RowProblemText[];
  /** An insert made by a follow-up: the row that caused it. */
  origin?: RowLink;
}

/** Why a row is written: every row_history entry says it (the history and the audit log show it). */
export const WRITE_SOURCES = ['save', 'import', 'public', 'follow-up', 'seed', 'restore', 'correction'] as const;
export type WriteSource = (typeof WRITE_SOURCES)[number];

/** Where rows are written, by whom and why: what every statement below needs. */
export interface WriteTarget {
  model: LedgerModel;
  unitId: number;
  /** The user who made the change; null when nobody signed in made it (an anonymous answer, a definition's seed rows). */
  actor: number | null;
  /** The definition version the rows are saved under. */
  defVersion: number;
  source: WriteSource;
}

export const reject = (index: number, errors: RowProblemText[]): RowOutcome => ({ index, status: 'REJECTED', errors });
export const problem = (path: string, zh: string, en: string): RowProblemText => ({ path, message: message(zh, en) });
/** A stale version: the row as it is now comes back, so the user can keep theirs or take it. */
export const conflicted = (index: number, current: RowRecord | undefined): RowOutcome => ({
  index,
  status: 'CONFLICT',
  current,
  errors: [
    problem('version', '这一行已被他人修改，请确认后再保存', 'Someone else changed this row; review it before saving'),
  ],
});

/**
 * All new rows in one statement: the rows, then their history, from one JSON parameter; a row
 * whose `unit` is not the target's goes into its own unit (a batch across units: one statement). The ids
 * are drawn in the order of the rows, so the n-th id is the n-th row: its history takes the
 * values as given (checked, in the API's JSON form, as an update's history has them), which
 * costs PostgreSQL far less than turning each inserted row back into JSON.
 */
export async function insertRows(
  tx: RowTransaction,
  { model, unitId, actor, defVersion, source }: WriteTarget,
  rows: Planned[],
): Promise<RowRecord[]> {
  if (rows.length === 0) return [];
  const fields = model.fields;
  const columns = fields.map((f) => quoteIdent(f.key));
  const recordType = [
    '_i integer',
    '_unit integer',
    '_period text',
    '_origin_ledger text',
    '_origin_id bigint',
    '_origin_label text',
    ...fields.map((f) => `${quoteIdent(f.key)} ${FIELD_TYPE_REGISTRY[f.type].sqlType}`),
  ].join(', ');
  const payload = rows.map((r, i) => ({
    _i: i,
    ...(r.unit !== undefined && r.unit !== unitId && { _unit: r.unit }),
    _period: r.period,
    ...(r.origin && { _origin_ledger: r.origin.ledger, _origin_id: r.origin.id, _origin_label: r.origin.label }),
    ...r.values,
  }));
  const raw = (await tx.query(
    `WITH input AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(${recordType})),
          ins AS (
            INSERT INTO ${tableOf(model)} AS t (unit_id, period, def_version, created_by, updated_by, origin_ledger, origin_id, origin_label, ${columns.join(', ')})
            SELECT COALESCE(_unit, $2), _period, $3, $4, $4, _origin_ledger, _origin_id, _origin_label, ${columns.join(', ')} FROM input ORDER BY _i
            RETURNING ${rowColumns(model)}
          ),
          hist AS (
            INSERT INTO row_history (ledger_key, unit_id, row_id, op, version, changed_by, source, new_values)
            SELECT $5, ins.unit_id, ins.id, 'insert', ins.version, $4, $6, given.value - ARRAY['_i', '_unit', '_period', '_origin_ledger', '_origin_id', '_origin_label']
              FROM (SELECT unit_id, id, version, row_number() OVER (ORDER BY id) AS n FROM ins) ins
              JOIN jsonb_array_elements($1::jsonb) WITH ORDINALITY given ON given.ordinality = ins.n
          )
     SELECT * FROM ins ORDER BY id`,
    [JSON.stringify(payload), unitId, defVersion, actor, model.definition.key, source],
  )) as Record<string, unknown>[];
  return raw.map((r) => rowFromDb(model, r));
}

/** History entries written on their own (a restore): the same columns as the entries written with their rows. */
export async function recordHistory(
  tx: RowTransaction,
  { model, unitId, actor, source }: WriteTarget,
  entries: {
    row_id: number;
    op: 'insert' | 'update' | 'delete' | 'restore';
    version: number;
    old_values: Record<string, unknown> | null;
    new_values: Record<string, unknown> | null;
  }[],
): Promise<void> {
  if (entries.length === 0) return;
  await tx.query(
    `INSERT INTO row_history (ledger_key, unit_id, row_id, op, version, changed_by, source, old_values, new_values)
     SELECT $2, $3, row_id, op, version, $4, $5, old_values, new_values
       FROM jsonb_to_recordset($1::jsonb) AS r(row_id bigint, op text, version integer, old_values jsonb, new_values jsonb)`,
    [JSON.stringify(entries), model.definition.key, unitId, actor, source],
  );
}

export async function updateRow(tx: RowTransaction, target: WriteTarget, p: Planned): Promise<RowOutcome> {
  const { model, unitId, actor, defVersion } = target;
  if (p.changed!.length === 0) return { index: p.index, status: 'SAVED', row: p.old };
  const params: unknown[] = [unitId, p.id, p.version, actor, p.period, defVersion];
  const sets = model.fields.map((f) => {
    const { toDb } = model.spec(f);
    params.push(toDb ? toDb(p.values[f.key] as FieldValue) : p.values[f.key]);
    return `${quoteIdent(f.key)} = $${params.length}`;
  });
  const pick = (values: Record<string, unknown>) => Object.fromEntries(p.changed!.map((k) => [k, values[k]]));
  return changeRow(
    tx,
    target,
    p,
    `UPDATE ${tableOf(model)} t SET ${sets.join(', ')}, version = version + 1, def_version = $6, period = $5, updated_at = now(), updated_by = $4
      WHERE t.unit_id = $1 AND t.id = $2 AND t.version = $3 AND t.deleted_at IS NULL`,
    params,
    { op: 'update', old: pick(p.old!.values), new: pick(p.values) },
  );
}

export function deleteRow(tx: RowTransaction, target: WriteTarget, p: Planned): Promise<RowOutcome> {
  return changeRow(
    tx,
    target,
    p,
    `UPDATE ${tableOf(target.model)} t SET deleted_at = now(), deleted_by = $4, version = version + 1, updated_at = now(), updated_by = $4
      WHERE t.unit_id = $1 AND t.id = $2 AND t.version = $3 AND t.deleted_at IS NULL`,
    [target.unitId, p.id, p.version, target.actor],
    { op: 'delete', old: p.old!.values, new: null },
  );
}

/**
 * One row's UPDATE (`$4` the actor) and, if its version still matched, its history entry, in one
 * statement: the changed fields before and after, as checked (the form an insert's history has).
 * No row back means someone else changed it first: a conflict with the row as it is now.
 */
async function changeRow(
  tx: RowTransaction,
  { model, unitId, source }: WriteTarget,
  p: Planned,
  update: string,
  params: unknown[],
  history: { op: 'update' | 'delete'; old: Record<string, unknown>; new: Record<string, unknown> | null },
): Promise<RowOutcome> {
  params.push(
    model.definition.key,
    history.op,
    source,
    JSON.stringify(history.old),
    history.new && JSON.stringify(history.new),
  );
  const n = params.length;
  const [row] = await tx.query(
    `WITH changed AS (${update} RETURNING ${rowColumns(model)}),
          logged AS (
            INSERT INTO row_history (ledger_key, unit_id, row_id, op, version, changed_by, source, old_values, new_values)
            SELECT $${n - 4}, unit_id, id, $${n - 3}, version, $4, $${n - 2}, $${n - 1}::jsonb, $${n}::jsonb FROM changed
          )
     SELECT * FROM changed`,
    params,
  );
  return row ? { index: p.index, status: 'SAVED', row: rowFromDb(model, row) } : conflict(tx, model, unitId, p);
}

async function conflict(tx: RowTransaction, model: LedgerModel, unitId: number, p: Planned): Promise<RowOutcome> {
  const [raw] = (await tx.query(
    `SELECT ${rowColumns(model)} FROM ${tableOf(model)} t WHERE t.unit_id = $1 AND t.id = $2`,
    [unitId, p.id],
  )) as Record<string, unknown>[];
  return conflicted(p.index, raw ? rowFromDb(model, raw) : undefined);
}
