import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelOf } from '../definition/ledger-model';
import type { LedgerDefinition } from '../definition/types';
import { validateRow } from './validate-row';

const load = (key: string) =>
  JSON.parse(fs.readFileSync(path.resolve(__dirname, `../../../../schemas/${key}.json`), 'utf8')) as LedgerDefinition;
const daily = modelOf(load('daily_followup'));
const cases = modelOf(load('window_case'));

const messages = (problems: { field: string; message: { en: string } }[]) =>
  problems.map((p) => `${p.field}: ${p.message.en}`);

describe('validateRow on the daily follow-up report', () => {
  it('computes the follow-up rate and accepts a good row', () => {
    const row = validateRow(
      daily,
      { report_date: '2023-03-01', cases: 8, follow_ups: 6, dissatisfied: 1 },
      { input: 'json', applyDefaults: true },
    );
    expect(row.errors).toEqual([]);
    expect(row.values).toMatchObject({ follow_up_rate: 0.75, qr_good_reviews: 0 });
    // 应访尽访: fewer follow-ups than cases is allowed, with a warning
    expect(row.warnings.map((w) => w.rule)).toHaveLength(1);
  });

  it('refuses more follow-ups than cases, naming the field and the reason in Chinese', () => {
    const row = validateRow(
      daily,
      { report_date: '2023-03-01', cases: 2, follow_ups: 3, dissatisfied: 0 },
      { input: 'json' },
    );
    expect(row.errors).toEqual([
      {
        field: 'follow_ups',
        rule: expect.any(String),
        message: expect.objectContaining({ 'zh-CN': '当日回访量不能大于当日办件量' }),
      },
    ]);
  });

  it('reports every problem of a row at once and keeps the valid values', () => {
    const row = validateRow(
      daily,
      { report_date: '2023-02-30', cases: -1, follow_ups: 'many', extra: 1 },
      { input: 'json' },
    );
    expect(messages(row.errors).sort()).toEqual(
      [
        'extra: Unknown field "extra"',
        'report_date: "2023-02-30" is not a valid date (YYYY-MM-DD)',
        'cases: Must be at least 0',
        'follow_ups: Must be a whole number',
      ].sort(),
    );
    expect(row.values.cases).toBe(-1);
  });

  it('reads pasted text: Chinese dates and thousands separators', () => {
    const row = validateRow(
      daily,
      { report_date: '2023年3月2日', cases: '1,200', follow_ups: '1200', dissatisfied: '0' },
      { input: 'text' },
    );
    expect(row.errors).toEqual([]);
    expect(row.values).toMatchObject({ report_date: '2023-03-02', cases: 1200, follow_up_rate: 1 });
  });

  it('ignores a computed value sent by the caller', () => {
    const row = validateRow(
      daily,
      { report_date: '2023-03-01', cases: 4, follow_ups: 1, dissatisfied: 0, follow_up_rate: 9 },
      { input: 'json' },
    );
    expect(row.values.follow_up_rate).toBe(0.25);
  });
});

describe('validateRow on the window case ledger', () => {
  const base = {
    case_no: 'HJ-001',
    accepted_at: '2023-03-01T09:00:00+08:00',
    service_item: '营业执照',
    applicant: '张三',
  };

  it('needs the completion time once a case is 办结', () => {
    const row = validateRow(cases, { ...base, status: '办结' }, { input: 'json' });
    expect(row.errors.map((e) => e.field)).toEqual(['completed_at']);
  });

  it('computes the two-hour follow-up rule from the seed', () => {
    const within = validateRow(
      cases,
      { ...base, status: '办结', completed_at: '2023-03-01T10:00:00+08:00', visited_at: '2023-03-01T11:30:00+08:00' },
      { input: 'json' },
    );
    expect(within.values.visited_within_2h).toBe(true);
    const late = validateRow(
      cases,
      { ...base, status: '办结', completed_at: '2023-03-01T10:00:00+08:00', visited_at: '2023-03-01T12:30:00+08:00' },
      { input: 'json' },
    );
    expect(late.values.visited_within_2h).toBe(false);
    expect(late.errors).toEqual([]);
    expect(late.warnings).toHaveLength(1);
  });
});

