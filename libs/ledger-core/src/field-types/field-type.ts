import type { Message } from '../definition/message';
import type { Locale } from '../definition/text';
import type { FieldDefinition, FieldType } from '../definition/types';

/** A value as it travels in GraphQL/JSON (see the contract): numbers, strings, booleans, string arrays. */
export type FieldValue = string | number | boolean | string[] | null;

export type Outcome = { ok: true; value: FieldValue } | { ok: false; problem: Message };

/** How the grid shows and edits a column; apps/web maps it onto Handsontable settings. */
export interface GridColumnSpec {
  editor:
    | 'text'
    | 'longtext'
    | 'numeric'
    | 'percent'
    | 'date'
    | 'datetime'
    | 'time'
    | 'dropdown'
    | 'multichoice'
    | 'checkbox'
    | 'reference';
  /** dropdown and multichoice: the options' values and labels. */
  options?: { value: string; label: string }[];
  /** numeric: digits after the point. */
  decimals?: number;
  align: 'left' | 'right' | 'center';
  width: number;
}

/** A definition problem of one field, `path` relative to the field (e.g. "options/2/value"). */
export interface FieldDefinitionProblem {
  path: string;
  message: Message;
}

/**
 * Everything about one field type, in one place (the Baserow model): adding a type is adding
 * a file and a line in registry.ts. The API and the web app both use these.
 */
export interface FieldTypeSpec {
  type: FieldType;
  /** The PostgreSQL column type. */
  sqlType: string;
  /** Problems with the properties a definition gives this type (options, bounds, …). */
  checkDefinition(field: FieldDefinition): FieldDefinitionProblem[];
  /** A JSON value from the API (strict: the contract's types only) → the stored value. */
  normalize(input: unknown, field: FieldDefinition): Outcome;
  /** Typed or pasted text (grid, Excel, CSV; lenient: "1,200", "2023/3/1", "50%") → the value. */
  parse(text: string, field: FieldDefinition): Outcome;
  /** The field's limits (min/max, length, pattern, options) on a normalized, non-null value. */
  validate(value: FieldValue, field: FieldDefinition): Message[];
  /** For display, Excel and CSV. */
  format(value: FieldValue, field: FieldDefinition, locale: Locale): string;
  /** SQL CHECK expressions that the database holds for this field; `column` is quoted. */
  checks(field: FieldDefinition, column: string): string[];
  /** An SQL expression turning `column` (of type `from`) into this type; NULL where it cannot. */
  convertSql(column: string, from: FieldType, field: FieldDefinition): string;
  /** A row value read by node-postgres → the JSON value. */
  fromDb(raw: unknown): FieldValue;
  grid(field: FieldDefinition, locale: Locale): GridColumnSpec;
  /** Plausible test data: the i-th value. */
  fake(field: FieldDefinition, i: number): FieldValue;
}
