import {
  quoteIdent,
  specOf,
  tableNameOf,
  textOf,
  type FieldDefinition,
  type LedgerModel,
  type ReferenceField,
} from '@taizhang/ledger-core';
import type { PublishedLedger } from '../ledgers/ledger-registry.service';
import type { RowTransaction } from '../ledger-tables/row-scope';
import { problem, reject, type Planned, type RowOutcome, type WriteTarget } from '../ledger-tables/row-write';
import { groupBy } from '../common/group-by';

/**
 * References (a field whose type has a `target`), the write side (docs/ledger-language.md,
 * "References"): what a row says resolved to its id, each id a live row of the unit, and what
 * deleting a referenced row does to the rows that point at it.
 */

/** Rows that will be written with a value in `key`, not yet refused. */
const citing = (planned: Planned[], outcomes: Map<number, RowOutcome>, key: string) =>
  planned.filter(
    (p) => p.op !== 'DELETE' && !outcomes.has(p.index) && p.values[key] !== null && p.values[key] !== undefined,
  );

const titleOf = (field: FieldDefinition, locale: 'zh-CN' | 'en' = 'zh-CN') => textOf(field.title, locale);

/**
 * A reference given as what its row says (a text: pasted, imported, typed into the API) becomes
 * that row's id, looked up among the unit's live rows of the target ledger by its display field:
 * one row says it → its id; several → refused as ambiguous, naming the field and the text; none →
 * a text of digits is taken as an id (checked next like any id), anything else is refused.
 */
export async function resolveReferenceLabels(
  tx: RowTransaction,
  model: LedgerModel,
  unitId: number,
  planned: Planned[],
  outcomes: Map<number, RowOutcome>,
): Promise<void> {
  for (const field of model.fields) {
    const target = specOf(field).target?.(field);
    if (!target) continue;
    const labelled = citing(planned, outcomes, field.key).filter((p) => typeof p.values[field.key] === 'string');
    if (labelled.length === 0) continue;
    const labels = [...new Set(labelled.map((p) => p.values[field.key] as string))];
    let ids = new Map<string, string[]>();
    if (target.display) {
      const found = (await tx.query(
        `SELECT r.${quoteIdent(target.display)}::text AS label, r.id FROM ${quoteIdent(tableNameOf(target.ledger))} r
          WHERE r.unit_id = $1 AND r.deleted_at IS NULL AND r.${quoteIdent(target.display)}::text = ANY($2::text[])
          ORDER BY r.id LIMIT 10000`,
        [unitId, labels],
      )) as { label: string; id: string }[];
      ids = new Map([...groupBy(found, (f) => f.label)].map(([label, rows]) => [label, rows.map((r) => r.id)]));
    }
    for (const p of labelled) {
      const label = p.values[field.key] as string;
      const rows = ids.get(label) ?? [];
      const refuse = (zh: string, en: string) => outcomes.set(p.index, reject(p.index, [problem(field.key, zh, en)]));
      if (rows.length > 1) {
        refuse(
          `「${titleOf(field)}」填的「${label}」对应本单位 ${rows.length} 行，无法确定是哪一行，请在列表中选择`,
          `"${titleOf(field, 'en')}": "${label}" names ${rows.length} rows of the unit; pick one from the list`,
        );
      } else if (rows.length === 1) {
        p.values[field.key] = Number(rows[0]);
      } else if (/^\d{1,15}$/.test(label)) {
        p.values[field.key] = Number(label);
      } else {
        refuse(
          `「${titleOf(field)}」找不到「${label}」：本单位没有这样的一行`,
          `"${titleOf(field, 'en')}": no row of the unit says "${label}"`,
        );
        continue;
      }
      // an update that names the row it already had changes nothing there
      if (p.changed && p.old && p.old.values[field.key] === p.values[field.key])
        p.changed = p.changed.filter((key) => key !== field.key);
    }
  }
}

/**
 * Each id must be a live row of the target ledger in the row's own unit. The database's foreign
 * key holds only that the row exists in the unit; a deleted row, another unit's row or no row at
 * all is refused here, per row, with the field and the id, before anything is written — so one
 * bad reference never costs the batch.
 */
export async function rejectMissingReferences(
  tx: RowTransaction,
  model: LedgerModel,
  unitId: number,
  planned: Planned[],
  outcomes: Map<number, RowOutcome>,
): Promise<void> {
  for (const field of model.fields) {
    const target = specOf(field).target?.(field);
    if (!target) continue;
    // an update that keeps its reference was checked when it was made
    const checked = citing(planned, outcomes, field.key).filter(
      (p) => !p.old || p.old.values[field.key] !== p.values[field.key],
    );
    if (checked.length === 0) continue;
    const ids = [...new Set(checked.map((p) => Number(p.values[field.key])))];
    const found = (await tx.query(
      `SELECT id FROM ${quoteIdent(tableNameOf(target.ledger))} WHERE unit_id = $1 AND id = ANY($2::bigint[]) AND deleted_at IS NULL`,
      [unitId, ids],
    )) as { id: string }[];
    const live = new Set(found.map((r) => Number(r.id)));
    for (const p of checked) {
      const id = Number(p.values[field.key]);
      if (live.has(id)) continue;
      outcomes.set(
        p.index,
        reject(p.index, [
          problem(
            field.key,
            `「${titleOf(field)}」引用的第 ${id} 行不存在、已删除或不属于本单位`,
            `"${titleOf(field, 'en')}": row ${id} does not exist, was deleted, or is not this unit's`,
          ),
        ]),
      );
    }
  }
}

