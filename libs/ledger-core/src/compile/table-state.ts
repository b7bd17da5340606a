import { fieldIdOf } from '../definition/check-definition';
import type { LedgerDefinition } from '../definition/types';
import { specOf, type FieldType } from '../field-types/registry';
import { ledgerDateKey } from '../definition/ledger-date';
import { tableNameOf } from './sql-names';

/** Stands for the quoted column in stored checks; replaced when the SQL is written. */
export const COLUMN_PLACEHOLDER = '⟦column⟧';

/** What the database holds for one field's column besides its type. */
export interface ColumnConstraints {
  /** SQL conditions with COLUMN_PLACEHOLDER for the column, so that a rename leaves them equal. */
  checks: string[];
  unique: boolean;
  /**
   * The ledger's time axis (its period field, or the field of a time dimension): indexed as
   * (column, unit_id) so that a month of every unit is a range scan; and a reference, so that
   * the rows pointing at a row are found by an index (roll-ups, deletes). Optional in stored
   * states from before this existed.
   */
  indexed?: boolean;
  /**
   * The ledger's `display` text, which the reference picker searches by its beginning: indexed
   * as (unit_id, column text_pattern_ops), which a `starts_with` serves under row-level security
   * (its operators are leakproof; LIKE's are not). Optional in stored states from before this.
   */
  prefixSearched?: boolean;
  /**
   * A unit's rows are read in this column's order (the ledger's date, or a field the definition
   * marks `index`): indexed as (unit_id, column, id) over live rows, so that a page of one unit
   * in that order (either direction) is an index scan that stops at its LIMIT, and a unit's count
   * of live rows is an index-only scan. Optional in stored states from before this existed.
   */
  unitOrdered?: boolean;
  /** The referenced ledger table, for a reference field. */
  references: string | null;
  /**
   * The definition version these constraints came with: they bind rows saved under that version
   * or later, so that rows entered under older versions stay as they were.
   */
  since: number;
}

export interface ColumnState {
  fieldId: string;
  column: string;
  type: FieldType;
  constraints: ColumnConstraints;
}

/** A column kept with its data but no longer part of the definition. */
export interface HiddenColumn {
  column: string;
  fieldId: string;
  type: FieldType;
  reason: 'removed' | 'retyped';
  version: number;
}

/** The shape of one ledger table: stored with the ledger, compared with the next definition. */
export interface TableState {
  table: string;
  columns: ColumnState[];
  hidden: HiddenColumn[];
}

/** The table a definition wants (constraints marked as of `version`). */
export function compileLedger(definition: LedgerDefinition, version: number): TableState {
  const table = tableNameOf(definition.key);
  const timeFields = new Set(
    [
      definition.periodField,
      ...(definition.dimensions ?? []).filter((d) => ['day', 'week', 'month'].includes(d.kind)).map((d) => d.field),
    ].filter((key): key is string => Boolean(key)),
  );
  const dateKey = ledgerDateKey(definition);
  return {
    table,
    hidden: [],
    columns: definition.fields.map((field) => {
      const spec = specOf(field);
      const target = spec.target?.(field);
      const column = COLUMN_PLACEHOLDER;
      // computed and derived values are whatever the formula or the other rows give: the
      // database holds no rules over them (a target's new option must not fail its look-ups)
      const checks =
        field.formula || field.lookup || field.rollup
          ? []
          : [...(field.required ? [`${column} IS NOT NULL`] : []), ...spec.checks(field, column)];
      return {
        fieldId: fieldIdOf(field),
        column: field.key,
        type: field.type,
        constraints: {
          checks,
          unique: Boolean(field.unique),
          // a reference is also the way back from its target (roll-ups, deletes, look-ups)
          indexed: timeFields.has(field.key) || Boolean(target),
          references: target ? tableNameOf(target.ledger) : null,
          prefixSearched: field.key === definition.display && spec.sqlType === 'text',
          unitOrdered: field.key === dateKey || (Boolean(field.index) && spec.canBeUnique),
          since: version,
        },
      };
    }),
  };
}

export function sameConstraints(a: ColumnConstraints, b: ColumnConstraints): boolean {
  return (
    sameRules(a, b) &&
    Boolean(a.indexed) === Boolean(b.indexed) &&
    Boolean(a.prefixSearched) === Boolean(b.prefixSearched) &&
    Boolean(a.unitOrdered) === Boolean(b.unitOrdered)
  );
}

/** The same rules (checks, uniqueness, link): what binds rows, as opposed to indexes that only speed reads up. */
export function sameRules(a: ColumnConstraints, b: ColumnConstraints): boolean {
  return a.unique === b.unique && a.references === b.references && a.checks.join('\n') === b.checks.join('\n');
}
