import { describe, expect, it } from 'vitest';
import type { FieldType } from '../field-types/registry';
import { checkFormula, FORMULA_FUNCTIONS } from './index';

const types: Record<string, FieldType> = {
  cases: 'integer',
  follow_ups: 'integer',
  promised_days: 'integer',
  q1: 'choice',
  reasons: 'multichoice',
  deadline: 'date',
  rectified_on: 'date',
  accepted_at: 'datetime',
  completed_at: 'datetime',
  visited_at: 'datetime',
};

const english = (source: string): string[] => checkFormula(source, types).map((problem) => problem.en);

describe('checkFormula', () => {
  it.each([
    'if(cases > 0, follow_ups / cases, null)',
    'if(isblank(visited_at) or isblank(completed_at), null, hours(completed_at, visited_at) <= 2)',
    'if(isblank(completed_at) or isblank(promised_days), null, days(accepted_at, completed_at) <= promised_days)',
    'if(isblank(rectified_on), today() > deadline, rectified_on > deadline)',
    'q1 = "A" or q1 = "B"',
    'contains(reasons, "H")',
    'COALESCE(cases, 0) + Round(follow_ups, 2) + min(cases) + max(1, 2, 3) + abs(-1) + len(q1) + count(reasons)',
    'now() > accepted_at',
  ])('finds nothing wrong with %s', (source) => {
    expect(checkFormula(source, types)).toEqual([]);
  });

  it('names an unknown field in both languages', () => {
    expect(checkFormula('foo > 1', types)).toEqual([{ 'zh-CN': '未知字段「foo」', en: 'Unknown field "foo"' }]);
  });

  it('reports each unknown field once, in order of appearance', () => {
    expect(english('if(foo > 1, bar, foo + cases)')).toEqual(['Unknown field "foo"', 'Unknown field "bar"']);
  });

  it('treats field keys as case-sensitive', () => {
    expect(english('Cases > 1')).toEqual(['Unknown field "Cases"']);
  });

  it('does not take a field from Object.prototype', () => {
    expect(english('constructor = 1')).toEqual(['Unknown field "constructor"']);
  });

  it('names an unknown function in both languages', () => {
    expect(checkFormula('sum(cases)', types)).toEqual([{ 'zh-CN': '未知函数「sum」', en: 'Unknown function "sum"' }]);
  });

  it.each([
    ['if(cases > 0, 1)', 'if() takes 3 arguments, not 2', '函数 if 需要 3 个参数，而不是 2 个'],
    ['isblank()', 'isblank() takes 1 argument, not 0', '函数 isblank 需要 1 个参数，而不是 0 个'],
    ['today(1)', 'today() takes 0 arguments, not 1', '函数 today 需要 0 个参数，而不是 1 个'],
    ['round(1, 2, 3)', 'round() takes 1 to 2 arguments, not 3', '函数 round 需要 1 到 2 个参数，而不是 3 个'],
    ['min()', 'min() takes at least 1 argument, not 0', '函数 min 至少需要 1 个参数，而不是 0 个'],
    ['HOURS(accepted_at)', 'hours() takes 2 arguments, not 1', '函数 hours 需要 2 个参数，而不是 1 个'],
  ])('reports the wrong argument count of %s', (source, en, zh) => {
    expect(checkFormula(source, types)).toEqual([{ 'zh-CN': zh, en }]);
  });

  it('reports every problem at once', () => {
    expect(english('if(foo, sum(bar), round(cases, 1, 2))')).toEqual([
      'Unknown field "foo"',
      'Unknown function "sum"',
      'Unknown field "bar"',
      'round() takes 1 to 2 arguments, not 3',
    ]);
  });

  it('reports a syntax error with its position, and nothing else', () => {
    expect(checkFormula('1 + * foo', types)).toEqual([
      { 'zh-CN': '第 5 个字符处语法错误：此处不应出现「*」', en: 'Syntax error at character 5: unexpected "*"' },
    ]);
  });

  it.each([
    ['x"; drop table t; --', 'Syntax error at character 2: the string has no closing quote'],
    [`"${'a'.repeat(100_000)}"`, 'Syntax error at character 2001: the formula is longer than 2000 characters'],
    [`${'('.repeat(100)}1${')'.repeat(100)}`, 'Syntax error at character 65: nesting is deeper than 64 levels'],
  ])('reports hostile input as a syntax error rather than failing', (source, en) => {
    expect(english(source)).toEqual([en]);
  });
});

describe('FORMULA_FUNCTIONS', () => {
  it('lists every function of the language', () => {
    expect([...FORMULA_FUNCTIONS].sort()).toEqual(
      [
        'abs',
        'adddays',
        'coalesce',
        'contains',
        'count',
        'days',
        'hours',
        'if',
        'isblank',
        'len',
        'max',
        'min',
        'now',
        'round',
        'today',
        'previous',
        'cumulative',
      ].sort(),
    );
  });

  it('accepts each listed function with its smallest argument count', () => {
    const minimal: Record<string, string> = {
      if: 'if(true, 1, 2)',
      coalesce: 'coalesce(1)',
      isblank: 'isblank(1)',
      hours: 'hours(1, 2)',
      days: 'days(1, 2)',
      adddays: 'adddays(1, 2)',
      today: 'today()',
      now: 'now()',
      round: 'round(1)',
      abs: 'abs(1)',
      min: 'min(1)',
      max: 'max(1)',
      len: 'len("a")',
      count: 'count(null)',
      contains: 'contains("a", "a")',
      previous: 'previous(cases)',
      cumulative: 'cumulative(cases)',
    };
    for (const name of FORMULA_FUNCTIONS) expect(checkFormula(minimal[name], types, { crossPeriod: true })).toEqual([]);
  });
});
