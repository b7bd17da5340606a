import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './api-harness';

/**
 * Rules across periods (issue 24, docs/ledger-language.md "Rules across periods"): previous()
 * and cumulative() judged on save against the unit's other sheets, on real PostgreSQL.
 */
const SAVE = `mutation ($ledger: String!, $changes: [RowChangeInput!]!) {
  saveRows(ledger: $ledger, changes: $changes) {
    saved rejected results { index status errors { path message } warnings { path message } row { id version values } } } }`;
const PUBLISH = 'mutation ($d: JSON!) { publishLedger(definition: $d) { key version } }';

type Row = { id: string; version: number; values: Record<string, unknown> };
type Problem = { path: string; message: string };
type Result = { index: number; status: string; errors: Problem[] | null; warnings: Problem[] | null; row: Row | null };

const MONTHLY = {
  key: 'xp_monthly',
  title: { zh: '月度累计台账', en: 'Monthly running totals' },
  period: 'monthly',
  periodField: 'month_of',
  fields: [
    { key: 'month_of', title: { zh: '月份', en: 'Month' }, type: 'date', required: true, unique: true },
    { key: 'cumulative_cases', title: { zh: '累计案件', en: 'Cases so far' }, type: 'integer', required: true },
    { key: 'note', title: { zh: '说明', en: 'Note' }, type: 'text' },
  ],
  rules: [
    {
      key: 'never_less',
      level: 'error',
      check: 'isblank(previous(cumulative_cases)) or cumulative_cases >= previous(cumulative_cases)',
      message: { zh: '本月累计不能小于上月累计', en: 'The running total cannot be smaller than last month’s' },
      fields: ['cumulative_cases'],
    },
    {
      key: 'note_repeated',
      level: 'warning',
      check: 'isblank(note) or isblank(previous(note)) or note != previous(note)',
      message: { zh: '说明与上月相同', en: 'The note is last month’s' },
      fields: ['note'],
    },
  ],
};

const DAILY = {
  key: 'xp_daily',
  title: { zh: '每日办件', en: 'Daily cases' },
  period: 'daily',
  periodField: 'day',
  fields: [
    { key: 'day', title: { zh: '日期', en: 'Day' }, type: 'date', required: true, unique: true },
    { key: 'cases', title: { zh: '办件量', en: 'Cases' }, type: 'integer', required: true, min: 0 },
  ],
  rules: [
    {
      key: 'year_cap',
      level: 'error',
      check: 'cumulative(cases) <= 100',
      message: { zh: '全年累计办件不能超过 100 件', en: 'No more than 100 cases in a year' },
      fields: ['cases'],
    },
  ],
};

/** A ledger without a period whose rows make xp_daily rows (a follow-up): those are judged by its rule too. */
const SOURCE = {
  key: 'xp_source',
  title: { zh: '来源台账', en: 'Source' },
  fields: [
    { key: 'on_day', title: { zh: '日期', en: 'Day' }, type: 'date', required: true },
    { key: 'n', title: { zh: '数量', en: 'Number' }, type: 'integer', required: true },
  ],
  followUps: [{ key: 'count_it', when: 'n > 0', ledger: 'xp_daily', values: { day: 'on_day', cases: 'n' } }],
};

let t: TestApi;
let clerk01: string;
let clerk02: string;

const save = async (ledger: string, changes: unknown[], token: string, language?: string) => {
  const answer = await t.gql<{ saveRows: { saved: number; rejected: number; results: Result[] } }>(
    SAVE,
    { ledger, changes },
    { token, language },
  );
  expect(answer.errors).toBeUndefined();
  return answer.data!.saveRows;
};
const month = (date: string, total: number, note?: string) => ({
  op: 'INSERT',
  values: { month_of: date, cumulative_cases: total, ...(note ? { note } : {}) },
});
const day = (date: string, cases: number) => ({ op: 'INSERT', values: { day: date, cases } });
const statuses = (results: Result[]) => results.map((r) => r.status);
const NEVER_LESS = [{ path: 'cumulative_cases', message: '本月累计不能小于上月累计' }];
const YEAR_CAP = [{ path: 'cases', message: '全年累计办件不能超过 100 件' }];

beforeAll(async () => {
  t = await startTestApi();
  const admin = await t.signIn('admin');
  for (const d of [MONTHLY, DAILY, SOURCE]) {
    const published = await t.gql(PUBLISH, { d }, { token: admin });
    expect(published.errors).toBeUndefined();
  }
  [clerk01, clerk02] = await Promise.all([t.signIn('clerk01'), t.signIn('clerk02')]);
});
afterAll(() => t?.close());

