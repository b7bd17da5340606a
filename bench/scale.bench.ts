import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '@taizhang/embedded-db';
import { freePort } from '@taizhang/testing';
import { benchDay, dailyReport, plainDailyInsert, startBenchProduct, type BenchProduct } from './bench-product';
import { judge, median, timed, writeResults, type BenchCase } from './bench-results';

/**
 * scale: a province on one machine. 10,000,000 daily-report rows of 2,000 units over five years
 * and 2,000,000 window cases, in the product's own tables (written with INSERT … SELECT), read
 * and written through GraphQL over HTTP, against the SQL a DBA would write on the indexes a DBA
 * would add, in the same run.
 *
 * The bench ledger is the daily report with its counts typed and without its one-row-per-day rule
 * (2,000 units × 1,826 days is 3.65 million unit-days: about 2.7 rows a unit and day), as in
 * `stats`. The DBA's baseline reads `dba_followup`, a plain copy of the same rows (no row-level
 * security) with the indexes its queries want: (unit_id, report_date) for a unit's page and a
 * covering (report_date) INCLUDE (unit_id, cases, follow_ups) for the statistics. Two more
 * copies answer two design questions with SQL alone: `part_followup` (the copy partitioned by
 * year of report_date) and `agg_followup` (sums and counts per unit and day, what maintained
 * aggregates would hold).
 *
 * SCALE_DATA_DIR=/some/dir keeps the PostgreSQL data there between runs: the first run generates
 * (about 10 minutes), later runs find the rows and only measure. Delete the folder when done.
 */
const UNITS = 2_000;
const ROWS = 10_000_000;
const CASES = 2_000_000;
const DAYS = 1826;
const CHUNK = 1_000_000;
const LEDGER = 'scale_followup';
const TABLE = `ledger_${LEDGER}`;

let product: BenchProduct;
let kept: EmbeddedDatabase | null = null;
const cases: BenchCase[] = [];

function log(text: string): void {
  console.log(`[scale ${new Date().toISOString().slice(11, 19)}] ${text}`);
}

