import type { Message } from '../definition/message';
import type { TemporalContext } from './temporal';
import type { Locale } from '../definition/text';
import type { Text } from '../definition/types';
import type { DeriveDefinition, LookupDefinition, RollupDefinition } from '../definition/derived-fields';

/** What typed text is read against: today and the row's day (see TemporalContext). */
export type ParseContext = TemporalContext;

/** What a file is, decided from its content (docs/attachments.md). */
export type AttachmentKind = 'image' | 'pdf' | 'word' | 'excel' | 'archive';

/** A stored file as a row holds it (the contract's shape). */
export interface AttachmentRef {
  /** 128 random bits, base64url: names the upload, carries no authority. */
  handle: string;
  name: string;
  size: number;
  kind: AttachmentKind;
  sha256: string;
}

/** What a field of files allows (`FieldTypeSpec.files`), sizes in bytes. */
export interface FileLimits {
  kinds: AttachmentKind[];
  maxFiles: number;
  maxFileSize: number;
  maxTotalSize: number;
}

/**
 * A value as it travels in GraphQL/JSON (see the contract): numbers, strings, booleans, string
 * arrays, and lists of stored files.
 */
export type FieldValue = string | number | boolean | string[] | AttachmentRef[] | null;

export type Outcome = { ok: true; value: FieldValue } | { ok: false; problem: Message };

/** What every field says, whatever its type (docs/ledger-language.md, "Fields"). */
export interface FieldBase {
  /**
   * Stable identity across versions. Defaults to `key`. Keep the id and change the key to
   * rename a field: the column is renamed and its data kept.
   */
  id?: string;
  /** The column name: ^[a-z][a-z0-9_]{0,39}$ and not a system column. */
  key: string;
  title: Text;
  description?: Text;
  /** Help shown beside the cell. */
  help?: Text;
  required?: boolean;
  /** A value used when the row gives none. */
  default?: unknown;
  /** No two live rows of one unit may share a value (where the type allows it: `canBeUnique`). */
  unique?: boolean;
  /**
   * The grid is commonly sorted or filtered by this field: the compiler indexes it as
   * (unit_id, column, id) over live rows, so that a unit's page in its order is an index scan
   * with a limit (where the type allows it: `canBeUnique`, the values fit an index entry).
   */
  index?: boolean;
  /** A formula over the row's fields; the field is then read-only and computed on save. */
  formula?: string;
  readOnly?: boolean;
  /** Shows a field of the row this row's reference points at (definition/derived-fields.ts). */
  lookup?: LookupDefinition;
  /** Aggregates the rows of another ledger that point at this row (definition/derived-fields.ts). */
  rollup?: RollupDefinition;
  /** Takes a measure of another ledger for the row's unit and period (definition/derived-fields.ts). */
  derive?: DeriveDefinition;
  /** Grid column width in pixels. */
  width?: number;
}

/** A field of one type: what every field says, the type's name, and the type's own options. */
export type FieldOf<T extends string, Options extends object = Record<never, never>> = FieldBase & {
  type: T;
} & Options;

/** The common properties, by name (the meta-schema and the designer list them before the type's own). */
export const COMMON_FIELD_PROPERTIES = [
  'id',
  'key',
  'title',
  'type',
  'description',
  'help',
  'required',
  'default',
  'unique',
  'index',
  'formula',
  'readOnly',
  'lookup',
  'rollup',
  'derive',
  'width',
] as const;

/** What a formula sees of a field's value (the evaluator and its SQL translation work on kinds, never on type names). */
export type ValueKind = 'text' | 'number' | 'boolean' | 'date' | 'datetime' | 'time' | 'list' | 'files';

/** The row filters of the rows query (docs/api.md). */
export const FILTER_OPERATORS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'contains', 'empty'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** How the designer asks for one option of a type (its property form). */
export type OptionInput = 'number' | 'wholeNumber' | 'text' | 'yesNo' | 'choices' | 'ledger' | 'ledgerField';

