import { fieldTypeOf, type FieldDefinition } from '../field-types/registry';
import type { TableChange } from './diff-table';
import {
  checkName,
  everyUnitOrderIndexName,
  foreignKeyName,
  prefixIndexName,
  quoteIdent,
  tableNameOf,
  timeIndexName,
  uniqueIndexName,
  unitOrderIndexName,
} from './sql-names';
import { COLUMN_PLACEHOLDER, type ColumnState } from './table-state';

export interface ChangeSql {
  statements: string[];
  /** For a retype: a query giving { unconverted, examples } — the values that did not convert and were kept, and up to five of them as text. */
  report?: string;
}

/** The role the API takes for reading and writing ledger rows, so that row-level security applies. */
export const ROWS_ROLE = 'taizhang_rows';

/**
 * The row-level security rule: the units the API set for the transaction (or all of them).
 * The settings are read in scalar subqueries, which PostgreSQL evaluates once per query
 * rather than once per row.
 */
export const UNIT_VISIBLE =
  '(SELECT taizhang_all_units()) OR unit_id = ANY ((SELECT taizhang_visible_units())::integer[])';

/** A rule of a given version binds rows saved under that version or later (see ColumnConstraints.since). */
function bound(expression: string, since: number): string {
  return since <= 1 ? `(${expression})` : `(def_version < ${since} OR (${expression}))`;
}

/** The indexes that only speed reads up (no rule in them): made and dropped on their own (`changeIndexes`). */
function addIndexes(
  table: string,
  fieldId: string,
  columnName: string,
  constraints: ColumnState['constraints'],
): string[] {
  const t = quoteIdent(table);
  const c = quoteIdent(columnName);
  const statements: string[] = [];
  if (constraints.indexed) {
    statements.push(`CREATE INDEX ${quoteIdent(timeIndexName(table, fieldId))} ON ${t} (${c}, unit_id)`);
  }
  if (constraints.prefixSearched) {
    statements.push(
      `CREATE INDEX ${quoteIdent(prefixIndexName(table, fieldId))} ON ${t} (unit_id, ${c} text_pattern_ops)`,
    );
  }
  if (constraints.unitOrdered) {
    // newest first is the order a unit's rows are read in (DESC NULLS LAST, as orderSql writes
    // it): a forward scan; live rows only, so that a unit's count is an index-only scan
    statements.push(
      `CREATE INDEX ${quoteIdent(unitOrderIndexName(table, fieldId))} ON ${t} (unit_id, ${c} DESC NULLS LAST, id DESC) WHERE deleted_at IS NULL`,
      // and every unit's rows in that order (an admin's grid over every unit, with or without a
      // search): without it the page sorts every live row of the ledger
      `CREATE INDEX ${quoteIdent(everyUnitOrderIndexName(table, fieldId))} ON ${t} (${c} DESC NULLS LAST, id DESC) WHERE deleted_at IS NULL`,
    );
  }
  return statements;
}

function dropIndexes(table: string, fieldId: string, constraints: ColumnState['constraints']): string[] {
  const statements: string[] = [];
  if (constraints.indexed) statements.push(`DROP INDEX IF EXISTS ${quoteIdent(timeIndexName(table, fieldId))}`);
  if (constraints.prefixSearched)
    statements.push(`DROP INDEX IF EXISTS ${quoteIdent(prefixIndexName(table, fieldId))}`);
  if (constraints.unitOrdered)
    statements.push(
      `DROP INDEX IF EXISTS ${quoteIdent(unitOrderIndexName(table, fieldId))}`,
      `DROP INDEX IF EXISTS ${quoteIdent(everyUnitOrderIndexName(table, fieldId))}`,
    );
  return statements;
}

