import { describe, expect, it } from 'vitest';
import { modelOf } from '../definition/ledger-model';
import type { LedgerDefinition } from '../definition/types';
import { createDailySumsSql, dailySumsOf, measureFromSumsSql, sumsColumnsOf } from './daily-sums';

const base: LedgerDefinition = {
  key: 'probe',
  title: '探针',
  fields: [
    { key: 'day', title: '日期', type: 'date' },
    { key: 'cases', title: '办件量', type: 'integer' },
    { key: 'visits', title: '回访量', type: 'integer' },
    { key: 'note', title: '备注', type: 'text' },
  ],
};

const withMeasures = (measures: LedgerDefinition['measures']) => modelOf({ ...base, measures });

describe('daily sums', () => {
  it('are made for sums, counts and ratios of those, with the fields they add up', () => {
    const model = withMeasures([
      { key: 'n', title: '数', kind: 'count' },
      { key: 'v', title: '回访', kind: 'sum', field: 'visits' },
      { key: 'rate', title: '率', kind: 'ratio', numerator: 'v', denominator: 'cases' },
    ]);
    const sums = dailySumsOf(model)!;
    expect(sums.table).toBe('ledger_probe__daily');
    expect(sums.fields).toEqual(['cases', 'visits']);
    const measures = model.definition.measures!;
    expect(measureFromSumsSql(measures[0], measures, sums, 't')).toBe('COALESCE(sum(t.n), 0)');
    expect(measureFromSumsSql(measures[2], measures, sums, 't')).toBe(
      '(sum(t."s_visits"))::numeric / NULLIF(sum(t."s_cases"), 0)',
    );
    // over one row of group sums (no aggregate), and the columns each measure reads
    expect(measureFromSumsSql(measures[2], measures, sums, 'g', true)).toBe(
      '(g."s_visits")::numeric / NULLIF(g."s_cases", 0)',
    );
    expect(measureFromSumsSql(measures[0], measures, sums, 'g', true)).toBe('COALESCE(g.n, 0)');
    expect(measures.map((m) => sumsColumnsOf(m, measures, sums))).toEqual([
      ['n'],
      ['s_visits'],
      ['s_visits', 's_cases'],
    ]);
    const sql = createDailySumsSql(sums).join('\n');
    // one trigger per event, over the transition tables, live rows only
    expect(sql).toMatch(/AFTER INSERT ON "ledger_probe" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT/);
    expect(sql).toMatch(/AFTER UPDATE ON "ledger_probe" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows/);
    expect(sql).toMatch(/AFTER DELETE ON "ledger_probe" REFERENCING OLD TABLE AS old_rows/);
    expect(sql).toContain('WHERE t.deleted_at IS NULL');
  });

  it('are not made when no measure can be answered from them, and a countWhere is not', () => {
    expect(dailySumsOf(modelOf(base))).toBeNull();
    const model = withMeasures([
      { key: 'big', title: '大', kind: 'countWhere', where: 'cases > 2' },
      { key: 'r', title: '率', kind: 'ratio', numerator: 'big', denominator: 'cases' },
    ]);
    expect(dailySumsOf(model)).toBeNull();
  });

  it('change their signature when the date field or a summed column’s type changes, not for a title', () => {
    const measures: LedgerDefinition['measures'] = [{ key: 'c', title: '件', kind: 'sum', field: 'cases' }];
    const signature = dailySumsOf(withMeasures(measures))!.signature;
    expect(dailySumsOf(modelOf({ ...base, title: '改名', measures }))!.signature).toBe(signature);
    const retyped = structuredClone(base);
    retyped.fields[1] = { key: 'cases', title: '办件量', type: 'decimal' };
    expect(dailySumsOf(modelOf({ ...retyped, measures }))!.signature).not.toBe(signature);
    // another date field as the ledger's date
    const twoDates = {
      ...base,
      fields: [...base.fields, { key: 'done', title: '办结日', type: 'date' as const }],
      measures,
    };
    expect(dailySumsOf(modelOf(twoDates))!.signature).toBe(signature);
    expect(dailySumsOf(modelOf({ ...twoDates, periodField: 'done', period: 'daily' }))!.signature).not.toBe(signature);
  });
});