/** One option a type's definition may give: its JSON Schema (for the meta-schema) and its designer form. */
export interface OptionSpec {
  schema: Record<string, unknown>;
  label: Text;
  input: OptionInput;
}

/** A spec for each of a type's options: the compiler asks for one per property of `Options`. */
export type OptionSpecs<Options extends object> = { [K in keyof Required<Options>]: OptionSpec };

/** How the grid shows and edits a column; apps/web maps it onto Handsontable settings. */
export interface GridColumnSpec {
  editor:
    | 'text'
    | 'multiline'
    | 'numeric'
    | 'percent'
    | 'date'
    | 'datetime'
    | 'time'
    | 'dropdown'
    | 'multiselect'
    /** a row of another ledger, searched by what it says (referenceOptions) */
    | 'reference'
    /** uploaded files: thumbnails in the cell, a file panel to add and remove them */
    | 'attachment';
  /** dropdown and multiselect: the options' values and labels. */
  options?: { value: string; label: string }[];
  /** numeric: digits after the point. */
  decimals?: number;
  align: 'left' | 'right' | 'center';
  width: number;
}

export interface ChoiceItem {
  value: string;
  label: string;
}

/**
 * How a form (the public survey, a clerk's one-row phone form) asks for a value. The form holds
 * text for `line`, `paragraph` and `calendar` and reads it with the type's `parse`, like the grid;
 * the others hold the value itself and go through `normalize`.
 */
export type FormInputSpec =
  | {
      input: 'line';
      /** The phone keyboard to show. */
      keyboard: 'text' | 'numeric' | 'decimal' | 'tel';
      maxLength?: number;
      /** Shown after the box: "%", "元". */
      suffix?: string;
      placeholder?: string;
    }
  | { input: 'paragraph'; maxLength?: number }
  | { input: 'calendar'; calendar: 'date' | 'datetime-local' | 'time'; min?: string; max?: string }
  | { input: 'pickOne'; options: ChoiceItem[] }
  | { input: 'pickMany'; options: ChoiceItem[] }
  | { input: 'yesNo'; yes: string; no: string }
  | { input: 'stars'; max: number }
  /** A row of another ledger of the unit: searched by what it says and picked (referenceOptions). */
  | { input: 'row'; ledger: string; display: string | null }
  /** Files to upload (POST /attachments), then saved by handle; `capture` offers a phone's camera. */
  | { input: 'files'; kinds: AttachmentKind[]; maxFiles: number; maxFileSize: number; capture: boolean };

/** A typed xlsx cell. */
export type ExcelCell = string | number | boolean | Date | null;

/** How a field's values look in a spreadsheet: a typed cell out, text for `parse` from any tool's cell. */
export interface SpreadsheetSpec {
  /** An Excel number format for the column's typed cells. */
  numFmt?: string;
  /** A value as a typed xlsx cell. */
  cell(value: FieldValue, locale: Locale): ExcelCell;
  /**
   * Values that name files of the product: each file's name and its path under the product's
   * public address (`/attachments/<handle>`), which an xlsx export writes as hyperlinks, and the
   * stored content's SHA-256, by which an export with the files (a zip) reads each from the store.
   */
  links?(value: FieldValue): { text: string; path: string; sha256: string }[];
}

/** What statistics may do with a field. */
export interface StatisticsRoles {
  /** sum measures, and either side of a ratio. */
  summable: boolean;
  /** distribution measures and grouping dimensions: the values it can take, with labels (see `choices`). */
  categorical: boolean;
  /** day / week / month dimensions and a periodic ledger's period field. */
  timeAxis: boolean;
}

/** A definition problem of one field, `path` relative to the field (e.g. "options/2/value"). */
export interface FieldDefinitionProblem {
  path: string;
  message: Message;
}

