import type { FieldValue, LedgerModel } from '@taizhang/ledger-core';

/**
 * One row of the grid: the field values by key plus where the row stands with the server.
 * A value is what the API carries, or — while it does not parse — the text as typed.
 */
export interface GridRow {
  /** Local identity: "r:<id>" for a row read from the server, "n:<random>" for a new one. */
  __key: string;
  /** The server's id; null until the insert is saved. */
  __id: string | null;
  /** The version the row was read or last saved at; sent with updates and deletes. */
  __version: number | null;
  /** The unit the row belongs to (shown when the grid shows every unit's rows). */
  __unitId?: string;
  /** The row whose follow-up made this one (its 来源), if any. */
  __origin?: RowLink | null;
  /** Derived figures the unit set by hand, each with its reason (Row.overrides). */
  __overrides?: Record<string, FigureOverride> | null;
  [field: string]: unknown;
}

/** A row of some ledger, named by what it says (its ledger's display field), else by its id. */
export interface RowLink {
  ledger: string;
  id: string;
  label: string | null;
}

/** A derived figure set by hand: why, the figure it replaced, who and when. */
export interface FigureOverride {
  reason: string;
  derived: number | null;
  by: string | null;
  at: string;
}

export interface ServerRow {
  id: string;
  unitId?: string;
  version: number;
  values: Record<string, FieldValue>;
  /** For reference fields: what the row referred to says (its display text), null for none. */
  display?: Record<string, string | null> | null;
  origin?: RowLink | null;
  overrides?: Record<string, FigureOverride> | null;
}

/** The column of the unit's name, before the definition's fields when every unit's rows are shown. */
export const UNIT_COLUMN = '__unitId';

/** The grid's key of a row read from the server. */
export const serverRowKey = (id: string) => `r:${id}`;

export function rowFromServer(row: ServerRow): GridRow {
  return {
    ...row.values,
    __key: serverRowKey(row.id),
    __id: row.id,
    __version: row.version,
    __unitId: row.unitId,
    __origin: row.origin ?? null,
    __overrides: row.overrides ?? null,
  };
}

let counter = 0;
/**
 * A new row as the definition starts it: each field's default, a periodic ledger's period
 * field at the period's date, and the sheet's derived figures as their sources give them now.
 */
export function newRow(
  model: LedgerModel,
  periodDate: string | null,
  figures: Record<string, unknown> | null = null,
): GridRow {
  counter += 1;
  const row: GridRow = { __key: `n:${Date.now().toString(36)}${counter.toString(36)}`, __id: null, __version: null };
  for (const field of model.fields) row[field.key] = field.formula ? null : (field.default ?? null);
  // a derived figure shows what its source says now; the server fills it when the row is saved
  for (const field of model.fields) if (field.derive && figures) row[field.key] = figures[field.key] ?? null;
  const periodField = model.definition.periodField;
  if (periodField && periodDate) row[periodField] = periodDate;
  return row;
}

/** The row's values of the fields a user may type into. */
export function editableValues(model: LedgerModel, row: GridRow): Record<string, unknown> {
  return Object.fromEntries(model.editable.map((field) => [field.key, row[field.key] ?? null]));
}

/** Nothing typed into a new row beyond what it started with: not worth saving. */
export function isUntouched(model: LedgerModel, row: GridRow, periodDate: string | null): boolean {
  const fresh = newRow(model, periodDate);
  return model.editable.every((field) => {
    const value = row[field.key];
    const blank = value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
    return blank || JSON.stringify(value) === JSON.stringify(fresh[field.key]);
  });
}
