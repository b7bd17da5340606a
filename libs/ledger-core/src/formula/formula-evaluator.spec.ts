import { describe, expect, it } from 'vitest';
import type { FieldType } from '../field-types/registry';
import { compileFormula, type FormulaValue } from './index';

const types: Record<string, FieldType> = {
  cases: 'integer',
  follow_ups: 'integer',
  promised_days: 'integer',
  rate: 'percent',
  name: 'text',
  note: 'longtext',
  phone: 'phone',
  q1: 'choice',
  reasons: 'multichoice',
  done: 'boolean',
  deadline: 'date',
  rectified_on: 'date',
  accepted_at: 'datetime',
  completed_at: 'datetime',
  visited_at: 'datetime',
  opens: 'time',
  closes: 'time',
};

function run(source: string, values: Record<string, unknown> = {}, now?: Date): FormulaValue {
  return compileFormula(source).evaluate({ values, types, now });
}

describe('arithmetic', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 - 4 - 3', 3],
    ['12 / 4 / 3', 1],
    ['7 / 2', 3.5],
    ['-2 * 3', -6],
    ['2 - -3', 5],
    ['-(2 + 3)', -5],
    ['1.5 + 1.5', 3],
  ])('computes %s = %d', (source, expected) => {
    expect(run(source)).toBe(expected);
  });

  it('gives null for a division by zero', () => {
    expect(run('1 / 0')).toBeNull();
    expect(run('0 / 0')).toBeNull();
    expect(run('follow_ups / cases', { follow_ups: 3, cases: 0 })).toBeNull();
  });

  it('gives null for arithmetic with null', () => {
    expect(run('cases + 1')).toBeNull();
    expect(run('null * 2')).toBeNull();
    expect(run('-cases', { cases: null })).toBeNull();
    expect(run('follow_ups / cases', { follow_ups: null, cases: 2 })).toBeNull();
  });

  it('concatenates two strings with + but adds nothing else to a string', () => {
    expect(run('name + "（已办结）"', { name: '张三' })).toBe('张三（已办结）');
    expect(run('"No. " + 5')).toBeNull();
    expect(run('true + 1')).toBeNull();
  });

  it('never gives negative zero', () => {
    expect(Object.is(run('0 * -1'), 0)).toBe(true);
  });

  it('gives null when a result overflows', () => {
    expect(run('cases * cases', { cases: 1e200 })).toBeNull();
  });

  it('computes a follow-up rate only when there are cases', () => {
    const formula = 'if(cases > 0, follow_ups / cases, null)';
    expect(run(formula, { cases: 4, follow_ups: 3 })).toBe(0.75);
    expect(run(formula, { cases: 0, follow_ups: 0 })).toBeNull();
    expect(run(formula, {})).toBeNull();
  });
});

describe('three-valued logic', () => {
  it.each([
    ['null and false', false],
    ['false and null', false],
    ['null and true', null],
    ['true and null', null],
    ['true and true', true],
    ['null or true', true],
    ['true or null', true],
    ['null or false', null],
    ['false or false', false],
    ['not null', null],
    ['not true', false],
    ['not false', true],
    ['null = null', null],
    ['null != 1', null],
    ['1 < null', null],
  ])('gives %s → %j', (source, expected) => {
    expect(run(source)).toBe(expected);
  });

  it('treats a comparison with a missing field as unknown', () => {
    expect(run('cases > 1')).toBeNull();
    expect(run('not (cases > 1)')).toBeNull();
    expect(run('cases > 1 or true')).toBe(true);
    expect(run('cases > 1 and false')).toBe(false);
  });

  it('treats a non-boolean operand of and/or/not as unknown', () => {
    expect(run('1 and true')).toBeNull();
    expect(run('not "yes"')).toBeNull();
  });

  it('does not read the right side when the left side decides', () => {
    const reads: string[] = [];
    const values = {
      get cases(): number {
        reads.push('cases');
        return 1;
      },
    };
    expect(run('false and cases > 0', values)).toBe(false);
    expect(run('true or cases > 0', values)).toBe(true);
    expect(reads).toEqual([]);
  });
});