/** A field of some ledger that points at rows of `ledgerKey`. */
export interface Referrer {
  ledger: PublishedLedger;
  field: ReferenceField;
}

/** The fields of every ledger that point at rows of `ledgerKey` (the ledger itself included). */
export function referrersOf(ledgers: PublishedLedger[], ledgerKey: string): Referrer[] {
  return ledgers.flatMap((ledger) =>
    ledger.model.fields
      .filter((field) => specOf(field).target?.(field)?.ledger === ledgerKey)
      .map((field) => ({ ledger, field: field as ReferenceField })),
  );
}

/** At most this many referring rows are named in a refusal. */
const NAMED = 5;

/**
 * Deleting rows that other rows point at, as each pointing field's `onDelete` says: `restrict`
 * (the default) refuses the delete, naming who points at it (ledger, row, what it says);
 * `clear` lets it happen and empties those references (clearReferencesTo, when the deletes are
 * written). Only live rows of the unit count: a deleted referrer holds nothing back.
 */
export async function refuseReferencedDeletes(
  tx: RowTransaction,
  unitId: number,
  referrers: Referrer[],
  planned: Planned[],
  outcomes: Map<number, RowOutcome>,
): Promise<void> {
  if (referrers.length === 0) return;
  const deletes = () => planned.filter((p) => p.op === 'DELETE' && !outcomes.has(p.index));
  for (const { ledger, field } of referrers.filter((r) => (r.field.onDelete ?? 'restrict') === 'restrict')) {
    const pending = deletes();
    if (pending.length === 0) return;
    const display = specOf(field).target?.(field)?.display;
    const own = ledger.definition.display;
    const table = quoteIdent(tableNameOf(ledger.key));
    const column = quoteIdent(field.key);
    const rows = (await tx.query(
      `SELECT c.${column} AS target, c.id, ${own ? `c.${quoteIdent(own)}::text` : 'NULL'} AS label
         FROM ${table} c WHERE c.unit_id = $1 AND c.${column} = ANY($2::bigint[]) AND c.deleted_at IS NULL
        ORDER BY c.id`,
      [unitId, pending.map((p) => p.id)],
    )) as { target: string; id: string; label: string | null }[];
    for (const p of pending) {
      const mine = rows.filter((r) => Number(r.target) === p.id);
      if (mine.length === 0) continue;
      const title = textOf(ledger.definition.title);
      const named = mine.slice(0, NAMED);
      const more = mine.length - named.length;
      const zhList = named.map((r) => `第 ${r.id} 行${r.label ? `「${r.label}」` : ''}`).join('、');
      const enList = named.map((r) => `row ${r.id}${r.label ? ` "${r.label}"` : ''}`).join(', ');
      const shown = display && p.values[display] !== undefined ? String(p.values[display] ?? '') : '';
      outcomes.set(
        p.index,
        reject(p.index, [
          problem(
            '',
            `不能删除${shown ? `「${shown}」` : '此行'}：「${title}」的${zhList}${more > 0 ? ` 等 ${mine.length} 行` : ''}通过「${titleOf(field)}」引用了它；请先修改或删除这些行`,
            `Cannot delete ${shown ? `"${shown}"` : 'this row'}: ${mine.length} row(s) of "${textOf(ledger.definition.title, 'en')}" refer to it through "${titleOf(field, 'en')}" (${enList}${more > 0 ? ', …' : ''}); change or delete them first`,
          ),
        ]),
      );
    }
  }
}

/**
 * The references of `clear` fields to rows being deleted, emptied: each such row a new version,
 * its history saying what it pointed at, written by the delete's author for the delete's reason.
 */
export async function clearReferencesTo(
  tx: RowTransaction,
  target: WriteTarget,
  referrers: Referrer[],
  ids: number[],
): Promise<void> {
  if (ids.length === 0) return;
  for (const { ledger, field } of referrers.filter((r) => r.field.onDelete === 'clear')) {
    const column = quoteIdent(field.key);
    const table = quoteIdent(tableNameOf(ledger.key));
    // the look-ups through the reference show nothing once it points at nothing
    const lookups = ledger.model.fields
      .filter((f) => f.lookup?.reference === field.key)
      .map((f) => `, ${quoteIdent(f.key)} = NULL`)
      .join('');
    await tx.query(
      `WITH was AS (
         SELECT c.id, c.${column} AS ref FROM ${table} c
          WHERE c.unit_id = $1 AND c.${column} = ANY($2::bigint[]) AND c.deleted_at IS NULL FOR UPDATE
       ), cleared AS (
         UPDATE ${table} c SET ${column} = NULL${lookups}, version = c.version + 1, updated_at = now(), updated_by = $3
           FROM was WHERE c.unit_id = $1 AND c.id = was.id RETURNING c.id, c.version, was.ref
       )
       INSERT INTO row_history (ledger_key, unit_id, row_id, op, version, changed_by, source, old_values, new_values)
       SELECT $4, $1, id, 'update', version, $3, $5, jsonb_build_object($6::text, ref), jsonb_build_object($6::text, NULL)
         FROM cleared`,
      [target.unitId, ids, target.actor, ledger.key, target.source, field.key],
    );
  }
}