describe('validateRow and read-only fields', () => {
  it('keeps the value of a read-only field it is given (an update merges the stored row)', () => {
    const model = modelOf({
      key: 'probe',
      title: '探针',
      fields: [
        { key: 'code', title: '编号', type: 'text', readOnly: true },
        { key: 'n', title: '数', type: 'integer' },
      ],
    });
    expect(validateRow(model, { code: 'A-1', n: 2 }, { input: 'json' }).values).toEqual({ code: 'A-1', n: 2 });
  });
});

describe('validateRow and the chosen period', () => {
  const row = { report_date: '2023-03-02', cases: 8, follow_ups: 8, dissatisfied: 0 };
  it('marks a period date outside the sheet, as the grid shows it while typing', () => {
    expect(messages(validateRow(daily, row, { input: 'json', period: '2023-03-01' }).errors)).toEqual([
      'report_date: The date is not in the chosen period 2023-03-01',
    ]);
    expect(validateRow(daily, row, { input: 'json', period: '2023-03-02' }).errors).toEqual([]);
    expect(
      validateRow(daily, { ...row, report_date: '2023/3/2' }, { input: 'text', period: '2023-03-02' }).errors,
    ).toEqual([]);
  });

  it('says nothing of the period without one, or without a date (required says that)', () => {
    expect(validateRow(daily, row, { input: 'json' }).errors).toEqual([]);
    const dateless = messages(validateRow(daily, { cases: 1 }, { input: 'json', period: '2023-03-01' }).errors);
    expect(dateless).toContain('report_date: "Date" is required');
    expect(dateless.filter((m) => m.includes('period'))).toEqual([]);
  });
});

describe('validateRow with rules across periods', () => {
  const monthly = modelOf({
    key: 'monthly_cases',
    title: '月报',
    period: 'monthly',
    periodField: 'month_day',
    fields: [
      { key: 'month_day', title: '日期', type: 'date', required: true },
      { key: 'cumulative_cases', title: '累计案件', type: 'integer' },
      { key: 'cases', title: '本月案件', type: 'integer' },
    ],
    rules: [
      {
        key: 'never_less',
        level: 'error',
        check: 'isblank(previous(cumulative_cases)) or cumulative_cases >= previous(cumulative_cases)',
        message: { zh: '本月累计不能小于上月累计', en: 'The running total cannot fall below last month’s' },
        fields: ['cumulative_cases'],
      },
      { key: 'year_cap', level: 'warning', check: 'cumulative(cases) <= 100', message: '全年案件超过 100 件' },
      { key: 'plain', level: 'error', check: 'cases >= 0', message: '案件数不能为负' },
    ],
  });
  const row = { month_day: '2026-03-01', cumulative_cases: 8, cases: 30 };

  it('knows which fields the rules ask of other periods', () => {
    expect(monthly.crossPeriod).toEqual({ previous: ['cumulative_cases'], cumulative: ['cases'] });
    expect(monthly.rules.map((r) => r.crossPeriod)).toEqual([true, true, false]);
    expect(daily.crossPeriod).toEqual({ previous: [], cumulative: [] });
  });

  it('refuses a running total below the previous period, on the rule’s field', () => {
    const checked = validateRow(monthly, row, {
      input: 'json',
      crossPeriod: { previous: { cumulative_cases: 10 }, cumulative: { cases: 20 } },
    });
    expect(checked.errors).toEqual([
      {
        field: 'cumulative_cases',
        rule: 'never_less',
        message: expect.objectContaining({ 'zh-CN': '本月累计不能小于上月累计' }),
      },
    ]);
    expect(checked.warnings).toEqual([]);
  });

  it('counts the row itself with its value for cumulative()', () => {
    const checked = validateRow(monthly, row, {
      input: 'json',
      crossPeriod: { previous: {}, cumulative: { cases: 71 } },
    });
    expect(checked.errors).toEqual([]);
    expect(checked.warnings.map((w) => w.rule)).toEqual(['year_cap']);
  });

  it('skips those rules, neither passed nor failed, without the values of other periods (the grid as you type)', () => {
    const checked = validateRow(monthly, { ...row, cumulative_cases: -1, cases: 500 }, { input: 'json' });
    // not "never_less", whose isblank() would let it pass, and not "year_cap", which would fail on 500 alone
    expect(checked.warnings).toEqual([]);
    expect(checked.errors).toEqual([]);
    expect(validateRow(monthly, { ...row, cases: -1 }, { input: 'json' }).errors.map((e) => e.rule)).toEqual(['plain']);
  });
});
