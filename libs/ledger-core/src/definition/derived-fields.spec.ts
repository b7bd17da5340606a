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