function addConstraints(table: string, column: ColumnState): string[] {
  const t = quoteIdent(table);
  const c = quoteIdent(column.column);
  const { checks, unique, references, since } = column.constraints;
  const statements = checks.map(
    (check, i) =>
      `ALTER TABLE ${t} ADD CONSTRAINT ${quoteIdent(checkName(table, column.fieldId, i))} CHECK ${bound(check.split(COLUMN_PLACEHOLDER).join(c), since)}`,
  );
  if (unique) {
    statements.push(
      `CREATE UNIQUE INDEX ${quoteIdent(uniqueIndexName(table, column.fieldId))} ON ${t} (unit_id, ${c}) ` +
        `WHERE deleted_at IS NULL${since > 1 ? ` AND def_version >= ${since}` : ''}`,
    );
  }
  statements.push(...addIndexes(table, column.fieldId, column.column, column.constraints));
  if (references) {
    // NOT VALID: rows written before the link existed are not re-checked; every new value is
    statements.push(
      `ALTER TABLE ${t} ADD CONSTRAINT ${quoteIdent(foreignKeyName(table, column.fieldId))} ` +
        `FOREIGN KEY (unit_id, ${c}) REFERENCES ${quoteIdent(references)} (unit_id, id) NOT VALID`,
    );
  }
  return statements;
}

function dropConstraints(table: string, fieldId: string, previous: ColumnState['constraints']): string[] {
  const t = quoteIdent(table);
  const statements = previous.checks.map(
    (_, i) => `ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS ${quoteIdent(checkName(table, fieldId, i))}`,
  );
  if (previous.unique) statements.push(`DROP INDEX IF EXISTS ${quoteIdent(uniqueIndexName(table, fieldId))}`);
  statements.push(...dropIndexes(table, fieldId, previous));
  if (previous.references)
    statements.push(`ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS ${quoteIdent(foreignKeyName(table, fieldId))}`);
  return statements;
}

function columnSql(column: ColumnState): string {
  return `${quoteIdent(column.column)} ${fieldTypeOf(column.type).sqlType}`;
}

