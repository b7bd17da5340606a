import { describe, expect, it } from 'vitest';
import { checkDefinition } from './check-definition';
import { derivedFieldProblemsAcross, isComputedField } from './derived-fields';
import { modelOf } from './ledger-model';
import type { LedgerDefinition } from './types';

const cases: LedgerDefinition = {
  key: 'cases',
  title: '办件',
  fields: [
    { key: 'case_no', title: '编号', type: 'text' },
    { key: 'channel', title: '渠道', type: 'choice', options: [{ value: '窗口' }, { value: '网上' }] },
    {
      key: 'fixes',
      title: '整改数',
      type: 'integer',
      rollup: { ledger: 'fixes', reference: 'case_ref', kind: 'count' },
    },
  ],
};
const fixes: LedgerDefinition = {
  key: 'fixes',
  title: '整改',
  fields: [
    { key: 'case_ref', title: '办件', type: 'reference', ledger: 'cases' },
    {
      key: 'channel',
      title: '渠道',
      type: 'choice',
      options: [{ value: '窗口' }],
      lookup: { reference: 'case_ref', field: 'channel' },
    },
    { key: 'cost', title: '费用', type: 'money' },
  ],
};
const problemsOf = (definition: unknown) => {
  const checked = checkDefinition(definition);
  return checked.ok ? [] : checked.problems.map((p) => `${p.path}: ${p.message['zh-CN']}`);
};

describe('derived fields in a definition', () => {
  it('accepts a look-up through a reference and a counting roll-up, both read-only', () => {
    expect(problemsOf(cases)).toEqual([]);
    expect(problemsOf(fixes)).toEqual([]);
    const model = modelOf(fixes);
    expect(model.editable.map((f) => f.key)).toEqual(['case_ref', 'cost']);
    expect(isComputedField(model.byKey.get('channel')!)).toBe(true);
  });

  it('refuses what a derived field cannot say alone, naming the property', () => {
    expect(
      problemsOf({
        ...fixes,
        fields: [
          ...fixes.fields,
          { key: 'a', title: '甲', type: 'text', required: true, lookup: { reference: 'cost', field: 'x' } },
          { key: 'b', title: '乙', type: 'text', rollup: { ledger: 'x', reference: 'y', kind: 'count' } },
          { key: 'c', title: '丙', type: 'integer', rollup: { ledger: 'x', reference: 'y', kind: 'countWhere' } },
          { key: 'd', title: '丁', type: 'money', rollup: { ledger: 'x', reference: 'y', kind: 'sum' } },
        ],
      }),
    ).toEqual([
      '/fields/3/required: 查找字段的值由其他行得出，不能设置 required',
      '/fields/3/lookup/reference: 「cost」不是本台账的引用字段',
      '/fields/4/type: 计数汇总的字段应为整数类型',
      '/fields/5/rollup/where: countWhere 汇总需要条件（where）',
      '/fields/6/rollup/field: sum 汇总需要字段（field）',
    ]);
  });

  it('checks a look-up and a roll-up against the ledgers they name', () => {
    const ledgers = new Map([
      ['cases', cases],
      ['fixes', fixes],
    ]);
    const across = (definition: LedgerDefinition) =>
      derivedFieldProblemsAcross(definition, (key) => ledgers.get(key)).map((p) => `${p.path}: ${p.message['zh-CN']}`);
    // the look-up lacks the target's option 网上: a value it would have to hold
    expect(across(fixes)).toEqual(['/fields/1/type: 查找字段缺少选项：网上']);
    expect(across(cases)).toEqual([]);
    const summing: LedgerDefinition = {
      ...cases,
      fields: [
        ...cases.fields,
        {
          key: 'spent',
          title: '费用',
          type: 'money',
          rollup: { ledger: 'fixes', reference: 'case_ref', kind: 'sum', field: 'cost' },
        },
        {
          key: 'wrong',
          title: '错',
          type: 'integer',
          rollup: { ledger: 'fixes', reference: 'case_ref', kind: 'max', field: 'cost' },
        },
        {
          key: 'where',
          title: '条件',
          type: 'integer',
          rollup: { ledger: 'fixes', reference: 'case_ref', kind: 'countWhere', where: 'nope > 1' },
        },
      ],
    };
    expect(across(summing)).toEqual([
      '/fields/4/type: 汇总字段的类型应与「cost」相同（money）',
      expect.stringMatching(/^\/fields\/5\/rollup\/where: .*nope/),
    ]);
  });
});

