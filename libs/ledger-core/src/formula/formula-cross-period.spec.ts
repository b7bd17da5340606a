import { describe, expect, it } from 'vitest';
import type { FieldType } from '../field-types/registry';
import { parseFormula } from './formula-parser';
import { checkFormula, compileFormula, formulaToSql, FormulaSyntaxError } from './index';

const types: Record<string, FieldType> = {
  cumulative_cases: 'integer',
  cases: 'integer',
  amount: 'money',
  status: 'choice',
  report_date: 'date',
};

const english = (source: string, crossPeriod?: boolean) =>
  checkFormula(source, types, { crossPeriod }).map((problem) => problem.en);

describe('previous() and cumulative(): parsing and checking', () => {
  it('parses as calls whose argument is a field', () => {
    expect(parseFormula('previous(cumulative_cases)')).toEqual({
      kind: 'call',
      name: 'previous',
      args: [{ kind: 'field', name: 'cumulative_cases', position: 9 }],
      position: 0,
    });
    expect(parseFormula('CUMULATIVE(cases)')).toMatchObject({ kind: 'call', name: 'cumulative' });
  });

  it('are accepted in a rule of a periodic ledger, over any field for previous() and a summable one for cumulative()', () => {
    expect(
      english('isblank(previous(cumulative_cases)) or cumulative_cases >= previous(cumulative_cases)', true),
    ).toEqual([]);
    expect(english('cumulative(cases) <= 100 and cumulative(amount) < 5000', true)).toEqual([]);
    expect(english('previous(status) = status', true)).toEqual([]);
  });

  it('are refused where no rule of a periodic ledger is checked, naming the function', () => {
    expect(english('cases >= previous(cases)')).toEqual([
      'previous() may only be used in the rules of a periodic ledger with a period field (periodField)',
    ]);
    const [problem] = checkFormula('cumulative(cases) < 10', types);
    expect(problem['zh-CN']).toBe('函数 cumulative 只能用在设有周期字段（periodField）的周期台账的校验规则中');
  });

  it('take a field name, not an expression, not a literal, exactly one', () => {
    expect(english('previous(cases + 1) > 0', true)).toEqual([
      'previous() takes the name of a field of this ledger, not an expression',
    ]);
    expect(english('cumulative(3) > 0', true)).toEqual([
      'cumulative() takes the name of a field of this ledger, not an expression',
    ]);
    expect(english('previous(cases, cases) > 0', true)).toEqual(['previous() takes 1 argument, not 2']);
    expect(english('previous(nope) > 0', true)).toEqual(['Unknown field "nope"']);
    // compileFormula refuses the expression too, so the evaluator never meets one
    expect(() => compileFormula('previous(cases * 2) > 1')).toThrow(FormulaSyntaxError);
  });

  it('refuses cumulative() of a field that does not add up', () => {
    expect(english('cumulative(status) = "A"', true)).toEqual([
      'cumulative() adds up a summable number field; "status" is not one',
    ]);
    expect(english('cumulative(report_date) > 0', true)).toEqual([
      'cumulative() adds up a summable number field; "report_date" is not one',
    ]);
  });

  it('lists the fields they read for the caller to fetch', () => {
    const formula = compileFormula('previous(cases) + previous(cases) < cumulative(amount) or previous(status) = "A"');
    expect(formula.crossPeriod).toEqual({ previous: ['cases', 'status'], cumulative: ['amount'] });
    expect(compileFormula('cases > 1').crossPeriod).toEqual({ previous: [], cumulative: [] });
  });

  it('are refused by formulaToSql: they are not for SQL filters', () => {
    const context = { alias: 't', types, params: [], now: new Date() };
    expect(() => formulaToSql('previous(cases) > 1', context)).toThrow(
      'previous() is only for rules, not for SQL filters',
    );
    expect(() => formulaToSql('cases + cumulative(cases) > 1', context)).toThrow(FormulaSyntaxError);
  });
});

describe('previous() and cumulative(): evaluation', () => {
  const rule = compileFormula('isblank(previous(cumulative_cases)) or cumulative_cases >= previous(cumulative_cases)');
  const env = (values: Record<string, unknown>, previous?: Record<string, unknown>, cumulative = {}) => ({
    values,
    types,
    crossPeriod: previous === undefined ? undefined : { previous, cumulative },
  });

  it('compares with the previous period as the caller gives it', () => {
    expect(rule.evaluate(env({ cumulative_cases: 12 }, { cumulative_cases: 10 }))).toBe(true);
    expect(rule.evaluate(env({ cumulative_cases: 9 }, { cumulative_cases: 10 }))).toBe(false);
    // a number field read from PostgreSQL's numeric comes as text
    expect(rule.evaluate(env({ cumulative_cases: 9 }, { cumulative_cases: '10' }))).toBe(false);
    // no previous sheet: null, so the rule's isblank() lets it pass
    expect(rule.evaluate(env({ cumulative_cases: 1 }, {}))).toBe(true);
  });

  it('reads previous() as the field type says', () => {
    const same = compileFormula('previous(report_date) < report_date');
    expect(same.evaluate(env({ report_date: '2026-03-02' }, { report_date: '2026-03-01' }))).toBe(true);
    expect(compileFormula('previous(report_date)').evaluate(env({}, { report_date: '2026-03-01' }))).toBe('2026-03-01');
  });

  it("adds the row's own value to the other rows' total for cumulative()", () => {
    const total = compileFormula('cumulative(cases)');
    expect(total.evaluate(env({ cases: 7 }, {}, { cases: 90 }))).toBe(97);
    expect(total.evaluate(env({ cases: 7 }, {}, {}))).toBe(7);
    expect(total.evaluate(env({ cases: null }, {}, { cases: '90' }))).toBe(90);
    expect(total.evaluate(env({ cases: null }, {}, { cases: null }))).toBe(null);
    expect(compileFormula('cumulative(amount) <= 100').evaluate(env({ amount: '60.50' }, {}, { amount: '40' }))).toBe(
      false,
    );
  });

  it("are null without the caller's values", () => {
    expect(compileFormula('previous(cases)').evaluate(env({ cases: 1 }))).toBe(null);
    expect(compileFormula('cumulative(cases)').evaluate(env({ cases: 1 }))).toBe(null);
  });
});
