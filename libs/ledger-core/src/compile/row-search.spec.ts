import { describe, expect, it } from 'vitest';
import { modelOf } from '../definition/ledger-model';
import type { LedgerDefinition } from '../definition/types';
import { FIELD_TYPES, fieldTypeOf } from '../field-types/registry';
import { createRowSearchSql, rowSearchConditionSql, rowSearchOf } from './row-search';

const base: LedgerDefinition = {
  key: 'probe',
  title: '探针',
  fields: [
    { key: 'no', title: '编号', type: 'text' },
    { key: 'cases', title: '办件量', type: 'integer' },
    { key: 'day', title: '日期', type: 'date' },
    { key: 'phone', title: '电话', type: 'phone' },
    { key: 'note', title: '备注', type: 'longtext' },
    { key: 'id_no', title: '身份证号', type: 'idcard' },
  ],
};

describe('the search of a ledger', () => {
  it('looks in the fields whose type says searched, never numbers, dates or redacted values', () => {
    const search = rowSearchOf(modelOf(base))!;
    expect(search.table).toBe('ledger_probe__search');
    expect(search.fields).toEqual(['no', 'phone', 'note']);
  });

  it('is no type that redacts what some readers see', () => {
    for (const type of FIELD_TYPES) {
      const spec = fieldTypeOf(type);
      if (spec.searched) expect({ type, redact: typeof spec.redact }).toEqual({ type, redact: 'undefined' });
    }
  });

  it('has none without searched fields, and a new signature when a searched field is renamed', () => {
    expect(rowSearchOf(modelOf({ ...base, fields: [base.fields[1], base.fields[2]] }))).toBeNull();
    const renamed = modelOf({
      ...base,
      fields: base.fields.map((f) => (f.key === 'note' ? { ...f, key: 'remark' } : f)),
    });
    expect(rowSearchOf(renamed)!.signature).not.toBe(rowSearchOf(modelOf(base))!.signature);
  });

  it('reads the units from the settings the policies read, and grants the row role only the search', () => {
    const sql = createRowSearchSql(rowSearchOf(modelOf(base))!).join('\n');
    expect(sql).toContain('taizhang_visible_units()');
    expect(sql).toContain('taizhang_all_units()');
    expect(sql).not.toMatch(/GRANT [A-Z, ]+ ON "ledger_probe__search"/);
    // EXECUTE on its four functions (every match, a count, a page, an estimate), nothing on a table
    expect(sql.match(/GRANT/g)).toHaveLength(4);
    expect(sql.match(/GRANT EXECUTE ON FUNCTION "tz[qnke]_[0-9a-f]{8}"\([a-z, ]+\) TO taizhang_rows/g)).toHaveLength(4);
    expect(rowSearchConditionSql('ledger_probe', '$3')).toMatch(
      /^\(t\.unit_id, t\.id\) IN \(SELECT f\.unit_id, f\.id FROM "tzq_[0-9a-f]{8}"\(\$3\) f\)$/,
    );
  });

  it('never plans a sequential scan over the search table, and builds its GIN index after loading the bodies', () => {
    const sql = createRowSearchSql(rowSearchOf(modelOf(base))!);
    const functions = sql.filter((statement) => /^CREATE OR REPLACE FUNCTION "tz[qnke]_/.test(statement));
    expect(functions).toHaveLength(4);
    for (const f of functions) expect(f).toContain('SET enable_seqscan = off');
    const load = sql.findIndex((statement) => statement.startsWith('INSERT INTO "ledger_probe__search"'));
    const index = sql.findIndex((statement) => statement.startsWith('CREATE INDEX "ledger_probe__search_grams"'));
    expect(load).toBeGreaterThan(0);
    expect(index).toBeGreaterThan(load);
  });
});