describe('a figure derived from another ledger (derive)', () => {
  const source: LedgerDefinition = {
    key: 'src',
    title: '办件',
    fields: [
      { key: 'done_at', title: '办结时间', type: 'datetime' },
      { key: 'note', title: '备注', type: 'text' },
      { key: 'fee', title: '费用', type: 'money' },
    ],
    measures: [
      { key: 'n', title: '件数', kind: 'count' },
      { key: 'fees', title: '费用', kind: 'sum', field: 'fee' },
      { key: 'rate', title: '率', kind: 'ratio', numerator: 'n', denominator: 'n' },
    ],
  };
  const daily = (fields: LedgerDefinition['fields'], period: LedgerDefinition['period'] = 'daily') => ({
    key: 'daily',
    title: '日报',
    period,
    periodField: 'day',
    fields: [{ key: 'day', title: '日期', type: 'date', required: true }, ...fields],
  });
  const across = (definition: unknown) =>
    derivedFieldProblemsAcross(definition as LedgerDefinition, (key) => (key === 'src' ? source : undefined)).map(
      (p) => `${p.path}: ${p.message['zh-CN']}`,
    );

  it('accepts a count as an integer and a sum of the summed type, over a date or datetime field', () => {
    const good = daily([
      { key: 'n', title: '件数', type: 'integer', derive: { ledger: 'src', measure: 'n', date: 'done_at' } },
      { key: 'fees', title: '费用', type: 'money', derive: { ledger: 'src', measure: 'fees', date: 'done_at' } },
    ]);
    expect(problemsOf(good)).toEqual([]);
    expect(across(good)).toEqual([]);
    expect(isComputedField(modelOf(good as LedgerDefinition).byKey.get('n')!)).toBe(true);
  });

  it('refuses it in a ledger without periods, with a default or required, and over what the source lacks', () => {
    const alone = problemsOf(
      daily(
        [
          {
            key: 'n',
            title: '件数',
            type: 'integer',
            required: true,
            derive: { ledger: 'src', measure: 'n', date: 'done_at' },
          },
        ],
        'none',
      ),
    );
    expect(alone).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/fields\/1\/required: /),
        expect.stringMatching(/^\/fields\/1\/derive: 只有按期填报/),
      ]),
    );
    expect(
      across(
        daily([
          { key: 'a', title: '甲', type: 'integer', derive: { ledger: 'src', measure: 'rate', date: 'done_at' } },
          { key: 'b', title: '乙', type: 'integer', derive: { ledger: 'src', measure: 'none', date: 'done_at' } },
          { key: 'c', title: '丙', type: 'integer', derive: { ledger: 'src', measure: 'n', date: 'note' } },
          { key: 'd', title: '丁', type: 'integer', derive: { ledger: 'src', measure: 'fees', date: 'done_at' } },
          { key: 'e', title: '戊', type: 'money', derive: { ledger: 'src', measure: 'n', date: 'done_at' } },
        ]),
      ),
    ).toEqual([
      '/fields/1/derive/measure: 统计项「rate」是 ratio，只能用 count、countWhere 或 sum',
      '/fields/2/derive/measure: 台账「src」没有统计项「none」',
      '/fields/3/derive/date: 「src.note」不是日期或时间字段',
      '/fields/4/type: 自动得出的合计与「fee」同类型（money）',
      '/fields/5/type: 自动得出的计数应为整数类型',
    ]);
  });
});
