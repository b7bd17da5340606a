import { afterAll, beforeAll, expect, it } from 'vitest';
import { postGraphQL } from '@taizhang/testing';
import { startBenchProduct, type BenchProduct } from './bench-product';
import { judge, median, timed, writeResults, type BenchCase } from './bench-results';

/**
 * stats: the statistics query on 1,000,000 daily-report rows across 200 units and five years,
 * through GraphQL over HTTP, against the same SQL written by hand and run with pg.
 *
 * Five years of 200 units' daily reports make 365,200 rows, fewer than a million, when each unit
 * reports once a day; the bench ledger is the daily report without its one-row-per-day rule
 * (about 2.7 rows per unit and day), which changes nothing for the aggregation.
 */
const UNITS = 200;
const ROWS = 1_000_000;
const DAYS = 1826;
/** Runs of each comparison before the measured ones. */
const WARM_UP = 3;

let product: BenchProduct;
const cases: BenchCase[] = [];

beforeAll(async () => {
  product = await startBenchProduct(UNITS);
  const { server, token, pool, unitIds } = product;

  const daily = (
    await postGraphQL<{ ledger: { definition: Record<string, unknown> } }>(
      server.url,
      '{ ledger(key: "daily_followup") { definition } }',
      {},
      { token },
    )
  ).data!.ledger.definition;
  const fields = (daily.fields as Record<string, unknown>[]).map(({ unique: _unique, ...field }) => field);
  const published = await postGraphQL(
    server.url,
    'mutation ($d: JSON!) { publishLedger(definition: $d) { key } }',
    { d: { ...daily, key: 'bench_followup', fields } },
    { token },
  );
  expect(published.errors).toBeUndefined();
  // "before": the same ledger without its daily sums (their trigger function, and with it the
  // triggers, and their table dropped), so that statistics read its rows as before issue 25's sums
  const raw = await postGraphQL(
    server.url,
    'mutation ($d: JSON!) { publishLedger(definition: $d) { key } }',
    { d: { ...daily, key: 'bench_followup_raw', fields } },
    { token },
  );
  expect(raw.errors).toBeUndefined();
  const [{ tgfoid }] = (
    await pool.query(
      `SELECT tgfoid::regproc::text AS tgfoid FROM pg_trigger WHERE tgrelid = 'ledger_bench_followup_raw'::regclass AND tgname LIKE 'tzd\\_%' LIMIT 1`,
    )
  ).rows as { tgfoid: string }[];
  await pool.query(`DROP FUNCTION ${tgfoid}() CASCADE`);
  await pool.query(`DROP TABLE ledger_bench_followup_raw__daily`);

  const started = performance.now();
  await pool.query(
    `INSERT INTO ledger_bench_followup (unit_id, period, def_version, report_date, cases, follow_ups, follow_up_rate, dissatisfied, qr_good_reviews)
     SELECT u, d::text, 1, d, c, f, f::numeric / c, f % 3, c % 7
       FROM generate_series(0, $2 - 1) AS i,
            LATERAL (SELECT ($1::int[])[1 + i % $3] AS u, date '2019-01-01' + ((i / $3) % $4)::int AS d, 5 + (i * 7) % 40 AS c) x,
            LATERAL (SELECT c - (i % 5) AS f) y`,
    [unitIds, ROWS, UNITS, DAYS],
  );
  const generated = performance.now() - started;
  const [{ days }] = (await pool.query(`SELECT count(*)::int AS days FROM ledger_bench_followup__daily`)).rows as {
    days: number;
  }[];
  const copied = performance.now();
  await pool.query(
    `INSERT INTO ledger_bench_followup_raw (unit_id, period, def_version, report_date, cases, follow_ups, follow_up_rate, dissatisfied, qr_good_reviews)
     SELECT unit_id, period, def_version, report_date, cases, follow_ups, follow_up_rate, dissatisfied, qr_good_reviews FROM ledger_bench_followup`,
  );
  console.log(
    `\n1M rows by one INSERT … SELECT with the daily sums' trigger: ${generated.toFixed(0)} ms (${days} unit-days of sums); ` +
      `the same rows copied by one INSERT … SELECT into the same ledger without sums: ${(performance.now() - copied).toFixed(0)} ms`,
  );
  // the DBA's table: the same rows in a plain copy (no row-level security), with the indexes a
  // DBA adds for these reads: a date range of every unit, and a unit's rows by date
  await pool.query(
    `CREATE TABLE dba_bench_followup AS
       SELECT id, unit_id, period, deleted_at, report_date, cases, follow_ups, follow_up_rate, dissatisfied, qr_good_reviews
         FROM ledger_bench_followup`,
  );
  await pool.query(`ALTER TABLE dba_bench_followup ADD PRIMARY KEY (id)`);
  await pool.query(`CREATE INDEX dba_bench_followup_date ON dba_bench_followup (report_date)`);
  await pool.query(
    `CREATE INDEX dba_bench_followup_unit_date ON dba_bench_followup (unit_id, report_date DESC, id DESC)`,
  );
  await pool.query('VACUUM ANALYZE ledger_bench_followup');
  await pool.query('VACUUM ANALYZE dba_bench_followup');
  await pool.query('VACUUM ANALYZE ledger_bench_followup_raw');
  await pool.query('VACUUM ANALYZE ledger_bench_followup__daily');
  // the million rows written out now, not by the checkpointer while the queries are timed
  await pool.query('CHECKPOINT');
}, 600_000);

