import { describe, expect, it } from 'vitest';
import type { LedgerDefinition } from '../definition/types';
import { diffTable, type TableChange } from './diff-table';
import { compileLedger } from './table-state';
import { tableChangeSql } from './table-change-sql';

const v1: LedgerDefinition = {
  key: 'probe',
  title: '探针',
  fields: [
    { key: 'cases', title: '办件量', type: 'integer', required: true, min: 0 },
    { key: 'note', title: '备注', type: 'text' },
    { key: 'amount', title: '金额', type: 'text' },
  ],
};

function next(definition: LedgerDefinition, change: (d: LedgerDefinition) => void): LedgerDefinition {
  const copy = structuredClone(definition);
  change(copy);
  return copy;
}

const kinds = (changes: TableChange[]) => changes.map((c) => c.kind);

describe('diffTable', () => {
  const state1 = compileLedger(v1, 1);

  it('creates the table on the first publish', () => {
    const diff = diffTable(null, state1, 1);
    expect(kinds(diff.changes)).toEqual(['createTable']);
    expect(diff.next).toEqual(state1);
  });

  it('changes nothing when the definition is the same', () => {
    expect(diffTable(state1, compileLedger(v1, 2), 2).changes).toEqual([]);
  });

  it('adds a column for a new field', () => {
    const diff = diffTable(
      state1,
      compileLedger(
        next(v1, (d) => d.fields.push({ key: 'extra', title: '新', type: 'date' })),
        2,
      ),
      2,
    );
    expect(diff.changes).toEqual([
      { kind: 'addColumn', column: expect.objectContaining({ column: 'extra', type: 'date' }) },
      { kind: 'addConstraints', column: expect.objectContaining({ column: 'extra' }) },
    ]);
  });

  it('renames the column of a field that keeps its id and changes its key', () => {
    const renamed = next(v1, (d) => Object.assign(d.fields[1], { id: 'note', key: 'remark' }));
    const diff = diffTable(state1, compileLedger(renamed, 2), 2);
    expect(diff.changes).toEqual([
      { kind: 'renameColumn', fieldId: 'note', from: 'note', to: '_tmp_note' },
      { kind: 'renameColumn', fieldId: 'note', from: '_tmp_note', to: 'remark' },
    ]);
    expect(diff.next.columns.map((c) => c.column)).toEqual(['cases', 'remark', 'amount']);
  });

  it('swaps two keys without a collision', () => {
    const swapped = next(v1, (d) => {
      Object.assign(d.fields[1], { id: 'note', key: 'amount' });
      Object.assign(d.fields[2], { id: 'amount', key: 'note' });
    });
    const diff = diffTable(state1, compileLedger(swapped, 2), 2);
    const renames = diff.changes
      .filter((c) => c.kind === 'renameColumn')
      .map((c) => c.kind === 'renameColumn' && [c.from, c.to]);
    expect(renames).toEqual([
      ['note', '_tmp_note'],
      ['amount', '_tmp_amount'],
      ['_tmp_note', 'amount'],
      ['_tmp_amount', 'note'],
    ]);
  });

  it('retypes by keeping the old column and converting into a new one', () => {
    const retyped = next(v1, (d) => (d.fields[2].type = 'decimal'));
    const diff = diffTable(state1, compileLedger(retyped, 2), 2);
    expect(diff.changes).toContainEqual({
      kind: 'retypeColumn',
      fieldId: 'amount',
      column: 'amount',
      from: 'text',
      to: 'decimal',
      keptAs: '_v2_amount',
    });
    expect(diff.next.hidden).toEqual([
      { column: '_v2_amount', fieldId: 'amount', type: 'text', reason: 'retyped', version: 2 },
    ]);
  });

  it('hides a removed field, and restores its column when the field comes back', () => {
    const removed = next(v1, (d) => d.fields.splice(1, 1));
    const hide = diffTable(state1, compileLedger(removed, 2), 2);
    expect(hide.changes).toContainEqual({
      kind: 'hideColumn',
      fieldId: 'note',
      column: 'note',
      hiddenAs: '_removed_note',
    });
    expect(hide.next.columns.map((c) => c.column)).toEqual(['cases', 'amount']);

    const back = diffTable(hide.next, compileLedger(v1, 3), 3);
    expect(back.changes).toContainEqual({
      kind: 'restoreColumn',
      fieldId: 'note',
      hiddenAs: '_removed_note',
      column: 'note',
    });
    expect(back.next.hidden).toEqual([]);
  });

  it('replaces constraints when limits change, binding only rows saved under the new version', () => {
    const stricter = next(v1, (d) => ((d.fields[0] as { max?: number }).max = 100));
    const diff = diffTable(state1, compileLedger(stricter, 2), 2);
    expect(kinds(diff.changes)).toEqual(['dropConstraints', 'addConstraints']);
    const sql = diff.changes.flatMap((c) => tableChangeSql('ledger_probe', c, () => stricter.fields[0]).statements);
    expect(sql.some((s) => s.includes('CHECK (def_version < 2 OR ("cases" <= 100))'))).toBe(true);
  });

  it('keeps the version of unchanged constraints', () => {
    const added = next(v1, (d) => d.fields.push({ key: 'extra', title: '新', type: 'date' }));
    const diff = diffTable(state1, compileLedger(added, 2), 2);
    expect(diff.next.columns.find((c) => c.column === 'cases')!.constraints.since).toBe(1);
    expect(diff.next.columns.find((c) => c.column === 'extra')!.constraints.since).toBe(2);
  });
});

