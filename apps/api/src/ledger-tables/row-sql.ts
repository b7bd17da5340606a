import pg from 'pg';
import { quoteIdent, specOf, tableNameOf, type FieldValue, type LedgerModel } from '@taizhang/ledger-core';

/** A row of some ledger, shown by what it says (the contract's RowLink). */
export interface RowLink {
  ledger: string;
  id: string;
  label: string | null;
}

/** A ledger row as the contract carries it. */
export interface RowRecord {
  id: string;
  unitId: string;
  period: string | null;
  version: number;
  values: Record<string, unknown>;
  updatedAt: Date;
  /** For each reference field holding a row: what that row says (its display field), null when the field names none. */
  display: Record<string, string | null> | null;
  /** The row whose follow-up made this one. */
  origin: RowLink | null;
  /** Derived figures the unit's clerk overrode: { fieldKey: { reason, derived, by, at } }; null: none. */
  overrides?: Record<string, unknown> | null;
}

export const tableOf = (model: LedgerModel) => quoteIdent(tableNameOf(model.definition.key));

/**
 * The SELECT list of a row: the system columns the contract needs, then every field. The time of
 * the last change comes as PostgreSQL's text and becomes a Date only when read (rowFromDb): a grid
 * page rarely asks for it, and 500 dates parsed for nothing are a noticeable part of a page.
 */
export function rowColumns(model: LedgerModel, alias = 't'): string {
  return [
    `${alias}.id`,
    `${alias}.unit_id`,
    `${alias}.period`,
    `${alias}.version`,
    `${alias}.updated_at::text AS updated_at`,
    `${alias}.origin_ledger`,
    `${alias}.origin_id`,
    `${alias}.origin_label`,
    ...model.fields.map((f) => `${alias}.${quoteIdent(f.key)}`),
    ...displayedReferences(model).map(({ key, sql }) => `${sql(alias)} AS ${quoteIdent(`_display_${key}`)}`),
    ...(model.fields.some((f) => f.derive) ? [`${overridesSql(model, alias)} AS _overrides`] : []),
  ].join(', ');
}

/**
 * A row's overridden figures (derived_overrides), read beside it by the row's key: one index
 * probe per row, for a ledger with derived figures only. Most ledgers' units have none: whether
 * the ledger has any the scope can see is asked once per statement (an InitPlan), and only then
 * is each row probed — a page of 500 rows without overrides made 500 probes for nothing (0.4 ms
 * of the page's 0.8 ms in PostgreSQL).
 */
export function overridesSql(model: LedgerModel, alias: string): string {
  const key = model.definition.key;
  if (!/^[a-z][a-z0-9_]*$/.test(key)) throw new Error(`not a ledger key: ${key}`);
  return `CASE WHEN (SELECT EXISTS (SELECT 1 FROM derived_overrides WHERE ledger_key = '${key}')) THEN
          (SELECT jsonb_object_agg(o.field, jsonb_build_object('reason', o.reason, 'derived', o.derived,
            'by', (SELECT u.display_name FROM users u WHERE u.id = o.user_id), 'at', o.at))
            FROM derived_overrides o WHERE o.ledger_key = '${key}' AND o.row_id = ${alias}.id) END`;
}

interface DisplayedReference {
  key: string;
  /** The referenced row's display text, read beside the row (a scalar subquery on its key). */
  sql: (alias: string) => string;
}

const DISPLAYED = new WeakMap<LedgerModel, DisplayedReference[]>();

/**
 * The reference fields that say which field shows their row: each is read with the row as the
 * target's display column as text, by the target's primary key (unit_id, id), so it costs one
 * index probe per row that holds a reference and nothing for a ledger without references. The
 * target's row may since have been deleted: it still says what it said (the link stays exact).
 */
