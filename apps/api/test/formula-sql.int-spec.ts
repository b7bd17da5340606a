import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileFormula, formulaToSql, type FieldType } from '@taizhang/ledger-core';
import { createTestDatabase, type TestDatabase } from '@taizhang/testing';

/**
 * The formulas of countWhere measures run in PostgreSQL; the same formulas run in the grid and
 * the API through the evaluator. Both must agree, row by row, on real data.
 */
const types: Record<string, FieldType> = {
  n: 'integer',
  d: 'decimal',
  s: 'text',
  c: 'choice',
  m: 'multichoice',
  b: 'boolean',
  day: 'date',
  due: 'date',
  at: 'datetime',
  later: 'datetime',
};
const ROWS: Record<string, unknown>[] = [
  {
    n: 5,
    d: 2.5,
    s: '张三',
    c: '办结',
    m: ['A', 'B'],
    b: true,
    day: '2023-03-01',
    due: '2023-03-05',
    at: '2023-03-01T10:00:00+08:00',
    later: '2023-03-01T11:30:00+08:00',
  },
  {
    n: 0,
    d: null,
    s: '',
    c: '受理',
    m: [],
    b: false,
    day: '2023-03-06',
    due: '2023-03-05',
    at: '2023-03-01T23:30:00+08:00',
    later: '2023-03-02T03:00:00+08:00',
  },
  {
    n: null,
    d: -1,
    s: null,
    c: null,
    m: null,
    b: null,
    day: null,
    due: '2023-03-05',
    at: null,
    later: '2023-03-02T00:00:00+08:00',
  },
];
const FORMULAS = [
  'n > 3',
  'n / 0 = 1',
  'd * 2 >= 5',
  'not (n = 5)',
  'n = 5 or isblank(s)',
  'n = 5 and isblank(c)',
  'c = "办结"',
  'c != "办结"',
  'isblank(m)',
  'contains(m, "B")',
  'count(m) >= 2',
  'contains(s, "张")',
  'b = true',
  'day > due',
  'day <= "2023-03-01"',
  'days(day, due) >= 4',
  'hours(at, later) <= 2',
  'later > at',
  'adddays(day, 4) = due',
  'today() > due',
  'if(isblank(day), today() > due, day > due)',
  'coalesce(n, 7) = 7',
  'len(s) = 2',
  'round(d) = 3',
  'abs(d) = 1',
  'max(n, 6) = 6',
  's + "先生" = "张三先生"',
];

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await db.query(
    `CREATE TABLE probe (id int, n bigint, d numeric, s text, c text, m text[], b boolean, day date, due date, at timestamptz, later timestamptz)`,
  );
  for (const [i, r] of ROWS.entries()) {
    await db.query(`INSERT INTO probe VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, [
      i,
      r.n,
      r.d,
      r.s,
      r.c,
      r.m,
      r.b,
      r.day,
      r.due,
      r.at,
      r.later,
    ]);
  }
});
afterAll(() => db?.drop());

describe('formulas in SQL', () => {
  const now = new Date('2023-03-06T02:00:00Z'); // 2023-03-06 in Shanghai
  it.each(FORMULAS)('agrees with the evaluator on %s', async (source) => {
    const params: unknown[] = [];
    const sql = formulaToSql(source, { alias: 't', types, params, now });
    const rows = await db.query<{ id: number; v: boolean | null }>(
      `SELECT t.id, (${sql}) AS v FROM probe t ORDER BY t.id`,
      params,
    );
    const formula = compileFormula(source);
    const expected = ROWS.map((values) => {
      const value = formula.evaluate({ values, types, now });
      return value === null ? null : value;
    });
    expect(rows.map((r) => r.v)).toEqual(expected);
  });
});