describe('tableChangeSql', () => {
  it('quotes every identifier and refuses an unsafe one', () => {
    const [create] = tableChangeSql(
      'ledger_probe',
      { kind: 'createTable', table: 'ledger_probe', columns: compileLedger(v1, 1).columns },
      () => v1.fields[0],
    ).statements;
    expect(create).toContain('"cases" bigint');
    expect(() =>
      tableChangeSql(
        'ledger_probe',
        { kind: 'renameColumn', fieldId: 'x', from: 'a', to: 'b"; drop table units; --' },
        () => v1.fields[0],
      ),
    ).toThrow(/unsafe SQL identifier/);
  });
});

describe('read indexes (unit order)', () => {
  const dated: LedgerDefinition = {
    key: 'probe',
    title: '探针',
    fields: [
      { key: 'day', title: '日期', type: 'date', required: true },
      { key: 'cases', title: '办件量', type: 'integer', min: 0 },
      { key: 'status', title: '状态', type: 'text' },
    ],
  };
  const columnOf = (state: ReturnType<typeof compileLedger>, key: string) =>
    state.columns.find((c) => c.column === key)!;

  it("orders a unit's rows by the ledger's date, and by each field marked index, and by nothing else", () => {
    const state = compileLedger(
      next(dated, (d) => Object.assign(d.fields[2], { index: true })),
      1,
    );
    expect(columnOf(state, 'day').constraints.unitOrdered).toBe(true);
    expect(columnOf(state, 'status').constraints.unitOrdered).toBe(true);
    expect(columnOf(state, 'cases').constraints.unitOrdered).toBe(false);
    const sql = tableChangeSql(
      'ledger_probe',
      { kind: 'createTable', table: 'ledger_probe', columns: state.columns },
      () => dated.fields[0],
    ).statements.join('\n');
    expect(sql).toMatch(/ON "ledger_probe" \(unit_id, "day" DESC NULLS LAST, id DESC\) WHERE deleted_at IS NULL/);
    expect(sql).toMatch(/ON "ledger_probe" \(unit_id, "status" DESC NULLS LAST, id DESC\) WHERE deleted_at IS NULL/);
    expect(sql).not.toMatch(/\(unit_id, "cases" DESC/);
  });

  it('adds or drops only the index when only `index` changes: the rules stay bound from their version', () => {
    const state1 = compileLedger(dated, 1);
    const indexed = compileLedger(
      next(dated, (d) => Object.assign(d.fields[1], { index: true })),
      2,
    );
    const diff = diffTable(state1, indexed, 2);
    expect(kinds(diff.changes)).toEqual(['changeIndexes']);
    const cases = columnOf(diff.next, 'cases');
    expect(cases.constraints.unitOrdered).toBe(true);
    // the check of min 0 still binds every row (since 1), not only rows saved under version 2
    expect(cases.constraints.since).toBe(1);
    const sql = tableChangeSql('ledger_probe', diff.changes[0], () => dated.fields[1]).statements;
    // one unit's rows in that order, and every unit's (an admin's grid)
    expect(sql).toEqual([
      expect.stringMatching(/^CREATE INDEX "tzo_\w+" ON "ledger_probe" \(unit_id, "cases" DESC NULLS LAST, id DESC\)/),
      expect.stringMatching(/^CREATE INDEX "tza_\w+" ON "ledger_probe" \("cases" DESC NULLS LAST, id DESC\)/),
    ]);

    const back = diffTable(diff.next, compileLedger(dated, 3), 3);
    expect(kinds(back.changes)).toEqual(['changeIndexes']);
    expect(tableChangeSql('ledger_probe', back.changes[0], () => dated.fields[1]).statements).toEqual([
      expect.stringMatching(/^DROP INDEX IF EXISTS "tzo_\w+"$/),
      expect.stringMatching(/^DROP INDEX IF EXISTS "tza_\w+"$/),
    ]);
  });

  it('gives a table stored before unit order existed its index on the next publish, checks untouched', () => {
    const old = compileLedger(dated, 1);
    for (const column of old.columns) delete column.constraints.unitOrdered;
    const diff = diffTable(old, compileLedger(dated, 2), 2);
    expect(diff.changes).toEqual([expect.objectContaining({ kind: 'changeIndexes', fieldId: 'day' })]);
    expect(columnOf(diff.next, 'day').constraints.since).toBe(1);
  });
});