describe('comparisons', () => {
  it.each([
    ['3 >= 3', true],
    ['3 > 3', false],
    ['2 <> 3', true],
    ['2 != 2', false],
    ['2 = 2.0', true],
    ['"b" > "a"', true],
    ['"a" = "a"', true],
    ['true = true', true],
  ])('gives %s → %j', (source, expected) => {
    expect(run(source)).toBe(expected);
  });

  it('compares choices by exact string equality', () => {
    const formula = 'q1 = "A" or q1 = "B"';
    expect(run(formula, { q1: 'B' })).toBe(true);
    expect(run(formula, { q1: 'C' })).toBe(false);
    expect(run(formula, { q1: 'a' })).toBe(false);
    expect(run(formula, { q1: 'A ' })).toBe(false);
    expect(run(formula, {})).toBeNull();
  });

  it('gives null for values that do not compare', () => {
    expect(run('cases = "3"', { cases: 3 })).toBeNull();
    expect(run('done > 1', { done: true })).toBeNull();
    expect(run('reasons < "A"', { reasons: ['A'] })).toBeNull();
  });

  it('reads a boolean field', () => {
    expect(run('done = true', { done: true })).toBe(true);
    expect(run('not done', { done: false })).toBe(true);
  });
});

describe('functions', () => {
  it('evaluates only the chosen branch of if, and treats a null condition as false', () => {
    const reads: string[] = [];
    const values = {
      get cases(): number {
        reads.push('cases');
        return 2;
      },
      follow_ups: 1,
    };
    expect(run('if(true, follow_ups, cases)', values)).toBe(1);
    expect(run('if(null, cases, follow_ups)', values)).toBe(1);
    expect(run('if(follow_ups > 5, cases, "few")', values)).toBe('few');
    expect(reads).toEqual([]);
    expect(run('if(true, 1, 1 / 0)')).toBe(1);
  });

  it('gives the first non-null argument of coalesce, and reads no further', () => {
    const reads: string[] = [];
    const values = {
      name: '',
      get note(): string {
        reads.push('note');
        return 'x';
      },
    };
    expect(run('coalesce(phone, name, note)', values)).toBe('');
    expect(reads).toEqual([]);
    expect(run('coalesce(phone, cases)')).toBeNull();
    expect(run('coalesce(cases, 0)')).toBe(0);
  });

  it.each([
    [{}, true],
    [{ name: '' }, true],
    [{ name: ' ' }, false],
    [{ name: '王五' }, false],
  ])('isblank(name) with %j gives %j', (values, expected) => {
    expect(run('isblank(name)', values)).toBe(expected);
  });

  it('counts an empty list as blank and zero as not', () => {
    expect(run('isblank(reasons)', { reasons: [] })).toBe(true);
    expect(run('isblank(reasons)', { reasons: ['A'] })).toBe(false);
    expect(run('isblank(cases)', { cases: 0 })).toBe(false);
  });

  it.each([
    ['round(2.5)', 3],
    ['round(-2.5)', -3],
    ['round(2.4)', 2],
    ['round(1.005, 2)', 1.01],
    ['round(0.125, 2)', 0.13],
    ['round(-0.125, 2)', -0.13],
    ['round(1234.5678, -2)', 1200],
    ['round(2 / 3, 3)', 0.667],
    ['round(null)', null],
    ['round(1.5, null)', null],
    ['abs(-3.5)', 3.5],
    ['abs("x")', null],
    ['min(3, null, 1)', 1],
    ['max(3, null, 1)', 3],
    ['min(null, null)', null],
    ['max(1, "a")', null],
    ['max("b", "a")', 'b'],
  ])('gives %s = %j', (source, expected) => {
    expect(run(source)).toBe(expected);
  });

  it('rounds half away from zero without leaving negative zero', () => {
    expect(Object.is(run('round(-0.4)'), 0)).toBe(true);
  });

  it('takes the later of two dates with max', () => {
    expect(run('max(deadline, rectified_on)', { deadline: '2023-03-05', rectified_on: '2023-03-01' })).toBe(
      '2023-03-05',
    );
    expect(run('min(deadline, rectified_on)', { deadline: '2023-03-05' })).toBe('2023-03-05');
  });

  it('counts characters, not UTF-16 units, with len', () => {
    expect(run('len(name)', { name: '台账管理' })).toBe(4);
    expect(run('len("ab😀")')).toBe(3);
    expect(run('len("")')).toBe(0);
    expect(run('len(name)')).toBeNull();
  });

  it('counts the items of a multichoice, and none when it is empty', () => {
    expect(run('count(reasons)', { reasons: ['A', 'H'] })).toBe(2);
    expect(run('count(reasons)', { reasons: [] })).toBe(0);
    expect(run('count(reasons)')).toBe(0);
  });

  it('tells whether a multichoice contains an option', () => {
    expect(run('contains(reasons, "H")', { reasons: ['A', 'H'] })).toBe(true);
    expect(run('contains(reasons, "B")', { reasons: ['A', 'H'] })).toBe(false);
    expect(run('contains(reasons, "h")', { reasons: ['A', 'H'] })).toBe(false);
    expect(run('contains(reasons, "H")')).toBe(false);
    expect(run('contains(reasons, null)', { reasons: ['A'] })).toBeNull();
  });

  it('tells whether a text contains a substring', () => {
    expect(run('contains(note, "超时")', { note: '回访超时两天' })).toBe(true);
    expect(run('contains(note, "超期")', { note: '回访超时两天' })).toBe(false);
    expect(run('contains(phone, 138)', { phone: '13800001111' })).toBe(true);
  });

  it('compares multichoice lists as sets', () => {
    expect(run('reasons = reasons')).toBeNull();
    const values = { reasons: ['A', 'H'] };
    expect(compileFormula('reasons = other').evaluate({ values: { ...values, other: ['H', 'A'] }, types })).toBe(true);
  });

  it('returns a multichoice as a copy of its list', () => {
    const reasons = ['A', 'H'];
    const result = run('coalesce(reasons, null)', { reasons });
    expect(result).toEqual(['A', 'H']);
    expect(result).not.toBe(reasons);
  });
});

