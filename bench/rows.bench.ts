import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBenchProduct, type BenchProduct } from './bench-product';
import { judge, median, timed, writeResults, type BenchCase } from './bench-results';

/**
 * rows: saving 10,000 daily-report rows through saveRows (GraphQL over HTTP, validation and
 * history included) against a plain multi-row INSERT with pg; and one page of 500 rows,
 * filtered and sorted, of a ledger of 1,000,000 rows across 200 units, against the same
 * hand-written SQL.
 */
const BATCH = 10_000;
const UNITS = 200;
const ROWS_PER_UNIT = 5_000;

let product: BenchProduct;
const cases: BenchCase[] = [];
/** A case with what its baseline is, in words (in rows.json). */
const described = (c: BenchCase, baseline: string) => Object.assign(c, { baseline });
const PLAIN_INSERT =
  'a plain multi-row INSERT … VALUES of the same rows into ledger_typed_daily (values and the rate computed by the client, chunks of 5,000 rows, as the table owner, no history, no checks, one transaction per chunk)';

// days from 1990: the batch's 10,000 days end in 2017, never in the future (a future day is refused)
const day = (i: number) => new Date(Date.UTC(1990, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
const reportRow = (i: number) => {
  const cases = 5 + (i % 20);
  return { report_date: day(i), cases, follow_ups: cases - (i % 3), dissatisfied: i % 2, qr_good_reviews: i % 5 };
};

beforeAll(async () => {
  product = await startBenchProduct(UNITS);
  // the save is timed on the daily report with its counts typed, as clerks typed them before they
  // were derived from the window cases (a derived report's save also reads the cases it counts)
  const daily = (
    await product.api.post<{ ledger: { definition: { fields: Record<string, unknown>[] } } }>(
      '{ ledger(key: "daily_followup") { definition } }',
      {},
      product.token,
    )
  ).data!.ledger.definition;
  const fields = daily.fields.map(({ derive: _derive, ...field }) => field);
  const published = await product.api.post(
    'mutation ($d: JSON!) { publishLedger(definition: $d) { key } }',
    { d: { ...daily, key: 'typed_daily', fields } },
    product.token,
  );
  expect(published.errors).toBeUndefined();
}, 600_000);

afterAll(async () => {
  await product?.stop();
  if (cases.length > 0) writeResults('rows', cases);
});

it('saves a batch of 10,000 rows through GraphQL at least half as fast as a plain multi-row INSERT', async () => {
  const rows = Array.from({ length: BATCH }, (_, i) => reportRow(i));
  // like the page below: a run of each side to warm up, then the measured runs (each into a unit of its own)
  const WARM_UP = 1;
  const ours: number[] = [];
  const baseline: number[] = [];
  for (let run = 0; run < WARM_UP + 5; run += 1) {
    const unit = product.unitIds[30 + run];
    const other = product.unitIds[60 + run];
    ours.push(
      await timed(async () => {
        const response = await product.api.post<{ saveRows: { saved: number } }>(
          `mutation ($unit: ID, $changes: [RowChangeInput!]!) { saveRows(ledger: "typed_daily", unitId: $unit, changes: $changes) { saved } }`,
          { unit: String(unit), changes: rows.map((values) => ({ op: 'INSERT', values })) },
          product.token,
        );
        expect(response.data?.saveRows.saved, JSON.stringify(response.errors)).toBe(BATCH);
      }),
    );
    baseline.push(
      await timed(async () => {
        await plainInsert(rows.map((row) => ({ unit: other, row })));
      }),
    );
  }
  cases.push(
    described(
      judge(
        'insert 10k rows (saveRows vs multi-row INSERT)',
        median(ours.slice(WARM_UP)),
        median(baseline.slice(WARM_UP)),
        '<= 2',
      ),
      PLAIN_INSERT,
    ),
  );
});

/**
 * The same rows a plain multi-row INSERT writes (values computed by hand, the rate included), in
 * chunks under PostgreSQL's 65,535 parameters: the baseline a DBA would write for a batch.
 */
async function plainInsert(rows: { unit: number; row: ReturnType<typeof reportRow> }[]): Promise<void> {
  for (let start = 0; start < rows.length; start += 5_000) {
    const params: unknown[] = [];
    const tuples = rows.slice(start, start + 5_000).map(({ unit, row: r }) => {
      params.push(
        unit,
        r.report_date,
        r.report_date,
        r.cases,
        r.follow_ups,
        r.follow_ups / r.cases,
        r.dissatisfied,
        r.qr_good_reviews,
      );
      const n = params.length;
      return `($${n - 7}, $${n - 6}, 1, $${n - 5}, $${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
    });
    await product.pool.query(
      `INSERT INTO ledger_typed_daily (unit_id, period, def_version, report_date, cases, follow_ups, follow_up_rate, dissatisfied, qr_good_reviews) VALUES ${tuples.join(', ')}`,
      params,
    );
  }
}

it('saves 10,000 new rows across 200 units (50 a unit) within 2× of a plain multi-row INSERT', async () => {
  const PER_UNIT = BATCH / UNITS;
  const SAVE = `mutation ($unit: ID, $changes: [RowChangeInput!]!) { saveRows(ledger: "typed_daily", unitId: $unit, changes: $changes) { saved } }`;
  // each run its own 50 days in every unit (after the 10,000 days of the batch above, still in the past)
  let nextDay = BATCH;
  const batchOf = () => {
    const first = nextDay;
    nextDay += PER_UNIT;
    return product.unitIds.flatMap((unit) =>
      Array.from({ length: PER_UNIT }, (_, i) => ({ unit, row: reportRow(first + i) })),
    );
  };
  const WARM_UP = 1;
  const perUnit: number[] = [];
  const oneRequest: number[] = [];
  const baseline: number[] = [];
  for (let run = 0; run < WARM_UP + 5; run += 1) {
    // as a client does today: one request per unit, one after the other
    const rows = batchOf();
    perUnit.push(
      await timed(async () => {
        for (let u = 0; u < UNITS; u += 1) {
          const mine = rows.slice(u * PER_UNIT, (u + 1) * PER_UNIT);
          const response = await product.api.post<{ saveRows: { saved: number } }>(
            SAVE,
            { unit: String(mine[0].unit), changes: mine.map(({ row }) => ({ op: 'INSERT', values: row })) },
            product.token,
          );
          expect(response.data?.saveRows.saved, JSON.stringify(response.errors)).toBe(PER_UNIT);
        }
      }),
    );
    // one request, one transaction: each change names its unit
    const across = batchOf();
    oneRequest.push(
      await timed(async () => {
        const response = await product.api.post<{ saveRows: { saved: number } }>(
          SAVE,
          { changes: across.map(({ unit, row }) => ({ op: 'INSERT', unitId: String(unit), values: row })) },
          product.token,
        );
        expect(response.data?.saveRows.saved, JSON.stringify(response.errors)).toBe(BATCH);
      }),
    );
    const plain = batchOf();
    baseline.push(await timed(() => plainInsert(plain)));
  }
  const base = median(baseline.slice(WARM_UP));
  cases.push(
    described(
      judge(
        'insert 10k rows across 200 units, one request per unit (saveRows vs multi-row INSERT)',
        median(perUnit.slice(WARM_UP)),
        base,
        '<= 2',
      ),
      PLAIN_INSERT,
    ),
  );
  cases.push(
    described(
      judge(
        'insert 10k rows across 200 units, one request (saveRows with unitId per change vs multi-row INSERT)',
        median(oneRequest.slice(WARM_UP)),
        base,
        '<= 2',
      ),
      PLAIN_INSERT,
    ),
  );
});

it('reads a filtered, sorted page of 500 of 1,000,000 rows within 2× of hand-written SQL and under 50 ms', async () => {
  await product.pool.query(`DELETE FROM ledger_daily_followup`);
  await product.pool.query(`DELETE FROM row_history`);
  await product.pool.query(
    `INSERT INTO ledger_daily_followup (unit_id, period, def_version, report_date, cases, follow_ups, follow_up_rate, dissatisfied, qr_good_reviews)
     SELECT u, d::text, 1, d, c, f, f::numeric / c, f % 3, c % 7
       FROM unnest($1::int[]) AS u,
            LATERAL generate_series(0, $2 - 1) AS i,
            LATERAL (SELECT (date '2010-01-01' + i) AS d, 5 + (i * 7 + u) % 40 AS c) x,
            LATERAL (SELECT c - (i % 4) AS f) y`,
    [product.unitIds, ROWS_PER_UNIT],
  );
  await product.pool.query('VACUUM ANALYZE ledger_daily_followup');
  // the million rows written out now, not by the checkpointer while the page is being timed
  await product.pool.query('CHECKPOINT');
  const [{ n }] = (await product.pool.query(`SELECT count(*)::int AS n FROM ledger_daily_followup`)).rows;
  expect(n).toBe(UNITS * ROWS_PER_UNIT);

  const unit = product.unitIds[57];
  const query = `query ($unit: ID) { rows(ledger: "daily_followup", unitId: $unit, filter: { cases: { gte: 20 } }, orderBy: [{ field: "report_date", desc: true }], first: 500) {
    totalCount edges { node { id version values } } } }`;
  // the same page written by hand: its rows and its total count
  const sql = `SELECT t.id, t.unit_id, t.period, t.version, t.updated_at, t.report_date, t.cases, t.follow_ups, t.follow_up_rate,
                      t.dissatisfied, t.qr_good_reviews, count(*) OVER ()::int AS total
                 FROM ledger_daily_followup t WHERE t.unit_id = $1 AND t.deleted_at IS NULL AND t.cases >= 20
                ORDER BY t.report_date DESC NULLS LAST, t.id DESC LIMIT 501`;
  // steady state: both warm up first (the server's compiled query and JIT, the plan, the caches),
  // then alternate; medians of the measured runs
  const WARM_UP = 20;
  const ours: number[] = [];
  const baseline: number[] = [];
  for (let run = 0; run < WARM_UP + 40; run += 1) {
    ours.push(
      await timed(async () => {
        const response = await product.api.post<{ rows: { edges: unknown[] } }>(
          query,
          { unit: String(unit) },
          product.token,
        );
        expect(response.data?.rows.edges.length, JSON.stringify(response.errors)).toBe(500);
      }),
    );
    baseline.push(await timed(() => product.pool.query(sql, [unit])));
  }
  const oursMs = median(ours.slice(WARM_UP));
  const baseMs = median(baseline.slice(WARM_UP));
  cases.push(judge('page of 500 of 1M rows (rows vs SQL)', oursMs, baseMs, '<= 2'));
  cases.push(judge('page of 500 of 1M rows, absolute', oursMs, null, '< 50ms'));
});