async function generated(): Promise<boolean> {
  const [{ n }] = (
    await product.pool.query(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'scale_bench_generated'`)
  ).rows;
  return n > 0;
}

async function generate(): Promise<void> {
  const { server, token, pool, unitIds } = product;
  const started = Date.now();
  const daily = (
    await product.api.post<{ ledger: { definition: Record<string, unknown> } }>(
      '{ ledger(key: "daily_followup") { definition } }',
      {},
      token,
    )
  ).data!.ledger.definition;
  // typed counts (no derive), and no one-row-per-day rule: see above
  const fields = (daily.fields as Record<string, unknown>[]).map(
    ({ unique: _unique, derive: _derive, ...field }) => field,
  );
  const published = await product.api.post(
    'mutation ($d: JSON!) { publishLedger(definition: $d) { key } }',
    { d: { ...daily, key: LEDGER, fields } },
    token,
  );
  expect(published.errors, server.output()).toBeUndefined();
  for (let start = 0; start < ROWS; start += CHUNK) {
    await pool.query(
      `INSERT INTO ${TABLE} (unit_id, period, def_version, report_date, cases, follow_ups, follow_up_rate, dissatisfied, qr_good_reviews)
       SELECT u, d::text, 1, d, c, f, f::numeric / c, f % 3, c % 7
         FROM generate_series($4::int, $4::int + $5 - 1) AS i,
              LATERAL (SELECT ($1::int[])[1 + i % $2] AS u, date '2019-01-01' + ((i / $2) % $3)::int AS d, 5 + (i * 7) % 40 AS c) x,
              LATERAL (SELECT c - (i % 5) AS f) y`,
      [unitIds, UNITS, DAYS, start, CHUNK],
    );
    log(`daily reports: ${start + CHUNK} rows, ${Math.round((Date.now() - started) / 1000)} s`);
  }
  // two million window cases, 1,000 a unit over five years; a tenth not yet followed up
  for (let start = 0; start < CASES; start += CHUNK) {
    await pool.query(
      `INSERT INTO ledger_window_case (unit_id, period, def_version, case_no, accepted_at, service_item, applicant, status,
                                       completed_at, visited_at, visit_result)
       SELECT u, NULL, 1, 'S-' || i, t - interval '1 hour', '营业执照办理', '张三', '办结',
              t, CASE WHEN i % 10 = 0 THEN NULL ELSE t + interval '30 minutes' END,
              CASE WHEN i % 17 = 0 THEN '不太满意' ELSE '非常满意' END
         FROM generate_series($3::int, $3::int + $4 - 1) AS i,
              LATERAL (SELECT ($1::int[])[1 + i % $2] AS u,
                              timestamptz '2019-01-01 09:00:00+08' + (i / $2) * interval '43 hours' AS t) x`,
      [unitIds, UNITS, start, CHUNK],
    );
    log(`window cases: ${start + CHUNK} rows, ${Math.round((Date.now() - started) / 1000)} s`);
  }
  // the DBA's copy, the same copy partitioned by year, and the sums per unit and day
  await pool.query(`CREATE TABLE dba_followup AS SELECT * FROM ${TABLE}`);
  await pool.query(`ALTER TABLE dba_followup ADD PRIMARY KEY (unit_id, id)`);
  await pool.query(`CREATE INDEX ON dba_followup (unit_id, report_date)`);
  await pool.query(
    `CREATE INDEX ON dba_followup (report_date) INCLUDE (unit_id, cases, follow_ups) WHERE deleted_at IS NULL`,
  );
  log(`DBA copy: ${Math.round((Date.now() - started) / 1000)} s`);
  await pool.query(
    `CREATE TABLE part_followup (LIKE dba_followup INCLUDING DEFAULTS) PARTITION BY RANGE (report_date)`,
  );
  for (let year = 2019; year <= 2024; year += 1) {
    await pool.query(
      `CREATE TABLE part_followup_${year} PARTITION OF part_followup FOR VALUES FROM ('${year}-01-01') TO ('${year + 1}-01-01')`,
    );
  }
  await pool.query(`CREATE TABLE part_followup_rest PARTITION OF part_followup DEFAULT`);
  await pool.query(`INSERT INTO part_followup SELECT * FROM dba_followup`);
  // a partitioned table's unique key must hold its partition key
  await pool.query(`ALTER TABLE part_followup ADD PRIMARY KEY (unit_id, id, report_date)`);
  await pool.query(`CREATE INDEX ON part_followup (unit_id, report_date)`);
  await pool.query(
    `CREATE INDEX ON part_followup (report_date) INCLUDE (unit_id, cases, follow_ups) WHERE deleted_at IS NULL`,
  );
  log(`partitioned copy: ${Math.round((Date.now() - started) / 1000)} s`);
  await pool.query(
    `CREATE TABLE agg_followup AS
     SELECT unit_id, report_date, count(*)::int AS n, sum(cases)::bigint AS cases, sum(follow_ups)::bigint AS follow_ups
       FROM ${TABLE} WHERE deleted_at IS NULL GROUP BY 1, 2`,
  );
  await pool.query(`ALTER TABLE agg_followup ADD PRIMARY KEY (report_date, unit_id)`);
  await pool.query(`VACUUM ANALYZE`);
  await pool.query(`CREATE TABLE scale_bench_generated AS SELECT now() AS at, $1::int AS seconds`, [
    Math.round((Date.now() - started) / 1000),
  ]);
  log(`generated in ${Math.round((Date.now() - started) / 1000)} s`);
}

beforeAll(async () => {
  const dir = process.env.SCALE_DATA_DIR;
  if (dir) {
    kept = await startEmbeddedDatabase({
      dataDir: path.resolve(dir, 'data'),
      port: await freePort(),
      database: 'taizhang_scale',
    });
  }
  product = await startBenchProduct(UNITS, kept ? { url: kept.url, drop: async () => undefined } : undefined);
  const { pool } = product;
  if (!(await generated())) await generate();
  else log('reusing the generated data in SCALE_DATA_DIR');
  // rows a save case of an earlier run left (its days are before 2019)
  const left = await pool.query(`DELETE FROM ${TABLE} WHERE report_date < '2019-01-01'`);
  if ((left.rowCount ?? 0) > 0) await pool.query(`DELETE FROM row_history WHERE ledger_key = $1`, [LEDGER]);
  await pool.query(`DELETE FROM dba_followup WHERE report_date < '2019-01-01'`);
  await pool.query(`DELETE FROM agg_followup WHERE report_date < '2019-01-01'`);
  const [{ n }] = (await pool.query(`SELECT count(*)::int AS n FROM ${TABLE}`)).rows;
  expect(n).toBe(ROWS);
  log(`${n} daily reports, ${UNITS} units; VACUUM ANALYZE, CHECKPOINT`);
  await pool.query(`VACUUM ANALYZE ${TABLE}, ledger_window_case, row_history`);
  // the rows written out now, not by the checkpointer while the queries are timed
  await pool.query('CHECKPOINT');
}, 3_600_000);

afterAll(async () => {
  await product?.stop();
  await kept?.stop();
  if (cases.length > 0) writeResults('scale', cases);
});

/** Ours and the baseline alternating; medians of the runs after the warm-up. */
async function alternate(
  runs: number,
  warmUp: number,
  ours: () => Promise<unknown>,
  baseline: () => Promise<unknown>,
): Promise<{ ours: number; baseline: number }> {
  const a: number[] = [];
  const b: number[] = [];
  for (let run = 0; run < warmUp + runs; run += 1) {
    a.push(await timed(ours));
    b.push(await timed(baseline));
  }
  return { ours: median(a.slice(warmUp)), baseline: median(b.slice(warmUp)) };
}

async function plan(sql: string, params: unknown[]): Promise<string> {
  const lines = (await product.pool.query(`EXPLAIN ${sql}`, params)).rows.map((r) => r['QUERY PLAN'] as string);
  return lines.filter((l) => /Scan|Aggregate|Sort|Gather|Append/.test(l)).join('\n  ');
}

const STATS = `query ($groupBy: [String!]!, $from: String, $to: String) {
  statistics(ledger: "${LEDGER}", measures: ["cases", "follow_ups", "followup_rate"], groupBy: $groupBy, from: $from, to: $to) {
    keyColumns { values labels { value label } } valueColumns { measure values } totals { measure value } } }`;

const yearSql = (table: string) =>
  `SELECT t.unit_id, sum(t.cases) AS cases, sum(t.follow_ups) AS follow_ups, sum(t.follow_ups)::numeric / NULLIF(sum(t.cases), 0) AS rate
     FROM ${table} t
    WHERE ${table === 'agg_followup' ? 'true' : 't.deleted_at IS NULL'} AND t.report_date >= $1::date AND t.report_date <= $2::date
    GROUP BY GROUPING SETS ((t.unit_id), ()) ORDER BY t.unit_id`;
const monthSql = (table: string) =>
  `SELECT t.unit_id, t.report_date, sum(t.cases), sum(t.follow_ups), sum(t.follow_ups)::numeric / NULLIF(sum(t.cases), 0)
     FROM ${table} t
    WHERE ${table === 'agg_followup' ? 'true' : 't.deleted_at IS NULL'} AND t.report_date >= $1::date AND t.report_date <= $2::date
    GROUP BY GROUPING SETS ((t.unit_id, t.report_date), ()) ORDER BY 1, 2`;

async function statistics(groupBy: string[], from: string, to: string): Promise<number> {
  const response = await product.api.post<{ statistics: { valueColumns: { values: unknown[] }[] } }>(
    STATS,
    { groupBy, from, to },
    product.token,
  );
  expect(response.errors).toBeUndefined();
  return response.data!.statistics.valueColumns[0].values.length;
}

it('groups a year of 10M rows by unit (Σ follow-ups ÷ Σ cases) in under 300 ms', async () => {
  const range = ['2022-01-01', '2022-12-31'];
  const groups = await statistics(['unit'], range[0], range[1]);
  expect(groups).toBe(UNITS);
  const { ours, baseline } = await alternate(
    7,
    2,
    () => statistics(['unit'], range[0], range[1]),
    () => product.pool.query(yearSql('dba_followup'), range),
  );
  log(
    `by unit, one year: ours ${ours.toFixed(1)} ms, SQL ${baseline.toFixed(1)} ms; SQL plan:\n  ${await plan(yearSql('dba_followup'), range)}`,
  );
  cases.push(judge('statistics by unit over one year, 10M rows (GraphQL vs DBA SQL)', ours, baseline, '<= 1.3'));
  cases.push(judge('statistics by unit over one year, 10M rows, absolute', ours, null, '< 300ms'));
  // the design questions, SQL alone: partitioned by year, and per-unit-day sums
  const part = await alternate(
    7,
    2,
    () => product.pool.query(yearSql('part_followup'), range),
    () => product.pool.query(yearSql('dba_followup'), range),
  );
  cases.push(judge('by unit over one year: SQL on partitioned by year vs plain', part.ours, part.baseline, '<= 1'));
  const agg = await alternate(
    7,
    2,
    () => product.pool.query(yearSql('agg_followup'), range),
    () => product.pool.query(yearSql('dba_followup'), range),
  );
  cases.push(judge('by unit over one year: SQL on per-unit-day sums vs raw rows', agg.ours, agg.baseline, '<= 1'));
  // a second baseline: the DBA's SQL over the same per-unit-day sums (agg_followup) the product reads
  const overSums = await alternate(
    7,
    2,
    () => statistics(['unit'], range[0], range[1]),
    () => product.pool.query(yearSql('agg_followup'), range),
  );
  cases.push(
    judge(
      'statistics by unit over one year, 10M rows (GraphQL vs the DBA SQL over the same per-unit-day sums)',
      overSums.ours,
      overSums.baseline,
      '<= 1.3',
    ),
  );
}, 600_000);

it('groups a month of 10M rows by unit and day in under 100 ms', async () => {
  const range = ['2022-03-01', '2022-03-31'];
  const groups = await statistics(['unit', 'day'], range[0], range[1]);
  expect(groups).toBe(UNITS * 31);
  const { ours, baseline } = await alternate(
    9,
    2,
    () => statistics(['unit', 'day'], range[0], range[1]),
    () => product.pool.query(monthSql('dba_followup'), range),
  );
  log(
    `by unit and day, one month: ours ${ours.toFixed(1)} ms, SQL ${baseline.toFixed(1)} ms; SQL plan:\n  ${await plan(monthSql('dba_followup'), range)}`,
  );
  cases.push(
    judge('statistics by unit and day over one month, 10M rows (GraphQL vs DBA SQL)', ours, baseline, '<= 1.3'),
  );
  cases.push(judge('statistics by unit and day over one month, 10M rows, absolute', ours, null, '< 100ms'));
  const part = await alternate(
    9,
    2,
    () => product.pool.query(monthSql('part_followup'), range),
    () => product.pool.query(monthSql('dba_followup'), range),
  );
  cases.push(
    judge('by unit and day over one month: SQL on partitioned by year vs plain', part.ours, part.baseline, '<= 1'),
  );
  const agg = await alternate(
    9,
    2,
    () => product.pool.query(monthSql('agg_followup'), range),
    () => product.pool.query(monthSql('dba_followup'), range),
  );
  cases.push(
    judge('by unit and day over one month: SQL on per-unit-day sums vs raw rows', agg.ours, agg.baseline, '<= 1'),
  );
  const overSums = await alternate(
    9,
    2,
    () => statistics(['unit', 'day'], range[0], range[1]),
    () => product.pool.query(monthSql('agg_followup'), range),
  );
  cases.push(
    judge(
      'statistics by unit and day over one month, 10M rows (GraphQL vs the DBA SQL over the same per-unit-day sums)',
      overSums.ours,
      overSums.baseline,
      '<= 1.3',
    ),
  );
  // the same 62,000 groups row by row (Statistics.rows: an object per group, key and value),
  // which graphql-js completes field by field, against the columns above
  const asRows = await alternate(
    3,
    1,
    async () => {
      const response = await product.api.post<{ statistics: { rows: unknown[] } }>(
        STATS.replace(
          'keyColumns { values labels { value label } } valueColumns { measure values }',
          'rows { keys { value label } values { measure value } }',
        ),
        { groupBy: ['unit', 'day'], from: range[0], to: range[1] },
        product.token,
      );
      expect(response.data?.statistics.rows.length, JSON.stringify(response.errors)).toBe(UNITS * 31);
    },
    () => statistics(['unit', 'day'], range[0], range[1]),
  );
  cases.push(
    judge(
      'by unit and day over one month: as rows (62,000 StatRows) vs as columns',
      asRows.ours,
      asRows.baseline,
      '<= 2',
    ),
  );
}, 600_000);

it('counts all 10M rows within 1.3× of count(*)', async () => {
  const count = async () => {
    const response = await product.api.post<{ rows: { totalCount: number } }>(
      `{ rows(ledger: "${LEDGER}", first: 0) { totalCount } }`,
      {},
      product.token,
    );
    expect(response.data?.rows.totalCount, JSON.stringify(response.errors)).toBe(ROWS);
  };
  const sql = `SELECT count(*) FROM dba_followup WHERE deleted_at IS NULL`;
  const { ours, baseline } = await alternate(5, 1, count, () => product.pool.query(sql));
  cases.push(judge('count all 10M rows (rows.totalCount vs count(*))', ours, baseline, '<= 1.3'));
  const part = await alternate(
    5,
    1,
    () => product.pool.query(`SELECT count(*) FROM part_followup WHERE deleted_at IS NULL`),
    () => product.pool.query(sql),
  );
  cases.push(judge('count all 10M rows: SQL on partitioned by year vs plain', part.ours, part.baseline, '<= 1'));
}, 600_000);

it('reads a page of 500 of one unit of 10M rows, newest first, within 2× of the SQL', async () => {
  const unit = product.unitIds[1234];
  const page = `query ($unit: ID) { rows(ledger: "${LEDGER}", unitId: $unit, orderBy: [{ field: "report_date", desc: true }], first: 500) {
    edges { node { id version values } } } }`;
  const sql = (table: string) =>
    `SELECT t.id, t.unit_id, t.period, t.version, t.updated_at, t.report_date, t.cases, t.follow_ups, t.follow_up_rate,
            t.dissatisfied, t.qr_good_reviews
       FROM ${table} t WHERE t.unit_id = $1 AND t.deleted_at IS NULL
      ORDER BY t.report_date DESC, t.id DESC LIMIT 501`;
  const { ours, baseline } = await alternate(
    30,
    10,
    async () => {
      const response = await product.api.post<{ rows: { edges: unknown[] } }>(
        page,
        { unit: String(unit) },
        product.token,
      );
      expect(response.data?.rows.edges.length, JSON.stringify(response.errors)).toBe(500);
    },
    () => product.pool.query(sql('dba_followup'), [unit]),
  );
  log(
    `page of 500: ours ${ours.toFixed(1)} ms, SQL ${baseline.toFixed(1)} ms; SQL plan:\n  ${await plan(sql('dba_followup'), [unit])}`,
  );
  cases.push(judge('page of 500 of one unit, newest first, 10M rows (rows vs DBA SQL)', ours, baseline, '<= 2'));
  const part = await alternate(
    30,
    10,
    () => product.pool.query(sql('part_followup'), [unit]),
    () => product.pool.query(sql('dba_followup'), [unit]),
  );
  cases.push(judge('page of 500 of one unit: SQL on partitioned by year vs plain', part.ours, part.baseline, '<= 1'));
}, 600_000);

it('saves 10,000 rows into the 10M-row table within 2× of a plain multi-row INSERT', async () => {
  // days from 1990 (never in the future, and apart from the generated 2019–2023)
  const rows = Array.from({ length: 10_000 }, (_, i) => dailyReport(i, i % 9_000));
  let run = 0;
  const { ours, baseline } = await alternate(
    5,
    1,
    async () => {
      const unit = product.unitIds[10 + run];
      const response = await product.api.post<{ saveRows: { saved: number } }>(
        `mutation ($unit: ID, $changes: [RowChangeInput!]!) { saveRows(ledger: "${LEDGER}", unitId: $unit, changes: $changes) { saved } }`,
        { unit: String(unit), changes: rows.map((values) => ({ op: 'INSERT', values })) },
        product.token,
      );
      expect(response.data?.saveRows.saved, JSON.stringify(response.errors)).toBe(rows.length);
    },
    async () => {
      const unit = product.unitIds[40 + run];
      run += 1;
      await plainDailyInsert(
        product.pool,
        TABLE,
        rows.map((report) => ({ unit, report })),
      );
    },
  );
  cases.push(judge('insert 10k rows into the 10M-row table (saveRows vs multi-row INSERT)', ours, baseline, '<= 2'));
}, 600_000);

/**
 * What maintained per-unit-day sums would cost a save, with SQL alone: a statement-level trigger
 * on the DBA's copy (its transition table of the inserted rows grouped by unit and day, added to
 * agg_followup in the same transaction), 10,000 rows by multi-row INSERT with the trigger
 * enabled and disabled, alternating.
 */
it('measures what a trigger keeping per-unit-day sums costs a 10,000-row INSERT', async () => {
  const { pool, unitIds } = product;
  await pool.query(`CREATE SEQUENCE IF NOT EXISTS dba_followup_new_id START 100000000`);
  await pool.query(`CREATE OR REPLACE FUNCTION agg_followup_add() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO agg_followup AS a (unit_id, report_date, n, cases, follow_ups)
      SELECT unit_id, report_date, count(*), sum(cases), sum(follow_ups) FROM new_rows
       WHERE deleted_at IS NULL GROUP BY 1, 2
      ON CONFLICT (report_date, unit_id) DO UPDATE
         SET n = a.n + excluded.n, cases = a.cases + excluded.cases, follow_ups = a.follow_ups + excluded.follow_ups;
      RETURN NULL;
    END $$`);
  await pool.query(`DROP TRIGGER IF EXISTS agg_followup_add ON dba_followup`);
  await pool.query(`CREATE TRIGGER agg_followup_add AFTER INSERT ON dba_followup REFERENCING NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION agg_followup_add()`);
  const insert = async (unit: number) => {
    for (let start = 0; start < 10_000; start += 5_000) {
      const params: unknown[] = [];
      const tuples = Array.from({ length: 5_000 }, (_, k) => {
        const i = start + k;
        const c = 5 + (i % 20);
        params.push(unit, benchDay(i % 9_000), benchDay(i % 9_000), c, c - (i % 3));
        const n = params.length;
        return `(nextval('dba_followup_new_id'), $${n - 4}, $${n - 3}, 1, 1, now(), now(), $${n - 2}, $${n - 1}, $${n})`;
      });
      await pool.query(
        `INSERT INTO dba_followup (id, unit_id, period, version, def_version, created_at, updated_at, report_date, cases, follow_ups)
         VALUES ${tuples.join(', ')}`,
        params,
      );
    }
  };
  let run = 0;
  const { ours, baseline } = await alternate(
    5,
    1,
    async () => {
      await pool.query(`ALTER TABLE dba_followup ENABLE TRIGGER agg_followup_add`);
      await insert(unitIds[70 + run]);
    },
    async () => {
      await pool.query(`ALTER TABLE dba_followup DISABLE TRIGGER agg_followup_add`);
      await insert(unitIds[100 + run]);
      run += 1;
    },
  );
  await pool.query(`DROP TRIGGER agg_followup_add ON dba_followup`);
  // the sums kept by the trigger are the rows' sums (the units saved with it enabled)
  const differ = await pool.query(
    `SELECT * FROM (SELECT unit_id, report_date, count(*) AS n, sum(cases) AS cases, sum(follow_ups) AS follow_ups
                      FROM dba_followup WHERE unit_id = ANY($1) AND report_date < '2019-01-01' GROUP BY 1, 2) r
     FULL JOIN (SELECT * FROM agg_followup WHERE unit_id = ANY($1) AND report_date < '2019-01-01') a USING (unit_id, report_date)
     WHERE (r.n, r.cases, r.follow_ups) IS DISTINCT FROM (a.n, a.cases, a.follow_ups)`,
    [unitIds.slice(70, 76)],
  );
  expect(differ.rowCount).toBe(0);
  cases.push(judge('insert 10k rows (SQL): with a per-unit-day sums trigger vs without', ours, baseline, '<= 1.3'));
}, 600_000);