describe('previous(): a monthly running total never falls', () => {
  let clerk01Months: Record<string, Row> = {};

  it('accepts the first month (nothing before it), refuses a smaller figure on the field and keeps the good rows', async () => {
    const first = await save('xp_monthly', [month('2026-01-15', 10)], clerk01);
    expect(statuses(first.results)).toEqual(['SAVED']);
    const batch = await save('xp_monthly', [month('2026-02-10', 8), month('2026-03-01', 15)], clerk01);
    expect(statuses(batch.results)).toEqual(['REJECTED', 'SAVED']);
    expect(batch.results[0].errors).toEqual(NEVER_LESS);
    clerk01Months = { '01': first.results[0].row!, '03': batch.results[1].row! };
    const stored = await t.db.query(
      `SELECT period, cumulative_cases::int AS n FROM ledger_xp_monthly WHERE deleted_at IS NULL ORDER BY period`,
    );
    expect(stored).toEqual([
      { period: '2026-01', n: 10 },
      { period: '2026-03', n: 15 },
    ]);
  });

  it('says it in English when asked', async () => {
    const answer = await save('xp_monthly', [month('2026-02-10', 9)], clerk01, 'en');
    expect(answer.results[0].errors).toEqual([
      { path: 'cumulative_cases', message: 'The running total cannot be smaller than last month’s' },
    ]);
  });

  it('compares a unit only with its own months', async () => {
    // clerk01's January says 10; xz02 has no January, so its February of 5 is its first figure
    const answer = await save('xp_monthly', [month('2026-02-01', 5)], clerk02);
    expect(statuses(answer.results)).toEqual(['SAVED']);
  });

  it('judges a batch of several months by the batch: a month sees the months saved with it', async () => {
    const answer = await save(
      'xp_monthly',
      [month('2026-04-01', 20), month('2026-05-01', 18), month('2026-06-01', 25)],
      clerk02,
    );
    // May's 18 is below April's 20, which is not stored yet but saved in the same batch
    expect(statuses(answer.results)).toEqual(['SAVED', 'REJECTED', 'SAVED']);
    expect(answer.results[1].errors).toEqual(NEVER_LESS);
  });

  it('compares with a month changed in the same batch by its new figure, not the stored one', async () => {
    const january = clerk01Months['01'];
    const answer = await save(
      'xp_monthly',
      [
        { op: 'UPDATE', id: january.id, version: january.version, values: { cumulative_cases: 3 } },
        month('2026-02-20', 5),
      ],
      clerk01,
    );
    // February's 5 against January's stored 10 would be refused
    expect(statuses(answer.results)).toEqual(['SAVED', 'SAVED']);
  });

  it('does not count a deleted month', async () => {
    const march = clerk01Months['03'];
    const deleted = await save('xp_monthly', [{ op: 'DELETE', id: march.id, version: march.version }], clerk01);
    expect(statuses(deleted.results)).toEqual(['SAVED']);
    // April's 14 is below the deleted March's 15, and March has no other row
    const answer = await save('xp_monthly', [month('2026-04-30', 14)], clerk01);
    expect(statuses(answer.results)).toEqual(['SAVED']);
  });

  it('reads another type as the previous month’s newest row says (a warning here)', async () => {
    const first = await save('xp_monthly', [month('2026-07-01', 30, '正常')], clerk02);
    expect(first.results[0].warnings ?? []).toEqual([]);
    const answer = await save(
      'xp_monthly',
      [month('2026-08-01', 31, '正常'), month('2026-09-01', 32, '正常')],
      clerk02,
    );
    expect(statuses(answer.results)).toEqual(['SAVED', 'SAVED']);
    expect(answer.results.map((r) => r.warnings)).toEqual([
      [{ path: 'note', message: '说明与上月相同' }],
      [{ path: 'note', message: '说明与上月相同' }],
    ]);
  });
});

describe('previous() over a sheet of several rows', () => {
  it('sums a number field over the previous month’s live rows and takes another type from its newest row', async () => {
    const october = await save(
      'xp_monthly',
      [month('2026-10-01', 40, '甲'), month('2026-10-15', 50, '乙'), month('2026-10-20', 70, '丙')],
      clerk02,
    );
    expect(statuses(october.results)).toEqual(['SAVED', 'SAVED', 'SAVED']);
    const third = october.results[2].row!;
    const deleted = await save('xp_monthly', [{ op: 'DELETE', id: third.id, version: third.version }], clerk02);
    expect(statuses(deleted.results)).toEqual(['SAVED']);
    // October is 40 + 50 = 90 (the deleted 70 not counted), and its newest live row says 乙
    const answer = await save(
      'xp_monthly',
      [month('2026-11-01', 89, '甲'), month('2026-11-02', 90, '乙'), month('2026-11-03', 160, '丙')],
      clerk02,
    );
    expect(statuses(answer.results)).toEqual(['REJECTED', 'SAVED', 'SAVED']);
    expect(answer.results[0].errors).toEqual(NEVER_LESS);
    expect(answer.results[1].warnings).toEqual([{ path: 'note', message: '说明与上月相同' }]);
    expect(answer.results[2].warnings ?? []).toEqual([]);
  });
});