describe('bad data', () => {
  it.each([
    ['deadline', { deadline: '2023-02-30' }],
    ['deadline', { deadline: '2023/03/01' }],
    ['deadline', { deadline: 20230301 }],
    ['completed_at', { completed_at: 'yesterday' }],
    ['completed_at', { completed_at: '2023-03-01T25:00:00+08:00' }],
    ['opens', { opens: '9 o’clock' }],
    ['cases', { cases: 'abc' }],
    ['cases', { cases: Number.NaN }],
    ['cases', { cases: Infinity }],
    ['reasons', { reasons: [1, 2] }],
    ['reasons', { reasons: 'A' }],
    ['done', { done: 'yes' }],
    ['name', { name: { text: 'x' } }],
    ['constructor', {}],
    ['toString', {}],
  ])('reads %s as null from %j', (source, values) => {
    expect(run(source, values)).toBeNull();
  });

  it('reads a numeric string as the number (PostgreSQL numeric arrives that way)', () => {
    expect(run('rate * 2', { rate: '0.25' })).toBe(0.5);
  });

  it('never throws on odd values', () => {
    const odd: unknown[] = [null, undefined, '', 'x', 0, -1, NaN, true, [], [null], {}, new Date(NaN), Symbol('s')];
    const formulas = [
      'cases + follow_ups * rate',
      'hours(completed_at, visited_at) <= 2',
      'days(deadline, accepted_at) > cases',
      'contains(reasons, name) or isblank(note)',
      'len(name) + count(reasons) + round(rate, cases)',
      'min(deadline, completed_at, opens) = max(closes, done)',
      'coalesce(q1, phone) = today()',
    ];
    for (const formula of formulas) {
      for (const value of odd) {
        const values = Object.fromEntries(Object.keys(types).map((key) => [key, value]));
        expect(() => run(formula, values)).not.toThrow();
      }
    }
  });
});
