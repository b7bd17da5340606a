import { fieldIdOf } from '../definition/check-definition';
import type { LedgerDefinition } from '../definition/types';
import { specOf, type FieldType } from '../field-types/registry';
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
   * (column, unit_id) so that a month of every unit is a range scan. Optional in stored states
   * from before this existed.
   */
  indexed?: boolean;
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
  return {
    table,
    hidden: [],
    columns: definition.fields.map((field) => {
      const spec = specOf(field);
      const target = spec.target?.(field);
      const column = COLUMN_PLACEHOLDER;
      // computed values are whatever the formula gives: the database holds no rules over them
      const checks = field.formula
        ? []
        : [...(field.required ? [`${column} IS NOT NULL`] : []), ...spec.checks(field, column)];
      return {
        fieldId: fieldIdOf(field),
        column: field.key,
        type: field.type,
        constraints: {
          checks,
          unique: Boolean(field.unique),
          indexed: timeFields.has(field.key),
          references: target ? tableNameOf(target.ledger) : null,
          since: version,
        },
      };
    }),
  };
}

export function sameConstraints(a: ColumnConstraints, b: ColumnConstraints): boolean {
  return (
    a.unique === b.unique &&
    Boolean(a.indexed) === Boolean(b.indexed) &&
    a.references === b.references &&
    a.checks.join('\n') === b.checks.join('\n')
  );
}