describe('cumulative(): at most 100 cases in a year', () => {
  let rows: Record<string, Row> = {};

  it('counts the rows saved with it and refuses the day that passes the cap, naming the field', async () => {
    const answer = await save(
      'xp_daily',
      [day('2026-11-01', 40), day('2026-11-02', 50), day('2026-11-03', 20)],
      clerk01,
    );
    expect(statuses(answer.results)).toEqual(['SAVED', 'SAVED', 'REJECTED']);
    expect(answer.results[2].errors).toEqual(YEAR_CAP);
    rows = { '01': answer.results[0].row!, '02': answer.results[1].row! };
    const english = await save('xp_daily', [day('2026-11-03', 11)], clerk01, 'en');
    expect(english.results[0].errors).toEqual([{ path: 'cases', message: 'No more than 100 cases in a year' }]);
    const exact = await save('xp_daily', [day('2026-11-03', 10)], clerk01);
    expect(statuses(exact.results)).toEqual(['SAVED']);
    rows['03'] = exact.results[0].row!;
  });

  it('counts only the unit’s own rows, of the same year', async () => {
    const last = await save('xp_daily', [day('2025-12-31', 60)], clerk02);
    expect(statuses(last.results)).toEqual(['SAVED']);
    // clerk01's 100 and xz02's 60 of 2025 do not count: 90 + 10 = 100
    const answer = await save('xp_daily', [day('2026-11-01', 90), day('2026-11-02', 10)], clerk02);
    expect(statuses(answer.results)).toEqual(['SAVED', 'SAVED']);
    const over = await save('xp_daily', [day('2026-11-03', 1)], clerk02);
    expect(over.results[0].errors).toEqual(YEAR_CAP);
  });

  it('counts the days up to the row’s own, not those after it', async () => {
    // by 31 October only 5 cases: the 100 of November do not count for it
    const answer = await save('xp_daily', [day('2026-10-31', 5)], clerk01);
    expect(statuses(answer.results)).toEqual(['SAVED']);
  });

  it('counts a changed row with its new value, not also with its stored one', async () => {
    const third = rows['03'];
    // 5 + 40 + 50 + 10 = 105 by 3 November now; lowered to 5 it is 100
    const answer = await save(
      'xp_daily',
      [{ op: 'UPDATE', id: third.id, version: third.version, values: { cases: 5 } }],
      clerk01,
    );
    expect(statuses(answer.results)).toEqual(['SAVED']);
    expect(answer.results[0].row!.values.cases).toBe(5);
  });

  it('does not count deleted rows', async () => {
    const second = rows['02'];
    const deleted = await save('xp_daily', [{ op: 'DELETE', id: second.id, version: second.version }], clerk01);
    expect(statuses(deleted.results)).toEqual(['SAVED']);
    // 5 + 40 + 5 + 50 = 100; the deleted 50 would make it 150
    const answer = await save('xp_daily', [day('2026-11-04', 50)], clerk01);
    expect(statuses(answer.results)).toEqual(['SAVED']);
  });
});

describe('cumulative() on the rows a follow-up makes', () => {
  it('judges them as a batch of the target ledger: refused, the source row saved with a warning', async () => {
    const clerk03 = await t.signIn('clerk03');
    const source = (on_day: string, n: number) => ({ op: 'INSERT', values: { on_day, n } });
    const answer = await save('xp_source', [source('2026-11-01', 60), source('2026-11-02', 50)], clerk03);
    expect(statuses(answer.results)).toEqual(['SAVED', 'SAVED']);
    expect(answer.results[0].warnings).toEqual([{ path: '', message: '已自动生成「每日办件」记录' }]);
    // 60 + 50 > 100: the second day's row is not made
    expect(answer.results[1].warnings).toEqual([
      { path: '', message: '未能自动生成「每日办件」记录：cases 全年累计办件不能超过 100 件' },
    ]);
    const made = await t.db.query(
      `SELECT d.day::text AS day, d.cases::int AS cases FROM ledger_xp_daily d JOIN units u ON u.id = d.unit_id
       WHERE u.code = 'xz03' ORDER BY d.day`,
    );
    expect(made).toEqual([{ day: '2026-11-01', cases: 60 }]);
  });
});