export function displayedReferences(model: LedgerModel): DisplayedReference[] {
  let displayed = DISPLAYED.get(model);
  if (!displayed) {
    displayed = model.fields.flatMap((field) => {
      const target = specOf(field).target?.(field);
      if (!target?.display) return [];
      const table = quoteIdent(tableNameOf(target.ledger));
      const display = quoteIdent(target.display);
      const column = quoteIdent(field.key);
      return [
        {
          key: field.key,
          sql: (alias: string) =>
            `(SELECT r.${display}::text FROM ${table} r WHERE r.unit_id = ${alias}.unit_id AND r.id = ${alias}.${column})`,
        },
      ];
    });
    DISPLAYED.set(model, displayed);
  }
  return displayed;
}

const parseTimestamp = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ) as (text: string) => Date;

/** A row as read: one shape for every row (a class), its update time parsed only if asked. */
class ReadRow implements RowRecord {
  constructor(
    readonly id: string,
    readonly unitId: string,
    readonly period: string | null,
    readonly version: number,
    readonly values: Record<string, unknown>,
    private readonly updatedAtRaw: Date | string,
    readonly display: Record<string, string | null> | null,
    readonly origin: RowLink | null,
    /** Set again by a write that changes them (after the row's own RETURNING read them). */
    public overrides: Record<string, unknown> | null,
  ) {}

  get updatedAt(): Date {
    return typeof this.updatedAtRaw === 'string' ? parseTimestamp(this.updatedAtRaw) : this.updatedAtRaw;
  }
}

/** Who reads: in full, or as the field types redact values for leaders (see access-policy.ts). */
export type ReadAudience = 'full' | 'redacted';

type Reader = { key: string; fromDb: (raw: unknown) => unknown };

/** Each field's key and how its column's value becomes the JSON value, once per model and audience. */
const READERS = new WeakMap<LedgerModel, Record<ReadAudience, Reader[]>>();
function readersOf(model: LedgerModel, audience: ReadAudience): Reader[] {
  let readers = READERS.get(model);
  if (!readers) {
    const full = model.fields.map((field) => ({ key: field.key, fromDb: model.spec(field).fromDb }));
    const redacted = model.fields.map((field, i) => {
      const { redact, fromDb } = model.spec(field);
      return redact ? { key: field.key, fromDb: (raw: unknown) => redact(fromDb(raw), field) } : full[i];
    });
    readers = { full, redacted };
    READERS.set(model, readers);
  }
  return readers[audience];
}

/** Values (a history entry's, say) as an audience sees them. */
export function valuesFor(
  model: LedgerModel,
  values: Record<string, unknown> | null,
  audience: ReadAudience,
): Record<string, unknown> | null {
  if (values === null || audience === 'full') return values;
  const shown = { ...values };
  for (const field of model.fields) {
    const { redact } = model.spec(field);
    if (redact && shown[field.key] !== undefined && shown[field.key] !== null)
      shown[field.key] = redact(shown[field.key] as FieldValue, field);
  }
  return shown;
}

export function rowFromDb(
  model: LedgerModel,
  raw: Record<string, unknown>,
  audience: ReadAudience = 'full',
): RowRecord {
  const values: Record<string, unknown> = {};
  for (const { key, fromDb } of readersOf(model, audience)) values[key] = fromDb(raw[key]);
  const references = displayedReferences(model);
  let display: Record<string, string | null> | null = null;
  if (references.length > 0) {
    display = {};
    for (const { key } of references) display[key] = (raw[`_display_${key}`] as string | null | undefined) ?? null;
  }
  const originId = raw.origin_id;
  return new ReadRow(
    String(raw.id),
    String(raw.unit_id),
    (raw.period as string | null) ?? null,
    Number(raw.version),
    values,
    raw.updated_at as Date | string,
    display,
    originId === null || originId === undefined
      ? null
      : { ledger: String(raw.origin_ledger), id: String(originId), label: (raw.origin_label as string | null) ?? null },
    (raw._overrides as Record<string, unknown> | null | undefined) ?? null,
  );
}
