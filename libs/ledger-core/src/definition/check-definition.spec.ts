import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDefinition, formatProblem } from './check-definition';
import type { LedgerDefinition } from './types';

const SCHEMAS = path.resolve(__dirname, '../../../../schemas');
const seedFiles = fs.readdirSync(SCHEMAS).filter((f) => f.endsWith('.json') && f !== 'ledger.schema.json');
const load = (file: string) => JSON.parse(fs.readFileSync(path.join(SCHEMAS, file), 'utf8')) as LedgerDefinition;

const minimal = (): LedgerDefinition => ({
  key: 'probe',
  title: '探针',
  fields: [
    { key: 'a', title: '甲', type: 'integer' },
    { key: 'b', title: '乙', type: 'text' },
  ],
});

function problemsOf(definition: unknown, locale: 'zh-CN' | 'en' = 'en'): string[] {
  const result = checkDefinition(definition);
  return result.ok ? [] : result.problems.map((p) => formatProblem(p, locale));
}

describe('checkDefinition', () => {
  it('has the five seed ledgers to check', () => {
    expect(seedFiles.sort()).toEqual([
      'daily_followup.json',
      'rectification.json',
      'survey.json',
      'task.json',
      'window_case.json',
    ]);
  });

  it.each(seedFiles)('accepts the seed ledger %s', (file) => {
    expect(problemsOf(load(file))).toEqual([]);
  });

  it('takes dashboard: false (left off the dashboard unless chosen) and refuses anything but a yes/no there', () => {
    expect(problemsOf({ ...minimal(), dashboard: false })).toEqual([]);
    const problems = problemsOf({ ...minimal(), dashboard: 'no' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('/dashboard');
  });

  it('accepts a minimal definition', () => {
    expect(problemsOf(minimal())).toEqual([]);
  });

  it('takes `index` on a field whose values fit an index entry, and refuses it on a long text, naming the field', () => {
    const indexed = minimal();
    Object.assign(indexed.fields[1], { index: true });
    expect(problemsOf(indexed)).toEqual([]);
    const long = minimal();
    long.fields[1] = { key: 'b', title: '乙', type: 'longtext', index: true } as LedgerDefinition['fields'][number];
    expect(problemsOf(long)).toEqual(['/fields/1/index: A field of type "Long text" cannot be indexed']);
    expect(problemsOf(long, 'zh-CN')[0]).toContain('不能设索引');
  });

  it.each<[string, (d: LedgerDefinition) => unknown, string[]]>([
    [
      'a misspelt type',
      (d) => (((d.fields[1].type as string) = 'nubmer'), d),
      ['/fields/1/type: unknown type "nubmer"'],
    ],
    ['a missing title', (d) => (delete (d as Partial<LedgerDefinition>).title, d), ['/title: is required']],
    ['no fields', (d) => ((d.fields = []), d), ['/fields: needs at least 1 items']],
    ['an unknown property', (d) => Object.assign(d, { colour: 'red' }), ['/colour: unknown property "colour"']],
    [
      'a hostile key',
      (d) => ((d.key = 'x"; drop table units; --'), d),
      [
        '/key: "x"; drop table units; --" is not a valid identifier: lower-case letters, digits and _, starting with a letter, at most 40 characters',
      ],
    ],
    [
      'a system column as a field key',
      (d) => ((d.fields[0].key = 'unit_id'), d),
      ['/fields/0/key: "unit_id" is a system column name'],
    ],
    ['a duplicate field key', (d) => ((d.fields[1].key = 'a'), d), ['/fields/1/key: The field key "a" appears twice']],
    [
      'a choice without options',
      (d) => ((d.fields[1].type = 'choice'), d),
      ['/fields/1/options: A choice field must list its options'],
    ],
    [
      'min above max',
      (d) => Object.assign(d.fields[0], { min: 10, max: 1 }) && d,
      ['/fields/0/max: max must not be less than min'],
    ],
    [
      'a length limit on a number',
      (d) => Object.assign(d.fields[0], { maxLength: 5 }) && d,
      ['/fields/0/maxLength: A field of type "integer" has no maxLength'],
    ],
    [
      'a formula naming an unknown field',
      (d) => Object.assign(d.fields[0], { formula: 'c + 1' }) && d,
      ['/fields/0/formula: Unknown field "c"'],
    ],
    [
      'formulas that read each other',
      (d) => (
        Object.assign(d.fields[0], { formula: 'b2 + 1' }),
        d.fields.push({ key: 'b2', title: '丙', type: 'integer', formula: 'a * 2' }),
        d
      ),
      ['/fields/0/formula: The formula refers back to itself', '/fields/2/formula: The formula refers back to itself'],
    ],
    [
      'a default of the wrong type',
      (d) => Object.assign(d.fields[0], { default: 'many' }) && d,
      ['/fields/0/default: Must be a whole number'],
    ],
    [
      'a sum over a text field',
      (d) => Object.assign(d, { measures: [{ key: 's', title: '和', kind: 'sum', field: 'b' }] }),
      ['/measures/0/field: A sum needs a numeric field'],
    ],
    [
      'a ratio of a missing measure',
      (d) =>
        Object.assign(d, { measures: [{ key: 'r', title: '率', kind: 'ratio', numerator: 'a', denominator: 'nope' }] }),
      ['/measures/0/denominator: "nope" must be a numeric field or a sum, count or countWhere measure'],
    ],
    [
      'a ratio without a denominator',
      (d) => Object.assign(d, { measures: [{ key: 'r', title: '率', kind: 'ratio', numerator: 'a' }] }),
      ['/measures/0/denominator: is required'],
    ],
    [
      'a deadline without a period',
      (d) => Object.assign(d, { deadline: '17:00' }),
      ['/deadline: Only a daily, weekly or monthly ledger has a deadline'],
    ],
    [
      'a bad deadline',
      (d) => Object.assign(d, { period: 'daily', deadline: '25:00' }),
      ['/deadline: "25:00" has the wrong format'],
    ],
    [
      'a notice before no deadline',
      (d) => Object.assign(d, { period: 'daily', deadlineNoticeMinutes: 60 }),
      ['/deadlineNoticeMinutes: A ledger without a deadline has no notice before it'],
    ],
    [
      'a scheduled reminder without a deadline',
      (d) => Object.assign(d, { period: 'daily', reminder: { at: '16:30' } }),
      ['/reminder: Only a periodic ledger with a deadline can have a scheduled reminder'],
    ],
    [
      'a scheduled reminder at the deadline',
      (d) => Object.assign(d, { period: 'daily', deadline: '17:00', reminder: { at: '17:00' } }),
      ['/reminder/at: The reminder time 17:00 must be before the deadline 17:00'],
    ],
    [
      'a scheduled reminder at no time',
      (d) => Object.assign(d, { period: 'daily', deadline: '17:00', reminder: { at: '4pm' } }),
      ['/reminder/at: "4pm" has the wrong format'],
    ],
    [
      'a rule with a syntax error',
      (d) => Object.assign(d, { rules: [{ key: 'r', level: 'error', check: 'a >', message: '错' }] }),
      ['/rules/0/check: Syntax error'],
    ],
    [
      "a follow-up's anonymous values naming an unknown field",
      (d) =>
        Object.assign(d, {
          followUps: [
            { key: 'f', when: 'a > 1', ledger: 'other', values: { x: 'a' }, fromPublic: { values: { y: 'c' } } },
          ],
        }),
      ['/followUps/0/fromPublic/values/y: Unknown field "c"'],
    ],
    [
      "a follow-up's anonymous part with a misspelt property",
      (d) =>
        Object.assign(d, {
          followUps: [{ key: 'f', when: 'a > 1', ledger: 'other', values: {}, fromPublic: { perhour: 5 } }],
        }),
      ['/followUps/0/fromPublic/perhour: unknown property "perhour"'],
    ],
    [
      'a negative hourly limit of anonymous follow-ups',
      (d) =>
        Object.assign(d, {
          followUps: [{ key: 'f', when: 'a > 1', ledger: 'other', values: {}, fromPublic: { perHour: -1 } }],
        }),
      ['/followUps/0/fromPublic/perHour: '],
    ],
  ])('refuses %s with the exact problem', (_name, breakIt, expected) => {
    const problems = problemsOf(breakIt(minimal()));
    expect(problems).toHaveLength(expected.length);
    expected.forEach((text, i) =>
      expect(problems[i].startsWith(text) || problems[i] === text, `${problems[i]} ≠ ${text}`).toBe(true),
    );
  });

  it('lists every problem at once, in Chinese by default', () => {
    const broken = minimal();
    (broken.fields[0].type as string) = 'nubmer';
    (broken.fields[1] as unknown as Record<string, unknown>).colour = 'red';
    const problems = problemsOf(broken, 'zh-CN');
    expect(problems).toEqual(['/fields/0/type: 未知类型「nubmer」', '/fields/1/colour: 未知属性「colour」']);
  });

  it("lists the shape's problems and the meaning's together: a typo in one field does not hide a formula's unknown field in another", () => {
    const broken = minimal();
    broken.title = '很长的标题'.repeat(401);
    (broken.fields[0] as unknown as Record<string, unknown>).max = 'ten';
    broken.fields.push({ key: 'c', title: '丙', type: 'integer', formula: 'a + missing' } as never);
    broken.rules = [
      { key: 'r1', level: 'fatal', check: 'a > 0', message: '甲须为正' } as never,
      { key: 'r2', level: 'error', check: 'nothing > 0', message: '乙' },
    ];
    broken.measures = [{ key: 'm', title: '合计', kind: 'sum', field: 'b' }];
    const problems = problemsOf(broken);
    expect(problems.slice(0, 3)).toEqual([
      '/title: at most 2000 characters',
      '/fields/0/max: must be a number',
      '/rules/0/level: "fatal" is not allowed (one of: error, warning)',
    ]);
    // the meaning's, on the well-shaped part: the ill-shaped field and rule stand in under their keys
    expect(problems.slice(3).map((p) => p.split(':')[0])).toEqual([
      '/fields/2/formula',
      '/rules/1/check',
      '/measures/0/field',
    ]);
    expect(problems.some((p) => p.startsWith('/rules/0/check'))).toBe(false);
  });

  it('still checks the meaning when a required property is missing or a list is not a list', () => {
    const problems = problemsOf({
      title: '无标识',
      fields: [{ key: 'a', title: '甲', type: 'integer', formula: 'nothing * 2' }],
      rules: 'none',
    });
    expect(problems.map((p) => p.split(':')[0])).toEqual(['/key', '/rules', '/fields/0/formula']);
  });

  it('refuses what is not an object', () => {
    expect(problemsOf('ledger')).toEqual(['/: must be an object']);
    expect(problemsOf(null)).toEqual(['/: must be an object']);
  });
});

describe('checkDefinition and previous()/cumulative()', () => {
  const periodic = (rules: LedgerDefinition['rules'], extra: Partial<LedgerDefinition> = {}): LedgerDefinition => ({
    ...minimal(),
    period: 'monthly',
    periodField: 'day',
    fields: [{ key: 'day', title: '日期', type: 'date', required: true }, ...minimal().fields],
    rules,
    ...extra,
  });
  const rule = (check: string, when?: string) => ({ key: 'r', level: 'error' as const, check, when, message: '不对' });

  it('accepts them in the rules of a periodic ledger with a period field', () => {
    expect(problemsOf(periodic([rule('isblank(previous(a)) or a >= previous(a)', 'cumulative(a) > 0')]))).toEqual([]);
  });

  it('refuses them in a ledger without a period or a period field, naming the rule, in Chinese and English', () => {
    const none = { ...minimal(), rules: [rule('a >= previous(a)')] };
    expect(problemsOf(none)).toEqual([
      '/rules/0/check: previous() may only be used in the rules of a periodic ledger with a period field (periodField)',
    ]);
    expect(problemsOf(none, 'zh-CN')).toEqual([
      '/rules/0/check: 函数 previous 只能用在设有周期字段（periodField）的周期台账的校验规则中',
    ]);
    const noField = periodic([rule('true', 'cumulative(a) > 1')], { periodField: undefined });
    expect(problemsOf(noField)).toEqual([
      '/rules/0/when: cumulative() may only be used in the rules of a periodic ledger with a period field (periodField)',
    ]);
  });

  it('refuses them in formulas of fields and in measures, even in a periodic ledger', () => {
    const definition = periodic([]);
    definition.fields.push({ key: 'c', title: '丙', type: 'integer', formula: 'a - previous(a)' });
    definition.measures = [{ key: 'm', title: '量', kind: 'countWhere', where: 'cumulative(a) > 1' }];
    const problems = problemsOf(definition);
    expect(problems).toContain(
      '/fields/3/formula: previous() may only be used in the rules of a periodic ledger with a period field (periodField)',
    );
    expect(problems.some((p) => p.startsWith('/measures/0/where: cumulative() may only be used'))).toBe(true);
  });

  it('refuses an expression as their argument and cumulative() of a text', () => {
    expect(problemsOf(periodic([rule('previous(a + 1) < a'), { ...rule('cumulative(b) = "x"'), key: 's' }]))).toEqual([
      '/rules/0/check: previous() takes the name of a field of this ledger, not an expression',
      '/rules/1/check: cumulative() adds up a summable number field; "b" is not one',
    ]);
  });
});
