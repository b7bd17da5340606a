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

  await pool.query(
    `INSERT INTO ledger_bench_followup (unit_id, period, def_version, report_date, cases, follow_ups, follow_up_rate, dissatisfied, qr_good_reviews)
     SELECT u, d::text, 1, d, c, f, f::numeric / c, f % 3, c % 7
       FROM generate_series(0, $2 - 1) AS i,
            LATERAL (SELECT ($1::int[])[1 + i % $3] AS u, date '2019-01-01' + ((i / $3) % $4)::int AS d, 5 + (i * 7) % 40 AS c) x,
            LATERAL (SELECT c - (i % 5) AS f) y`,
    [unitIds, ROWS, UNITS, DAYS],
  );
  await pool.query('VACUUM ANALYZE ledger_bench_followup');
  // the million rows written out now, not by the checkpointer while the queries are timed
  await pool.query('CHECKPOINT');
}, 600_000);

afterAll(async () => {
  await product?.stop();
  if (cases.length > 0) writeResults('stats', cases);
});

const STATS = `query ($groupBy: [String!]!, $from: String, $to: String) {
  statistics(ledger: "bench_followup", measures: ["cases", "follow_ups", "followup_rate"], groupBy: $groupBy, from: $from, to: $to) {
    rows { keys { value label } values { measure value } } totals { measure value } } }`;
/** The same groups, keys, labels and values column by column (Statistics.keyColumns / valueColumns). */
const STATS_BY_COLUMN = `query ($groupBy: [String!]!, $from: String, $to: String) {
  statistics(ledger: "bench_followup", measures: ["cases", "follow_ups", "followup_rate"], groupBy: $groupBy, from: $from, to: $to) {
    keyColumns { values labels { value label } } valueColumns { measure values } totals { measure value } } }`;

async function compare(
  metric: string,
  groupBy: string[],
  from: string,
  to: string,
  sql: string,
  runs: number,
  query = STATS,
): Promise<{ ours: number; baseline: number }> {
  const ours: number[] = [];
  const baseline: number[] = [];
  let rows = 0;
  for (let run = 0; run < runs; run += 1) {
    ours.push(
      await timed(async () => {
        const response = await product.api.post<{
          statistics: { rows?: unknown[]; valueColumns?: { values: unknown[] }[] };
        }>(query, { groupBy, from, to }, product.token);
        expect(response.errors, metric).toBeUndefined();
        const statistics = response.data!.statistics;
        rows = statistics.rows?.length ?? statistics.valueColumns![0].values.length;
      }),
    );
    baseline.push(await timed(() => product.pool.query(sql, [from, to])));
  }
  const plan = (await product.pool.query(`EXPLAIN ${sql}`, [from, to])).rows.map((r) => r['QUERY PLAN'] as string);
  // the plan the product gets: as the row role, under row-level security, every unit in scope
  const client = await product.pool.connect();
  let scopedPlan: string[];
  try {
    await client.query(
      `BEGIN READ ONLY; SELECT set_config('role', 'taizhang_rows', true), set_config('taizhang.all_units', 'on', true)`,
    );
    scopedPlan = (await client.query(`EXPLAIN ${sql}`, [from, to])).rows.map((r) => r['QUERY PLAN'] as string);
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
  const shown = (lines: string[]) => lines.filter((l) => /Scan|Aggregate|Sort|Hash|Gather|Filter/.test(l)).join('\n  ');
  console.log(
    `\n${metric}: ${rows} groups; plan of the SQL:\n  ${shown(plan)}\nplan as the product's row role (RLS):\n  ${shown(scopedPlan)}`,
  );
  // the first runs warm both up (the server's compiled query and JIT, the plan, the caches)
  return { ours: median(ours.slice(WARM_UP)), baseline: median(baseline.slice(WARM_UP)) };
}

it('groups a year of 1M rows by unit within 1.3× of the same SQL', async () => {
  const sql = `SELECT t.unit_id, sum(t.cases) AS cases, sum(t.follow_ups) AS follow_ups, sum(t.follow_ups)::numeric / NULLIF(sum(t.cases), 0) AS rate
                 FROM ledger_bench_followup t
                WHERE t.deleted_at IS NULL AND t.report_date >= $1::date AND t.report_date <= $2::date
                GROUP BY GROUPING SETS ((t.unit_id), ()) ORDER BY t.unit_id`;
  const { ours, baseline } = await compare(
    'by unit, one year',
    ['unit'],
    '2022-01-01',
    '2022-12-31',
    sql,
    WARM_UP + 11,
  );
  cases.push(judge('statistics by unit over one year (GraphQL vs SQL)', ours, baseline, '<= 1.3'));
});

it('groups a month of 1M rows by unit and day in under 50 ms', async () => {
  const sql = `SELECT t.unit_id, t.report_date, sum(t.cases), sum(t.follow_ups), sum(t.follow_ups)::numeric / NULLIF(sum(t.cases), 0)
                 FROM ledger_bench_followup t
                WHERE t.deleted_at IS NULL AND t.report_date >= $1::date AND t.report_date <= $2::date
                GROUP BY GROUPING SETS ((t.unit_id, t.report_date), ()) ORDER BY 1, 2`;
  const { ours, baseline } = await compare(
    'by unit and day, one month',
    ['unit', 'day'],
    '2022-03-01',
    '2022-03-31',
    sql,
    WARM_UP + 15,
    STATS_BY_COLUMN,
  );
  cases.push(judge('statistics by unit and day over one month (GraphQL vs SQL)', ours, baseline, '<= 1.3'));
  cases.push(judge('statistics by unit and day over one month, absolute', ours, null, '< 50ms'));
});
