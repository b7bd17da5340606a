/** Identifiers and literals for the DDL we generate. Identifiers are checked, then quoted. */

const SAFE_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export function quoteIdent(name: string): string {
  if (!SAFE_IDENTIFIER.test(name)) throw new Error(`unsafe SQL identifier: ${JSON.stringify(name)}`);
  return `"${name}"`;
}

export function tableNameOf(ledgerKey: string): string {
  return `ledger_${ledgerKey}`;
}

/** FNV-1a, 32 bits: short stable names for constraints whose natural names would pass 63 bytes. */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** Constraint names follow the field's id, not its column, so a rename keeps them. */
export const checkName = (table: string, fieldId: string, index: number) =>
  `tzc_${shortHash(`${table}.${fieldId}`)}_${index}`;
export const uniqueIndexName = (table: string, fieldId: string) => `tzu_${shortHash(`${table}.${fieldId}`)}`;
export const timeIndexName = (table: string, fieldId: string) => `tzt_${shortHash(`${table}.${fieldId}`)}`;
export const unitOrderIndexName = (table: string, fieldId: string) => `tzo_${shortHash(`${table}.${fieldId}`)}`;
/** Every unit's live rows in a field's order (an admin's grid over every unit): (<field> DESC NULLS LAST, id DESC). */
export const everyUnitOrderIndexName = (table: string, fieldId: string) => `tza_${shortHash(`${table}.${fieldId}`)}`;
export const prefixIndexName = (table: string, fieldId: string) => `tzp_${shortHash(`${table}.${fieldId}`)}`;
export const foreignKeyName = (table: string, fieldId: string) => `tzf_${shortHash(`${table}.${fieldId}`)}`;
export const retypedColumnName = (version: number, key: string) => `_v${version}_${key}`;
export const removedColumnName = (fieldId: string) => `_removed_${fieldId}`;

/** Columns every ledger table has, whatever its definition. */
export const SYSTEM_COLUMNS = [
  'id',
  'unit_id',
  'period',
  'version',
  'def_version',
  'created_at',
  'created_by',
  'updated_at',
  'updated_by',
  'deleted_at',
  'deleted_by',
] as const;

/** The trigger function keeping a ledger table's daily sums (its triggers are named after it). */
export const dailySumsFunctionName = (table: string) => `tzd_${shortHash(table)}`;

/** The functions of a ledger table's search (docs/grid.md "Search"): its trigger function (the triggers are named after it) and its search. */
export const rowSearchFunctionName = (table: string) => ({
  sync: `tzs_${shortHash(table)}`,
  find: `tzq_${shortHash(table)}`,
  count: `tzn_${shortHash(table)}`,
  keys: `tzk_${shortHash(table)}`,
  estimate: `tze_${shortHash(table)}`,
});
