import { removedColumnName, retypedColumnName } from './sql-names';
import { sameConstraints, sameRules, type ColumnState, type HiddenColumn, type TableState } from './table-state';
import type { FieldType } from '../field-types/registry';

export type TableChange =
  | { kind: 'createTable'; table: string; columns: ColumnState[] }
  | { kind: 'addColumn'; column: ColumnState }
  | { kind: 'renameColumn'; fieldId: string; from: string; to: string }
  | { kind: 'retypeColumn'; fieldId: string; column: string; from: FieldType; to: FieldType; keptAs: string }
  | { kind: 'hideColumn'; fieldId: string; column: string; hiddenAs: string }
  | { kind: 'restoreColumn'; fieldId: string; hiddenAs: string; column: string }
  | { kind: 'dropConstraints'; fieldId: string; column: string; previous: ColumnState['constraints'] }
  | { kind: 'addConstraints'; column: ColumnState }
  /** Only read indexes differ (time axis, prefix, unit order): they are made or dropped, the rules stay bound as they were. */
  | {
      kind: 'changeIndexes';
      fieldId: string;
      column: string;
      previous: ColumnState['constraints'];
      next: ColumnState['constraints'];
    };

export interface TableDiff {
  changes: TableChange[];
  /** The state once the changes are applied. */
  next: TableState;
}

/**
 * What it takes to turn the table as it is (`actual`, null if none yet) into the one a new
 * definition wants (`desired`, from compileLedger at `version`). Pure: the ordered changes and
 * the resulting state; tableChangeSql turns changes into SQL. Nothing is ever dropped: removed
 * fields are hidden, retyped ones keep their old column.
 */
/**
 * The columns a diff renames, by field id, each from its first name to its last: a rename may
 * pass through a temporary name (two fields swapping theirs), which is one rename.
 */
export function renamesOf(changes: readonly TableChange[]): Map<string, { from: string; to: string }> {
  const renamed = new Map<string, { from: string; to: string }>();
  for (const change of changes)
    if (change.kind === 'renameColumn')
      renamed.set(change.fieldId, { from: renamed.get(change.fieldId)?.from ?? change.from, to: change.to });
  return renamed;
}

export function diffTable(actual: TableState | null, desired: TableState, version: number): TableDiff {
  if (!actual) {
    return { changes: [{ kind: 'createTable', table: desired.table, columns: desired.columns }], next: desired };
  }
  const changes: TableChange[] = [];
  const hidden: HiddenColumn[] = [...actual.hidden];
  const current = new Map(actual.columns.map((c) => [c.fieldId, c]));
  const wanted = new Set(desired.columns.map((c) => c.fieldId));
  const nextColumns: ColumnState[] = [];

  // 1. hide what the definition no longer has (its constraints go first)
  for (const column of actual.columns) {
    if (wanted.has(column.fieldId)) continue;
    changes.push({
      kind: 'dropConstraints',
      fieldId: column.fieldId,
      column: column.column,
      previous: column.constraints,
    });
    const hiddenAs = removedColumnName(column.fieldId);
    changes.push({ kind: 'hideColumn', fieldId: column.fieldId, column: column.column, hiddenAs });
    hidden.push({ column: hiddenAs, fieldId: column.fieldId, type: column.type, reason: 'removed', version });
  }

  // 2. renames, through temporary names so that swapped keys cannot collide
  const renamed = desired.columns.filter((d) => current.has(d.fieldId) && current.get(d.fieldId)!.column !== d.column);
  for (const d of renamed) {
    changes.push({
      kind: 'renameColumn',
      fieldId: d.fieldId,
      from: current.get(d.fieldId)!.column,
      to: `_tmp_${d.fieldId}`,
    });
  }
  for (const d of renamed)
    changes.push({ kind: 'renameColumn', fieldId: d.fieldId, from: `_tmp_${d.fieldId}`, to: d.column });

  // 3. each wanted column: add, restore, retype, re-constrain
  for (const d of desired.columns) {
    let existing = current.get(d.fieldId);
    if (!existing) {
      const restorable = hidden.findIndex((h) => h.fieldId === d.fieldId && h.reason === 'removed');
      if (restorable >= 0) {
        const [h] = hidden.splice(restorable, 1);
        changes.push({ kind: 'restoreColumn', fieldId: d.fieldId, hiddenAs: h.column, column: d.column });
        existing = {
          fieldId: d.fieldId,
          column: d.column,
          type: h.type,
          constraints: { checks: [], unique: false, references: null, since: version },
        };
      } else {
        changes.push({ kind: 'addColumn', column: d });
        changes.push({ kind: 'addConstraints', column: d });
        nextColumns.push(d);
        continue;
      }
    }
    if (existing.type !== d.type) {
      changes.push({ kind: 'dropConstraints', fieldId: d.fieldId, column: d.column, previous: existing.constraints });
      const keptAs = retypedColumnName(version, d.column);
      changes.push({
        kind: 'retypeColumn',
        fieldId: d.fieldId,
        column: d.column,
        from: existing.type,
        to: d.type,
        keptAs,
      });
      hidden.push({ column: keptAs, fieldId: d.fieldId, type: existing.type, reason: 'retyped', version });
      changes.push({ kind: 'addConstraints', column: d });
      nextColumns.push(d);
    } else if (
      !sameConstraints(existing.constraints, d.constraints) &&
      sameRules(existing.constraints, d.constraints)
    ) {
      const next = {
        ...existing.constraints,
        indexed: d.constraints.indexed,
        prefixSearched: d.constraints.prefixSearched,
        unitOrdered: d.constraints.unitOrdered,
      };
      changes.push({
        kind: 'changeIndexes',
        fieldId: d.fieldId,
        column: d.column,
        previous: existing.constraints,
        next,
      });
      nextColumns.push({ ...d, constraints: next });
    } else if (!sameConstraints(existing.constraints, d.constraints)) {
      changes.push({ kind: 'dropConstraints', fieldId: d.fieldId, column: d.column, previous: existing.constraints });
      changes.push({ kind: 'addConstraints', column: d });
      nextColumns.push(d);
    } else {
      // unchanged constraints keep the version they came with
      nextColumns.push({ ...d, constraints: existing.constraints });
    }
  }
  return { changes, next: { table: actual.table, columns: nextColumns, hidden } };
}