/** What a conversion reads from: the old column's type. */
export interface ConversionSource {
  type: string;
  sqlType: string;
  valueKind: ValueKind;
  /** The column as text, in the form this type's `parse` reads. */
  textSql(column: string): string;
}

/**
 * Everything about one field type, in one place (the Baserow model): adding a type is adding a
 * file and a line in registry.ts. The API, the web app and the docs ask the type; none of them
 * lists type names (tests/architecture/field-type-names.spec.ts holds them to it).
 */
export interface FieldTypeSpec<F extends FieldBase & { type: string }> {
  type: F['type'];
  /** The type's name for people: the designer's type list, the docs. */
  title: Text;
  /** What a value is, for the docs' type table. */
  describe: Text;
  /** The options this type's definition may give (beyond the common ones). */
  options: OptionSpecs<Omit<F, keyof FieldBase | 'type'>>;
  /** The PostgreSQL column type. */
  sqlType: string;
  /** What a formula reads a value as; also how SQL filters and groups treat the column. */
  valueKind: ValueKind;
  /** Row filters that make sense for it. */
  filters: readonly FilterOperator[];
  statistics: StatisticsRoles;
  /** Whether `unique` (and `index`) may be set on it. */
  canBeUnique: boolean;
  /**
   * Its text is what the grid's search box looks in (docs/grid.md "Search"): words people type
   * (a name, a case number, a remark, a phone number), not numbers, dates or choices' codes.
   * Never set on a type with `redact`: a search would find rows by what the reader cannot see.
   */
  searched?: boolean;
  /** Problems with the option values a definition gives this type (beyond the meta-schema's shapes). */
  checkDefinition(field: F): FieldDefinitionProblem[];
  /** A JSON value from the API (strict: the contract's types only) → the stored value. */
  normalize(input: unknown, field: F): Outcome;
  /**
   * Typed or pasted text (grid, forms, Excel, CSV; lenient: "1,200", "2023/3/1", "12/5 9:30", "50%")
   * → the value. `context` says what a short form is read against (today, the row's day).
   */
  parse(text: string, field: F, context?: ParseContext): Outcome;
  /** The field's limits (min/max, length, pattern, options) on a normalized, non-null value. */
  validate(value: FieldValue, field: F): Message[];
  /** For display, Excel and CSV. */
  format(value: FieldValue, field: F, locale: Locale): string;
  /**
   * The value as shown to readers who may not see all of it (leaders, exports): a masked
   * identity number. Absent: shown as it is.
   */
  redact?(value: FieldValue, field: F): FieldValue;
  /** The values a categorical field can take, labelled (distributions, groups, survey results). */
  choices?(field: F, locale: Locale): ChoiceItem[];
  /** The ledger whose rows its values are (a reference), for the foreign key; null for none. */
  target?(field: F): { ledger: string; display: string | null } | null;
  /** A field that holds files: what it allows (the upload and the save check against it). */
  files?(field: F): FileLimits;
  /** The value as a query parameter, where node-postgres would not send it as the column wants (jsonb). */
  toDb?(value: FieldValue): unknown;
  /** SQL CHECK expressions that the database holds for this field; `column` is quoted. */
  checks(field: F, column: string): string[];
  /** An SQL expression turning `column` (of the type `from`) into this type; NULL where it cannot. */
  convertSql(column: string, from: ConversionSource, field: F): string;
  /** The column as text, in the form `parse` reads (for conversions into other types). */
  textSql(column: string): string;
  /** A row value read by node-postgres → the JSON value. */
  fromDb(raw: unknown): FieldValue;
  grid(field: F, locale: Locale): GridColumnSpec;
  form(field: F, locale: Locale): FormInputSpec;
  spreadsheet(field: F): SpreadsheetSpec;
  /** A cell of an xlsx (any tool's making) → the text `parse` reads. */
  cellText(cell: Exclude<ExcelCell, null>): string;
  /** Plausible test data: the i-th value. */
  fake(field: F, i: number): FieldValue;
}
