import { describe, expect, it } from 'vitest';
import { modelOf, type LedgerDefinition } from '@taizhang/ledger-core';
import { filterOf, nextSort } from './server-query';

const model = modelOf({
  key: 'demo',
  title: '演示',
  fields: [
    { key: 'day', title: '日期', type: 'date' },
    { key: 'cases', title: '办件量', type: 'integer' },
    { key: 'name', title: '名称', type: 'text' },
  ],
} as LedgerDefinition);

describe('the column menu as a server query', () => {
  it('turns conditions into the API filter, reading arguments like typed text', () => {
    const outcome = filterOf(model, [
      { field: 'day', operation: 'conjunction', conditions: [{ name: 'between', args: ['2023/3/1', '2023-03-31'] }] },
      { field: 'cases', operation: 'conjunction', conditions: [{ name: 'gte', args: ['1,200'] }] },
      {
        field: 'name',
        operation: 'conjunction',
        conditions: [
          { name: 'contains', args: ['张'] },
          { name: 'not_empty', args: [] },
        ],
      },
    ]);
    expect(outcome).toEqual({
      ok: true,
      filter: {
        day: { gte: '2023-03-01', lte: '2023-03-31' },
        cases: { gte: 1200 },
        name: { contains: '张', empty: false },
      },
    });
  });

  it('refuses what SQL filters cannot say, naming it', () => {
    expect(
      filterOf(model, [
        { field: 'name', operation: 'conjunction', conditions: [{ name: 'begins_with', args: ['a'] }] },
      ]),
    ).toEqual({ ok: false, unsupported: 'begins_with' });
    expect(
      filterOf(model, [
        {
          field: 'cases',
          operation: 'disjunction',
          conditions: [
            { name: 'eq', args: ['1'] },
            { name: 'eq', args: ['2'] },
          ],
        },
      ]),
    ).toEqual({ ok: false, unsupported: 'or' });
  });

  it('cycles a header click through ascending, descending and none', () => {
    expect(nextSort([], 'cases')).toEqual([{ field: 'cases', desc: false }]);
    expect(nextSort([{ field: 'cases', desc: false }], 'cases')).toEqual([{ field: 'cases', desc: true }]);
    expect(nextSort([{ field: 'cases', desc: true }], 'cases')).toEqual([]);
    expect(nextSort([{ field: 'cases', desc: true }], 'day')).toEqual([{ field: 'day', desc: false }]);
  });
});
