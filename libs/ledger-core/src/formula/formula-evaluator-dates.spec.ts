import { describe, expect, it } from 'vitest';
import type { FieldType } from '../field-types/registry';
import { compileFormula, type FormulaValue } from './index';

// Dates, datetimes and times in formulas; the rest of the evaluator is in formula-evaluator.spec.ts.
const types: Record<string, FieldType> = {
  promised_days: 'integer',
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

describe('dates and times', () => {
  const visit = { completed_at: '2023-03-01T10:00:00+08:00', visited_at: '2023-03-01T11:30:00+08:00' };

  it('measures hours between two datetimes, fractionally', () => {
    expect(run('hours(completed_at, visited_at)', visit)).toBe(1.5);
    expect(run('hours(visited_at, completed_at)', visit)).toBe(-1.5);
    expect(run('hours(completed_at, visited_at) <= 2', visit)).toBe(true);
  });

  it('measures hours between instants written with different offsets', () => {
    expect(run('hours(completed_at, visited_at)', { ...visit, visited_at: '2023-03-01T03:00:00Z' })).toBe(1);
  });

  it('gives null for the visit check until both times are known', () => {
    const formula = 'if(isblank(visited_at) or isblank(completed_at), null, hours(completed_at, visited_at) <= 2)';
    expect(run(formula, visit)).toBe(true);
    expect(run(formula, { ...visit, visited_at: '2023-03-01T12:30:01+08:00' })).toBe(false);
    expect(run(formula, { completed_at: visit.completed_at })).toBeNull();
    expect(run('hours(completed_at, visited_at)', { completed_at: visit.completed_at })).toBeNull();
  });

  it('measures hours from a date as from its midnight in Shanghai', () => {
    expect(run('hours(deadline, completed_at)', { deadline: '2023-03-01', completed_at: visit.completed_at })).toBe(10);
  });

  it('measures hours between two times of day', () => {
    expect(run('hours(opens, closes)', { opens: '09:00', closes: '17:30' })).toBe(8.5);
    expect(run('opens < closes', { opens: '09:00', closes: '17:30' })).toBe(true);
    expect(run('opens', { opens: '09:05' })).toBe('09:05');
  });

  it('compares a date with a datetime as its midnight in Shanghai', () => {
    expect(run('deadline < completed_at', { deadline: '2023-03-01', completed_at: '2023-03-01T00:30:00+08:00' })).toBe(
      true,
    );
    // 16:00 UTC on the day before is midnight in Shanghai.
    expect(run('deadline = accepted_at', { deadline: '2023-03-01', accepted_at: '2023-02-28T16:00:00Z' })).toBe(true);
    // 23:00 UTC on 28 February is already 07:00 on 1 March in Shanghai.
    expect(run('deadline > accepted_at', { deadline: '2023-03-01', accepted_at: '2023-02-28T23:00:00Z' })).toBe(false);
  });

  it('compares a date field with a "YYYY-MM-DD" string', () => {
    expect(run('deadline = "2023-03-01"', { deadline: '2023-03-01' })).toBe(true);
    expect(run('deadline < "2023-03-10"', { deadline: '2023-03-01' })).toBe(true);
    expect(run('deadline >= "2023-03-02"', { deadline: '2023-03-01' })).toBe(false);
    expect(run('deadline > "not a date"', { deadline: '2023-03-01' })).toBeNull();
  });

  it('counts days between two dates', () => {
    const values = { deadline: '2023-03-01', rectified_on: '2023-03-05' };
    expect(run('days(deadline, rectified_on)', values)).toBe(4);
    expect(run('days(rectified_on, deadline)', values)).toBe(-4);
    expect(run('days("2023-03-01", "2023-03-05")')).toBe(4);
    expect(run('days("2024-02-28", "2024-03-01")')).toBe(2);
    expect(run('days(deadline, rectified_on)', { deadline: '2023-03-01' })).toBeNull();
  });

  it('counts calendar days in Shanghai, not elapsed 24-hour periods', () => {
    const days = (accepted: string, completed: string): FormulaValue =>
      run('days(accepted_at, completed_at)', { accepted_at: accepted, completed_at: completed });
    expect(days('2023-03-01T23:30:00+08:00', '2023-03-02T00:10:00+08:00')).toBe(1);
    expect(days('2023-03-01T00:10:00+08:00', '2023-03-01T23:50:00+08:00')).toBe(0);
    // The same UTC day, but 23:30 and 00:30 on two different days in Shanghai.
    expect(days('2023-03-01T15:30:00Z', '2023-03-01T16:30:00Z')).toBe(1);
  });

  it('checks a promised number of days', () => {
    const formula =
      'if(isblank(completed_at) or isblank(promised_days), null, days(accepted_at, completed_at) <= promised_days)';
    const values = { accepted_at: '2023-03-01T09:00:00+08:00', completed_at: '2023-03-04T18:00:00+08:00' };
    expect(run(formula, { ...values, promised_days: 3 })).toBe(true);
    expect(run(formula, { ...values, promised_days: 2 })).toBe(false);
    expect(run(formula, { accepted_at: values.accepted_at, promised_days: 3 })).toBeNull();
  });

  it('takes today() and now() in Shanghai from env.now', () => {
    const lateUtc = new Date('2023-03-01T17:00:00Z');
    expect(run('today()', {}, lateUtc)).toBe('2023-03-02');
    expect(run('now()', {}, lateUtc)).toBe('2023-03-02T01:00:00+08:00');
    expect(run('today()', {}, new Date('2023-03-01T15:59:59Z'))).toBe('2023-03-01');
    expect(run('today() = "2023-03-02"', {}, lateUtc)).toBe(true);
  });

  it('uses the clock when env.now is not given', () => {
    expect(run('today()')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(run('days(today(), now())')).toBe(0);
  });

  it('tells whether a rectification is overdue', () => {
    const formula = 'if(isblank(rectified_on), today() > deadline, rectified_on > deadline)';
    // 01:00 on 2 March in Shanghai: the deadline of 1 March has passed.
    expect(run(formula, { deadline: '2023-03-01' }, new Date('2023-03-01T17:00:00Z'))).toBe(true);
    // 23:00 on 1 March in Shanghai: still the deadline day.
    expect(run(formula, { deadline: '2023-03-01' }, new Date('2023-03-01T15:00:00Z'))).toBe(false);
    expect(run(formula, { deadline: '2023-03-01', rectified_on: '2023-02-28' })).toBe(false);
    expect(run(formula, { deadline: '2023-03-01', rectified_on: '2023-03-02' })).toBe(true);
  });

  it('returns dates as "YYYY-MM-DD" and datetimes at +08:00', () => {
    expect(run('deadline', { deadline: '2023-03-01' })).toBe('2023-03-01');
    expect(run('completed_at', { completed_at: '2023-03-01T02:00:00Z' })).toBe('2023-03-01T10:00:00+08:00');
    expect(run('completed_at', { completed_at: '2023-03-01T20:15:30.250-05:00' })).toBe(
      '2023-03-02T09:15:30.250+08:00',
    );
    expect(run('completed_at', { completed_at: new Date('2023-03-01T02:00:00Z') })).toBe('2023-03-01T10:00:00+08:00');
  });

  it('reads a datetime without an offset as Shanghai time', () => {
    expect(run('completed_at', { completed_at: '2023-03-01T10:00:00' })).toBe('2023-03-01T10:00:00+08:00');
  });

  it('moves a date by whole calendar days, across month ends, and gives null for a fraction', () => {
    expect(run('adddays(deadline, 5)', { deadline: '2023-02-26' })).toBe('2023-03-03');
    expect(run('adddays(deadline, -1)', { deadline: '2023-03-01' })).toBe('2023-02-28');
    expect(run('adddays(deadline, 1.5)', { deadline: '2023-03-01' })).toBeNull();
    expect(run('adddays(today(), 5)', {}, new Date('2023-03-01T17:00:00Z'))).toBe('2023-03-07');
  });
});