/** The SQL of one change; `fieldOf(fieldId)` gives the new definition's field, for conversions. */
export function tableChangeSql(
  table: string,
  change: TableChange,
  fieldOf: (fieldId: string) => FieldDefinition,
): ChangeSql {
  const t = quoteIdent(table);
  switch (change.kind) {
    case 'createTable':
      // origin_*: the row whose follow-up made this one (any ledger), and what it said then;
      // created_by/updated_by/deleted_by name users without foreign keys: users are never deleted
      // (only deactivated), and three more key checks per row would halve the speed of a batch
      return {
        statements: [
          `CREATE TABLE ${t} (
  id bigint GENERATED ALWAYS AS IDENTITY,
  unit_id integer NOT NULL REFERENCES units (id),
  period text,
  version integer NOT NULL DEFAULT 1,
  def_version integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by integer,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by integer,
  deleted_at timestamptz,
  deleted_by integer,
  origin_ledger text,
  origin_id bigint,
  origin_label text,
  ${change.columns.map(columnSql).join(',\n  ')},
  PRIMARY KEY (unit_id, id)
)`,
          `CREATE INDEX ${quoteIdent(`${table}_period_idx`)} ON ${t} (unit_id, period, id)`,
          // a unit's live rows in id order (the grid's own order): a far page's boundary id and a
          // unit's count, each an index-only scan (the primary key visits every row for deleted_at)
          `CREATE INDEX ${quoteIdent(`${table}_live_idx`)} ON ${t} (unit_id, id) WHERE deleted_at IS NULL`,
          // every unit's live rows in id order (an admin's grid over every unit): a page that stops
          // at its LIMIT, where the primary key, unit first, would have every live row sorted
          `CREATE INDEX ${quoteIdent(`${table}_all_live_idx`)} ON ${t} (id) WHERE deleted_at IS NULL`,
          // the follow-up rows of a row (its 来源 link, docs/ledger-language.md "References")
          `CREATE INDEX ${quoteIdent(`${table}_origin_idx`)} ON ${t} (unit_id, origin_ledger, origin_id) WHERE origin_id IS NOT NULL`,
          // Defence in depth: whatever a query says, a transaction sees only its own units' rows.
          `ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`,
          `ALTER TABLE ${t} FORCE ROW LEVEL SECURITY`,
          `CREATE POLICY unit_isolation ON ${t} USING (${UNIT_VISIBLE}) WITH CHECK (${UNIT_VISIBLE})`,
          `GRANT SELECT, INSERT, UPDATE ON ${t} TO ${ROWS_ROLE}`,
          ...change.columns.flatMap((column) => addConstraints(table, column)),
        ],
      };
    case 'addColumn':
      return { statements: [`ALTER TABLE ${t} ADD COLUMN ${columnSql(change.column)}`] };
    case 'renameColumn':
      return { statements: [`ALTER TABLE ${t} RENAME COLUMN ${quoteIdent(change.from)} TO ${quoteIdent(change.to)}`] };
    case 'hideColumn':
      return {
        statements: [`ALTER TABLE ${t} RENAME COLUMN ${quoteIdent(change.column)} TO ${quoteIdent(change.hiddenAs)}`],
      };
    case 'restoreColumn':
      return {
        statements: [`ALTER TABLE ${t} RENAME COLUMN ${quoteIdent(change.hiddenAs)} TO ${quoteIdent(change.column)}`],
      };
    case 'retypeColumn': {
      const field = fieldOf(change.fieldId);
      const kept = quoteIdent(change.keptAs);
      const column = quoteIdent(change.column);
      const spec = fieldTypeOf(change.to);
      let converted = spec.convertSql(kept, fieldTypeOf(change.from), field);
      const target = spec.target?.(field);
      if (target) {
        // only ids that are rows of the target ledger in the same unit: the link must hold
        converted = `(SELECT r.id FROM ${quoteIdent(tableNameOf(target.ledger))} r WHERE r.unit_id = ${t}.unit_id AND r.id = ${converted})`;
      }
      return {
        statements: [
          `ALTER TABLE ${t} RENAME COLUMN ${column} TO ${kept}`,
          `ALTER TABLE ${t} ADD COLUMN ${column} ${spec.sqlType}`,
          `UPDATE ${t} SET ${column} = ${converted} WHERE ${kept} IS NOT NULL`,
        ],
        // how many did not convert, and up to five of them as text (a few hundred read, not all)
        report: `SELECT count(*)::int AS unconverted,
                   ARRAY(SELECT DISTINCT e.v FROM (SELECT ${fieldTypeOf(change.from).textSql(kept)} AS v FROM ${t}
                          WHERE ${kept} IS NOT NULL AND ${column} IS NULL LIMIT 200) e ORDER BY e.v LIMIT 5) AS examples
                   FROM ${t} WHERE ${kept} IS NOT NULL AND ${column} IS NULL`,
      };
    }
    case 'dropConstraints':
      return { statements: dropConstraints(table, change.fieldId, change.previous) };
    case 'addConstraints':
      return { statements: addConstraints(table, change.column) };
    case 'changeIndexes': {
      // only the indexes that come or go: the rules and the version they bind from stay
      const { previous, next } = change;
      const gone = {
        ...previous,
        indexed: previous.indexed && !next.indexed,
        prefixSearched: previous.prefixSearched && !next.prefixSearched,
        unitOrdered: previous.unitOrdered && !next.unitOrdered,
      };
      const come = {
        ...next,
        indexed: next.indexed && !previous.indexed,
        prefixSearched: next.prefixSearched && !previous.prefixSearched,
        unitOrdered: next.unitOrdered && !previous.unitOrdered,
      };
      return {
        statements: [
          ...dropIndexes(table, change.fieldId, gone),
          ...addIndexes(table, change.fieldId, change.column, come),
        ],
      };
    }
    default: {
      const unhandled: never = change;
      throw new Error(`unhandled table change ${JSON.stringify(unhandled)}`);
    }
  }
}
