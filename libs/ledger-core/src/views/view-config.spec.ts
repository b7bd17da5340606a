import { describe, expect, it } from 'vitest';
import { modelOf } from '../definition/ledger-model';
import { checkViewConfig, viewConfigFor } from './view-config';

const model = modelOf({
  key: 'probe',
  title: '台账',
  fields: [
    { key: 'name', title: '名称', type: 'text' },
    { key: 'amount', title: '金额', type: 'integer' },
    { key: 'day', title: '日期', type: 'date' },
  ],
});

describe('a view config checked against the ledger', () => {
  it('accepts a whole config and fills in what it leaves out', () => {
    const { config, problems } = checkViewConfig(model, {
      filter: { amount: { gte: 3 } },
      orderBy: [{ field: 'day', desc: true }],
      hidden: ['name'],
      rowHeight: 40,
    });
    expect(problems).toEqual([]);
    expect(config).toEqual({
      filter: { amount: { gte: 3 } },
      orderBy: [{ field: 'day', desc: true }],
      hidden: ['name'],
      order: [],
      frozen: 1,
      rowHeight: 40,
    });
  });

  it('names unknown keys, unknown and repeated columns, and sizes out of bounds', () => {
    const { config, problems } = checkViewConfig(model, {
      colour: 'red',
      hidden: ['name', 'ghost'],
      order: ['day', 'day'],
      frozen: 11,
      rowHeight: 5,
      orderBy: [{ field: 'day', up: true }],
    });
    expect(config).toBeNull();
    expect(problems.map((p) => [p.path, p.message['zh-CN']])).toEqual([
      ['/colour', expect.stringContaining('「colour」')],
      ['/orderBy/0', '排序项只有 field 和 desc'],
      ['/hidden/1', '台账没有「ghost」这一列'],
      ['/order/1', '「day」重复'],
      ['/frozen', 'frozen 应为 0 至 10 的整数'],
      ['/rowHeight', 'rowHeight 应为 20 至 200 的整数'],
    ]);
    expect(problems[2].message.en).toBe('The ledger has no column "ghost"');
  });

  it('refuses hiding every column, and a config that is too large', () => {
    expect(checkViewConfig(model, { hidden: ['name', 'amount', 'day'] }).problems[0].path).toBe('/hidden');
    const huge = { filter: { name: { contains: 'x'.repeat(30_000) } } };
    expect(checkViewConfig(model, huge).problems[0].message.en).toMatch(/too large/);
    expect(checkViewConfig(model, [1]).problems[0].path).toBe('');
  });
});

describe('a saved config read under a later definition', () => {
  it('drops the columns, sorts and filters the ledger no longer has', () => {
    expect(
      viewConfigFor(model, {
        filter: { gone: 1, amount: 2 },
        orderBy: [{ field: 'gone' }, { field: 'name', desc: true }],
        hidden: ['gone', 'day'],
        order: ['day', 'gone'],
        frozen: 99,
      }),
    ).toEqual({
      filter: { amount: 2 },
      orderBy: [{ field: 'name', desc: true }],
      hidden: ['day'],
      order: ['day'],
      frozen: 1,
      rowHeight: null,
    });
  });
});
