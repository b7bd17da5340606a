import { describe, expect, it } from 'vitest';
import { ledgerDateField, ledgerDaySql } from './ledger-date';
import { modelOf } from './ledger-model';
import type { LedgerDefinition } from './types';

const ledger = (extra: Partial<LedgerDefinition>, fields: LedgerDefinition['fields']): LedgerDefinition => ({
  key: 'probe',
  title: '台账',
  fields,
  ...extra,
});

describe("a ledger's date, one rule for statistics and exports", () => {
  const fields: LedgerDefinition['fields'] = [
    { key: 'name', title: '名称', type: 'text' },
    { key: 'progress_on', title: '进展日期', type: 'date' },
    { key: 'found_at', title: '发现时间', type: 'datetime' },
    { key: 'report_date', title: '报表日期', type: 'date', required: true },
  ];

  it('is the period field first', () => {
    const model = modelOf(ledger({ period: 'daily', periodField: 'report_date' }, fields));
    expect(ledgerDateField(model)?.key).toBe('report_date');
    expect(ledgerDaySql(model, 't')).toBe('t."report_date"');
  });

  it("then the first time dimension's field, a datetime by its Shanghai day", () => {
    const model = modelOf(
      ledger({ dimensions: [{ key: 'm', title: '月', kind: 'month', field: 'found_at' }] }, fields),
    );
    expect(ledgerDateField(model)?.key).toBe('found_at');
    expect(ledgerDaySql(model, 't')).toBe(`(t."found_at" AT TIME ZONE 'Asia/Shanghai')::date`);
  });

  it('then the first date or datetime field', () => {
    expect(ledgerDateField(modelOf(ledger({}, fields)))?.key).toBe('progress_on');
  });

  it('else the day a row was created', () => {
    const model = modelOf(ledger({}, [fields[0]]));
    expect(ledgerDateField(model)).toBeNull();
    expect(ledgerDaySql(model, 't')).toBe(`(t.created_at AT TIME ZONE 'Asia/Shanghai')::date`);
  });
});