afterAll(async () => {
  await product?.stop();
  if (cases.length > 0) writeResults('stats', cases);
});

const STATS = `query ($ledger: String!, $groupBy: [String!]!, $from: String, $to: String, $measures: [String!]!) {
  statistics(ledger: $ledger, measures: $measures, groupBy: $groupBy, from: $from, to: $to) {
    rows { keys { value label } values { measure value } } totals { measure value } } }`;
/** The same groups, keys, labels and values column by column (Statistics.keyColumns / valueColumns). */
const STATS_BY_COLUMN = `query ($ledger: String!, $groupBy: [String!]!, $from: String, $to: String, $measures: [String!]!) {
  statistics(ledger: $ledger, measures: $measures, groupBy: $groupBy, from: $from, to: $to) {
    keyColumns { values labels { value label } } valueColumns { measure values } totals { measure value } } }`;

/**
 * EXPLAIN (ANALYZE, BUFFERS) of `sql`, as the owner or as the product's row role (RLS, every unit
 * in scope); `before`: with the policy's functions PARALLEL UNSAFE again, as they were before
 * migration 1765300000200 (inside the transaction, which is rolled back).
 */
async function explain(sql: string, params: unknown[], asRowRole: boolean, before = false): Promise<string[]> {
  const client = await product.pool.connect();
  try {
    await client.query('BEGIN');
    if (before)
      await client.query(
        `ALTER FUNCTION taizhang_all_units() PARALLEL UNSAFE; ALTER FUNCTION taizhang_visible_units() PARALLEL UNSAFE`,
      );
    if (asRowRole)
      await client.query(
        `SELECT set_config('role', 'taizhang_rows', true), set_config('taizhang.all_units', 'on', true)`,
      );
    return (await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params)).rows.map((r) => r['QUERY PLAN'] as string);
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

/**
 * Ours (GraphQL) against the DBA's SQL on the plain copy (`dba_bench_followup`, as the owner), and
 * against the same SQL on our own table (the old baseline), alternating; `sql` is written on our
 * table and read on the copy with the table's name changed.
 */
async function compare(
  metric: string,
  groupBy: string[],
  from: string | null,
  to: string | null,
  sql: string,
  runs: number,
  query = STATS,
  measures = ['cases', 'follow_ups', 'followup_rate'],
): Promise<{ ours: number; baseline: number; own: number; before: number }> {
  const dbaSql = sql.replaceAll('ledger_bench_followup', 'dba_bench_followup');
  const params = from === null ? [] : [from, to];
  const ours: number[] = [];
  const baseline: number[] = [];
  const own: number[] = [];
  const before: number[] = [];
  let rows = 0;
  const answers: Record<string, string> = {};
  const ask = (ledger: string) =>
    timed(async () => {
      const response = await product.api.post<{
        statistics: { rows?: unknown[]; valueColumns?: { values: unknown[] }[] };
      }>(query, { ledger, groupBy, from, to, measures }, product.token);
      expect(response.errors, metric).toBeUndefined();
      const statistics = response.data!.statistics;
      rows = statistics.rows?.length ?? statistics.valueColumns![0].values.length;
      answers[ledger] = JSON.stringify(statistics);
    });
  for (let run = 0; run < runs; run += 1) {
    // ours from the daily sums, and ours from the rows (the same ledger without sums: before)
    ours.push(await ask('bench_followup'));
    before.push(await ask('bench_followup_raw'));
    baseline.push(await timed(() => product.pool.query(dbaSql, params)));
    own.push(await timed(() => product.pool.query(sql, params)));
  }
  // the same answer either way
  expect(answers.bench_followup, metric).toBe(answers.bench_followup_raw);
  const shown = (lines: string[]) =>
    lines.filter((l) => /Scan|Aggregate|Gather|Workers|Filter|Execution/.test(l)).join('\n  ');
  console.log(
    `\n${metric}: ${rows} groups\nthe DBA's SQL on the copy, as the owner:\n  ${shown(await explain(dbaSql, params, false))}` +
      `\nthe SQL on our table as the product's row role (RLS):\n  ${shown(await explain(sql, params, true))}` +
      `\nbefore: the same with the policy's functions PARALLEL UNSAFE:\n  ${shown(await explain(sql, params, true, true))}`,
  );
  // the first runs warm both up (the server's compiled query and JIT, the plan, the caches)
  return {
    ours: median(ours.slice(WARM_UP)),
    baseline: median(baseline.slice(WARM_UP)),
    own: median(own.slice(WARM_UP)),
    before: median(before.slice(WARM_UP)),
  };
}

it('groups a year of 1M rows by unit within 1.3× of the same SQL', async () => {
  const sql = `SELECT t.unit_id, sum(t.cases) AS cases, sum(t.follow_ups) AS follow_ups, sum(t.follow_ups)::numeric / NULLIF(sum(t.cases), 0) AS rate
                 FROM ledger_bench_followup t
                WHERE t.deleted_at IS NULL AND t.report_date >= $1::date AND t.report_date <= $2::date
                GROUP BY GROUPING SETS ((t.unit_id), ()) ORDER BY t.unit_id`;
  const { ours, baseline, own, before } = await compare(
    'by unit, one year',
    ['unit'],
    '2022-01-01',
    '2022-12-31',
    sql,
    WARM_UP + 11,
  );
  cases.push(
    judge(
      'statistics by unit over one year before the daily sums (GraphQL from the rows vs DBA SQL on a plain copy)',
      before,
      baseline,
      '<= 1.3',
    ),
  );
  cases.push(
    judge(
      'statistics by unit over one year, from the daily sums vs from the rows (after ÷ before)',
      ours,
      before,
      '<= 1',
    ),
  );
  cases.push(judge('statistics by unit over one year (GraphQL vs DBA SQL on a plain copy)', ours, baseline, '<= 1.3'));
  cases.push(
    judge('statistics by unit over one year (GraphQL vs the same SQL on our table; old baseline)', ours, own, '<= 1.3'),
  );
});

it('groups a month of 1M rows by unit and day in under 50 ms', async () => {
  const sql = `SELECT t.unit_id, t.report_date, sum(t.cases), sum(t.follow_ups), sum(t.follow_ups)::numeric / NULLIF(sum(t.cases), 0)
                 FROM ledger_bench_followup t
                WHERE t.deleted_at IS NULL AND t.report_date >= $1::date AND t.report_date <= $2::date
                GROUP BY GROUPING SETS ((t.unit_id, t.report_date), ()) ORDER BY 1, 2`;
  const { ours, baseline, own, before } = await compare(
    'by unit and day, one month',
    ['unit', 'day'],
    '2022-03-01',
    '2022-03-31',
    sql,
    WARM_UP + 15,
    STATS_BY_COLUMN,
  );
  cases.push(
    judge(
      'statistics by unit and day over one month before the daily sums (GraphQL from the rows vs DBA SQL on a plain copy)',
      before,
      baseline,
      '<= 1.3',
    ),
  );
  cases.push(
    judge(
      'statistics by unit and day over one month, from the daily sums vs from the rows (after ÷ before)',
      ours,
      before,
      '<= 1',
    ),
  );
  cases.push(
    judge('statistics by unit and day over one month (GraphQL vs DBA SQL on a plain copy)', ours, baseline, '<= 1.3'),
  );
  cases.push(
    judge(
      'statistics by unit and day over one month (GraphQL vs the same SQL on our table; old baseline)',
      ours,
      own,
      '<= 1.3',
    ),
  );
  cases.push(judge('statistics by unit and day over one month, absolute', ours, null, '< 50ms'));
});

/**
 * Counting every row of the ledger: the statistics `count` measure (报送份数, `reports`) with no
 * grouping and no dates, every unit in the admin's scope, against count(*) of the live rows as the
 * owner on the plain copy. Under the forced row-level security this keeps its parallel plan only
 * because the policy's functions are PARALLEL SAFE (migration 1765300000200).
 */
it('counts all 1M rows within 1.3× of count(*) as the owner', async () => {
  const sql = `SELECT count(*) FROM ledger_bench_followup t WHERE t.deleted_at IS NULL`;
  const { ours, baseline, own, before } = await compare('count all rows', [], null, null, sql, WARM_UP + 15, STATS, [
    'reports',
  ]);
  cases.push(
    judge(
      'count all 1M rows, statistics count measure before the daily sums (GraphQL from the rows vs DBA SQL on a plain copy)',
      before,
      baseline,
      '<= 1.3',
    ),
  );
  cases.push(
    judge(
      'count all 1M rows, statistics count measure, from the daily sums vs from the rows (after ÷ before)',
      ours,
      before,
      '<= 1',
    ),
  );
  cases.push(
    judge(
      'count all 1M rows, statistics count measure (GraphQL vs count(*) as the owner on a plain copy)',
      ours,
      baseline,
      '<= 1.3',
    ),
  );
  cases.push(
    judge(
      'count all 1M rows, statistics count measure (GraphQL vs count(*) on our table; old baseline)',
      ours,
      own,
      '<= 1.3',
    ),
  );
});

/**
 * Reconciliation (issue 24): the month's submitted daily sheets of 200 units against what the
 * window-case ledger says now. The bench ledger derives its three counts from window_case (it
 * is the seed's daily report); a month of cases is written for every unit and day (8 each), the
 * sheets' figures set to what the cases said and all submitted; then five units get a case
 * entered late. The baseline is what a DBA would write: the cases grouped by unit and Shanghai
 * day on the index of completed_at, the stored figures grouped likewise, joined to the submitted
 * sheets, keeping the unit-days that differ.
 */
it('reconciles a month of 200 units’ submitted sheets with their cases in under 200 ms', async () => {
  const { pool, unitIds } = product;
  const [from, to] = ['2022-03-01', '2022-03-31'];
  await pool.query(
    `INSERT INTO ledger_window_case (unit_id, period, def_version, case_no, accepted_at, service_item, applicant, status,
                                     completed_at, visited_at, visit_result)
     SELECT u, NULL, 1, 'B-' || u || '-' || d || '-' || i, t - interval '1 hour', '营业执照办理', '张三', '办结',
            t, CASE WHEN i % 10 = 0 THEN NULL ELSE t + interval '30 minutes' END,
            CASE WHEN i % 17 = 0 THEN '不太满意' ELSE '非常满意' END
       FROM unnest($1::int[]) AS u, generate_series(0, 30) AS d, generate_series(1, 8) AS i,
            LATERAL (SELECT (date '2022-03-01' + d + time '09:00' + i * interval '40 minutes') AT TIME ZONE 'Asia/Shanghai' AS t) x`,
    [unitIds],
  );
  // each unit-day's first report holds the counts the cases give; the others hold none
  await pool.query(
    `WITH live AS (
       SELECT unit_id, (completed_at AT TIME ZONE 'Asia/Shanghai')::date AS d, count(*) AS c,
              count(*) FILTER (WHERE visited_at IS NOT NULL) AS v,
              count(*) FILTER (WHERE visit_result IN ('不太满意', '非常不满意')) AS x
         FROM ledger_window_case WHERE completed_at >= '2022-03-01' AND completed_at < '2022-04-02' GROUP BY 1, 2),
     first AS (SELECT DISTINCT ON (unit_id, report_date) id, unit_id, report_date FROM ledger_bench_followup
                WHERE report_date BETWEEN $1 AND $2 ORDER BY unit_id, report_date, id)
     UPDATE ledger_bench_followup t
        SET cases = CASE WHEN f.id IS NULL THEN 0 ELSE coalesce(l.c, 0) END,
            follow_ups = CASE WHEN f.id IS NULL THEN 0 ELSE coalesce(l.v, 0) END,
            dissatisfied = CASE WHEN f.id IS NULL THEN 0 ELSE coalesce(l.x, 0) END
       FROM ledger_bench_followup s LEFT JOIN first f ON f.id = s.id
       LEFT JOIN live l ON l.unit_id = s.unit_id AND l.d = s.report_date
      WHERE t.id = s.id AND s.report_date BETWEEN $1 AND $2`,
    [from, to],
  );
  await pool.query(
    `INSERT INTO sheets (ledger_key, unit_id, period, state, submitted_at, late)
     SELECT 'bench_followup', u, to_char(d, 'YYYY-MM-DD'), 'submitted', now(), false
       FROM unnest($1::int[]) AS u, generate_series($2::date, $3::date, interval '1 day') AS d`,
    [unitIds, from, to],
  );
  // five units enter a case late, after their sheet of 15 March was submitted
  await pool.query(
    `INSERT INTO ledger_window_case (unit_id, period, def_version, case_no, accepted_at, service_item, applicant, status, completed_at)
     SELECT u, NULL, 1, 'LATE-' || u, t, '户籍迁移', '李四', '办结', t
       FROM unnest($1::int[]) AS u, LATERAL (SELECT timestamptz '2022-03-15 15:00:00+08' AS t) x`,
    [unitIds.slice(0, 5)],
  );
  await pool.query('VACUUM ANALYZE ledger_window_case, ledger_bench_followup, sheets');

  const RECONCILE = `query ($from: String!, $to: String!) { reconciliation(ledger: "bench_followup", from: $from, to: $to) {
    unit { id } period figure { field value live difference } changedRows { id } } }`;
  const sql = `WITH live AS (
      SELECT x.unit_id, (x.completed_at AT TIME ZONE 'Asia/Shanghai')::date AS d,
             count(*) FILTER (WHERE x.status = '办结') AS c,
             count(*) FILTER (WHERE x.status = '办结' AND x.visited_at IS NOT NULL) AS v,
             count(*) FILTER (WHERE x.visit_result IN ('不太满意', '非常不满意')) AS x
        FROM ledger_window_case x
       WHERE x.deleted_at IS NULL AND x.completed_at >= $1::date::timestamp AT TIME ZONE 'Asia/Shanghai'
         AND x.completed_at < ($2::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
       GROUP BY 1, 2),
    held AS (
      SELECT t.unit_id, t.report_date AS d, sum(t.cases) AS c, sum(t.follow_ups) AS v, sum(t.dissatisfied) AS x
        FROM ledger_bench_followup t
       WHERE t.deleted_at IS NULL AND t.report_date BETWEEN $1::date AND $2::date
       GROUP BY 1, 2)
    SELECT h.unit_id, h.d, h.c, coalesce(l.c, 0) AS live_c, h.v, coalesce(l.v, 0) AS live_v, h.x, coalesce(l.x, 0) AS live_x
      FROM held h
      JOIN sheets s ON s.ledger_key = 'bench_followup' AND s.unit_id = h.unit_id AND s.period = to_char(h.d, 'YYYY-MM-DD')
                   AND s.state = 'submitted'
      LEFT JOIN live l ON l.unit_id = h.unit_id AND l.d = h.d
     WHERE (h.c, h.v, h.x) IS DISTINCT FROM (coalesce(l.c, 0), coalesce(l.v, 0), coalesce(l.x, 0))`;
  const ours: number[] = [];
  const baseline: number[] = [];
  let found = 0;
  let expected = 0;
  for (let run = 0; run < WARM_UP + 9; run += 1) {
    ours.push(
      await timed(async () => {
        const response = await product.api.post<{ reconciliation: unknown[] }>(RECONCILE, { from, to }, product.token);
        expect(response.errors).toBeUndefined();
        found = response.data!.reconciliation.length;
      }),
    );
    baseline.push(await timed(async () => void (expected = (await pool.query(sql, [from, to])).rowCount ?? 0)));
  }
  console.log(
    `\nreconciliation of ${unitIds.length} units × 31 days: ${found} differences (SQL: ${expected} unit-days)`,
  );
  // one figure (当日办件量) of one day differs for each of the five units
  expect(found).toBe(5);
  expect(expected).toBe(5);
  const [o, b] = [median(ours.slice(WARM_UP)), median(baseline.slice(WARM_UP))];
  cases.push(judge('reconciliation, 200 units × one month (GraphQL vs SQL)', o, b, '<= 2'));
  cases.push(judge('reconciliation, 200 units × one month, absolute', o, null, '< 200ms'));
}, 300_000);
