import { describe, expect, it } from 'vitest';
import type { FieldType } from '../field-types/registry';
import {
  FORMULA_FUNCTIONS,
  FUNCTION_HELP,
  formulaCompletions,
  formulaResultKind,
  locateFormulaProblems,
  type FormulaField,
} from './index';

const fields: FormulaField[] = [
  { key: 'applicant', title: { zh: '申请人', en: 'Applicant' }, type: 'text' },
  { key: 'accepted_at', title: '受理时间', type: 'datetime' },
  { key: 'completed_at', title: '办结时间', type: 'datetime' },
  { key: 'fee', title: { zh: '收费金额', en: 'Fee' }, type: 'money' },
  { key: 'due_on', title: '办结期限', type: 'date' },
  { key: 'reasons', title: '原因', type: 'multichoice' },
];
const types = Object.fromEntries(fields.map((f) => [f.key, f.type])) as Record<string, FieldType>;
const inserts = (source: string, cursor = source.length, crossPeriod = false) =>
  formulaCompletions(source, cursor, fields, 'zh-CN', { crossPeriod }).items.map((item) => item.insert);

describe('formulaCompletions', () => {
  it('finds a field by the Chinese of its title and offers its key', () => {
    const answer = formulaCompletions('办结', 2, fields, 'zh-CN');
    expect(answer).toMatchObject({ from: 0, to: 2 });
    // title prefixes (办结时间, 办结期限) in the definition's order
    expect(answer.items.map((i) => i.insert)).toEqual(['completed_at', 'due_on']);
    expect(answer.items[0]).toMatchObject({ kind: 'field', label: '办结时间', detail: 'completed_at · 日期时间' });
  });

  it('puts key prefixes before titles and words inside, and adds the functions a word begins', () => {
    expect(inserts('a')).toEqual(['applicant', 'accepted_at', 'completed_at', 'reasons', 'adddays(', 'abs(', 'and']);
    expect(inserts('days(accepted_at, co')).toEqual(['completed_at', 'coalesce(', 'count(', 'contains(']);
    expect(inserts('fee > 0 and 时间')).toEqual(['accepted_at', 'completed_at']);
    // the English title too
    expect(inserts('if(fe')).toEqual(['fee']);
  });

  it('replaces the whole word under the cursor, and offers everything where a value starts', () => {
    const answer = formulaCompletions('days(acc, x)', 7, fields, 'en');
    expect(answer).toMatchObject({ from: 5, to: 8 });
    expect(answer.items[0]).toMatchObject({ insert: 'accepted_at', label: '受理时间' });
    const all = inserts('fee + ');
    expect(all.slice(0, fields.length)).toEqual(fields.map((f) => f.key));
    expect(all).toContain('round(');
    expect(all).not.toContain('and');
    expect(inserts('')).toEqual(all);
    // where a value has just ended an operator comes next: nothing is offered
    for (const ended of ['not isblank(fee)', 'fee ', 'fee > 10 ', 'applicant = "x"'])
      expect(inserts(ended), ended).toEqual([]);
  });

  it('offers previous() and cumulative() only where they may be used', () => {
    expect(inserts('c')).not.toContain('cumulative(');
    expect(inserts('c', 1, true)).toContain('cumulative(');
  });

  it('offers nothing inside a quoted text or a number', () => {
    expect(inserts('applicant = "申请')).toEqual([]);
    expect(inserts("contains(reasons, 'a")).toEqual([]);
    expect(inserts('fee > 10')).toEqual([]);
    // after the closing quote, it does again
    expect(inserts('applicant = "x" and fe')).toEqual(['fee']);
  });

  it('has words for every function a formula may call', () => {
    for (const name of FORMULA_FUNCTIONS) {
      expect(FUNCTION_HELP[name]?.call.startsWith(`${name}(`), name).toBe(true);
      expect(FUNCTION_HELP[name]?.help['zh-CN'], name).toBeTruthy();
    }
  });
});

describe('formulaResultKind', () => {
  it.each([
    ['fee * 2', 'number'],
    ['hours(accepted_at, completed_at)', 'number'],
    ['hours(accepted_at, completed_at) <= 2', 'boolean'],
    ['isblank(completed_at) or fee > 0', 'boolean'],
    ['applicant + "（代办）"', 'text'],
    ['adddays(due_on, 5)', 'date'],
    ['if(isblank(completed_at), now(), completed_at)', 'datetime'],
    ['if(fee > 0, null, "免费")', 'text'],
    ['coalesce(due_on, today())', 'date'],
    ['reasons', 'list'],
    // arithmetic on dates gives nothing (days() and hours() do)
    ['completed_at - accepted_at', null],
    ['-fee + (1 - 2)', 'number'],
    ['null', null],
    ['fee +', null],
  ] as const)('%s gives %s', (source, kind) => {
    expect(formulaResultKind(source, types)).toBe(kind);
  });
});

describe('locateFormulaProblems', () => {
  it('places a syntax error at its character and an unknown field or function at its name', () => {
    expect(locateFormulaProblems('fee + * 2', types)).toEqual([
      expect.objectContaining({
        from: 6,
        to: 7,
        message: expect.objectContaining({ en: expect.stringMatching(/character 7/) }),
      }),
    ]);
    const problems = locateFormulaProblems('fe + 1 > sum(fee)', types);
    expect(problems.map((p) => [p.from, p.to, p.message['zh-CN']])).toEqual([
      [0, 2, '未知字段「fe」'],
      [9, 12, expect.stringContaining('sum')],
    ]);
  });
});
