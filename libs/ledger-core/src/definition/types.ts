/**
 * The ledger definition language: what a JSON file in schemas/ says. The meta-schema
 * (schemas/ledger.schema.json) describes the same shape for editors and for validation;
 * docs/ledger-language.md explains it with examples.
 */

export const FIELD_TYPES = [
  'text',
  'longtext',
  'integer',
  'decimal',
  'percent',
  'date',
  'datetime',
  'time',
  'choice',
  'multichoice',
  'boolean',
  'phone',
  'reference',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const PERIODS = ['none', 'daily', 'weekly', 'monthly'] as const;
export type Period = (typeof PERIODS)[number];

/** Chinese is required; English is optional and falls back to the Chinese. */
export type Text = string | { zh: string; en?: string };

export interface ChoiceOption {
  /** What is stored: stable, e.g. "A" or "办结". */
  value: string;
  /** What is shown; defaults to the value. */
  label?: Text;
}

export interface FieldDefinition {
  /**
   * Stable identity across versions. Defaults to `key`. Keep the id and change the key to
   * rename a field: the column is renamed and its data kept.
   */
  id?: string;
  /** The column name: ^[a-z][a-z0-9_]{0,39}$ and not a system column. */
  key: string;
  title: Text;
  type: FieldType;
  description?: Text;
  /** Help shown beside the cell. */
  help?: Text;
  required?: boolean;
  /** integer, decimal, percent: numeric bounds; date/datetime/time: ISO bounds as strings. */
  min?: number | string;
  max?: number | string;
  /** decimal: digits after the point (default 2). percent is stored as a fraction (0.5 = 50%). */
  scale?: number;
  /** text, longtext, phone: length bounds in characters. */
  minLength?: number;
  maxLength?: number;
  /** text: a regular expression the whole value must match. */
  pattern?: string;
  /** choice, multichoice. */
  options?: ChoiceOption[];
  /** multichoice: how many may be picked. */
  minItems?: number;
  maxItems?: number;
  /** reference: the key of the ledger whose row this points to (in the same unit). */
  ledger?: string;
  /** reference: which field of the target row to show (e.g. its case number). */
  display?: string;
  /** A value used when the row gives none. */
  default?: unknown;
  /** No two live rows of one unit may share a value. */
  unique?: boolean;
  /** A formula over the row's fields; the field is then read-only and computed on save. */
  formula?: string;
  readOnly?: boolean;
  /** Grid column width in pixels. */
  width?: number;
}

export interface RuleDefinition {
  key: string;
  /** error blocks saving; warning is shown and allowed. */
  level: 'error' | 'warning';
  /** A formula that must be true (null counts as passing: missing values are `required`'s job). */
  check: string;
  /** Only checked when this formula is true. */
  when?: string;
  message: Text;
  /** The fields to mark when it fails (defaults to the fields the check reads). */
  fields?: string[];
}

export type MeasureDefinition =
  | { key: string; title: Text; kind: 'sum'; field: string; target?: number; format?: MeasureFormat }
  | { key: string; title: Text; kind: 'count'; target?: number; format?: MeasureFormat }
  | { key: string; title: Text; kind: 'countWhere'; where: string; target?: number; format?: MeasureFormat }
  | {
      key: string;
      title: Text;
      kind: 'ratio';
      /** A numeric field (its sum) or another measure of kind sum, count or countWhere. */
      numerator: string;
      denominator: string;
      target?: number;
      format?: MeasureFormat;
    }
  | { key: string; title: Text; kind: 'distribution'; field: string; format?: MeasureFormat };
export type MeasureKind = MeasureDefinition['kind'];
export type MeasureFormat = 'number' | 'percent';

export interface DimensionDefinition {
  key: string;
  title: Text;
  /** unit, unitKind, day/week/month of `field` (a date) or of the period, or a choice field. */
  kind: 'unit' | 'unitKind' | 'day' | 'week' | 'month' | 'field';
  field?: string;
}

export interface FillersDefinition {
  /** Unit kinds (township_centre, bureau_section, service_window) whose units fill it. */
  unitKinds?: string[];
  /** Unit codes, in addition. */
  units?: string[];
}

/**
 * A row that saving this ledger's row creates in another ledger of the same unit — the seed's
 * closed loop: a dissatisfied case becomes a rectification. `values` are formulas over the saved
 * row (its `id` included), one per field of the other ledger.
 */
export interface FollowUpDefinition {
  key: string;
  /** Created when this becomes true for a row (on insert, or on an update that makes it true). */
  when: string;
  ledger: string;
  values: Record<string, string>;
  /** Shown with the saved row. */
  message?: Text;
}

/**
 * Rows that stay open until someone closes them (rectifications, tasks). The submission board
 * counts, per unit, the rows for which `open` is true and those for which `overdue` is true,
 * evaluated when the board is read (so today() is today).
 */
export interface TrackingDefinition {
  open: string;
  overdue?: string;
}

export interface LedgerDefinition {
  $schema?: string;
  /** ^[a-z][a-z0-9_]{0,39}$: the table is ledger_<key>. */
  key: string;
  title: Text;
  description?: Text;
  /** Who fills it; absent = every unit. */
  fillers?: FillersDefinition;
  period?: Period;
  /** For a periodic ledger: the date field whose value says which period a row belongs to. */
  periodField?: string;
  /** "HH:mm", Asia/Shanghai, for periodic ledgers: a sheet submitted later is late. */
  deadline?: string;
  /** Anyone may add rows through the public link of a unit (the survey). */
  public?: boolean;
  fields: FieldDefinition[];
  rules?: RuleDefinition[];
  measures?: MeasureDefinition[];
  dimensions?: DimensionDefinition[];
  followUps?: FollowUpDefinition[];
  tracking?: TrackingDefinition;
  /** Rows the ledger starts with when first published (the task ledger's eight tasks), per unit code. */
  seedRows?: { unit: string; values: Record<string, unknown> }[];
}
