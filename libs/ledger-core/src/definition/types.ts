/**
 * The ledger definition language: what a JSON file in schemas/ says. The meta-schema
 * (schemas/ledger.schema.json) describes the same shape for editors and for validation;
 * docs/ledger-language.md explains it with examples. A field's shape is its type's
 * (field-types/registry.ts: `FieldDefinition`).
 */
import type { FieldDefinition } from '../field-types/registry';

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
  /**
   * What differs when the saved row is an anonymous public answer (the survey's link): nobody
   * vouches for it, so the row it makes should wait for the unit to confirm it, and no more than
   * `perHour` of them are made per unit per hour.
   */
  fromPublic?: FollowUpFromPublic;
}

/** A follow-up of an anonymous answer: its own values over the usual ones, and a limit per hour. */
export interface FollowUpFromPublic {
  /** Formulas over the saved row, as `values`; each replaces (or adds to) the usual one. */
  values?: Record<string, string>;
  /**
   * Rows made from anonymous answers in the follow-up's ledger, per unit, per rolling hour
   * (default FROM_PUBLIC_PER_HOUR); past it the answer is saved and no row is made. 0: none.
   */
  perHour?: number;
}

/** Rows a follow-up makes from anonymous answers per unit per hour unless it says otherwise. */
export const FROM_PUBLIC_PER_HOUR = 10;

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
  /**
   * With a deadline: how many minutes before it the clerks of a unit that has not submitted get a
   * notice (DEADLINE); 30 when absent, 0 for none.
   */
  deadlineNoticeMinutes?: number;
  /**
   * A scheduled 催报 (docs/ledger-language.md): at `at` ("HH:mm", Asia/Shanghai) on the period's
   * last day, before the deadline, the units that have not submitted are reminded as by
   * remindMissing (notices and the reminder.issued webhook event), once per period.
   */
  reminder?: { at: string };
  /** Anyone may add rows through the public link of a unit (the survey). */
  public?: boolean;
  /**
   * The field that names a row (a case's number): how a row of this ledger is shown where it is
   * pointed at — a reference without its own `display`, the 来源 of a row a follow-up made.
   */
  display?: string;
  fields: FieldDefinition[];
  rules?: RuleDefinition[];
  measures?: MeasureDefinition[];
  dimensions?: DimensionDefinition[];
  followUps?: FollowUpDefinition[];
  tracking?: TrackingDefinition;
  /** false: the statistics dashboard leaves the ledger out unless a viewer chooses it (docs/dashboards.md). */
  dashboard?: boolean;
  /** Rows the ledger starts with when first published (the task ledger's eight tasks), per unit code. */
  seedRows?: { unit: string; values: Record<string, unknown> }[];
}
