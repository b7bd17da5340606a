import { afterAll, beforeAll, expect, it } from 'vitest';
import { dailyReport, plainDailyInsert, startBenchProduct, type BenchProduct, type DailyReport } from './bench-product';
import { judge, median, timed, writeResults, type BenchCase } from './bench-results';

/**
 * rows: saving 10,000 daily-report rows through saveRows (GraphQL over HTTP, validation and
 * history included) against a plain multi-row INSERT with pg; and pages of 500 rows of one unit
 * of a ledger of 1,000,000 rows across 200 units, against a DBA's SQL on a plain copy of the table.
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
const reportRow = (i: number) => dailyReport(i);

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
const plainInsert = (rows: { unit: number; row: DailyReport }[]) =>
  plainDailyInsert(
    product.pool,
    'ledger_typed_daily',
    rows.map(({ unit, row }) => ({ unit, report: row })),
  );

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

/**
 * What the daily sums' triggers (docs/scale.md "Maintained aggregates") cost a save: 10,000 rows
 * through saveRows into the typed daily report (which has sums) with its three tzd_… triggers
 * enabled and disabled (as the owner, between the saves), alternating, each into a unit of its own;
 * medians of five after one of each. (The saves without triggers leave the sums behind the rows:
 * nothing after this case reads them.)
 */
it('measures what the daily sums cost a 10,000-row save', async () => {
  const { pool } = product;
  const triggers = (
    (await pool.query(
      `SELECT tgname FROM pg_trigger WHERE tgrelid = 'ledger_typed_daily'::regclass AND tgname LIKE 'tzd\\_%'`,
    )) as { rows: { tgname: string }[] }
  ).rows.map((r) => r.tgname);
  expect(triggers).toHaveLength(3);
  const toggle = async (on: boolean) => {
    for (const name of triggers)
      await pool.query(`ALTER TABLE ledger_typed_daily ${on ? 'ENABLE' : 'DISABLE'} TRIGGER "${name}"`);
  };
  const save = (unit: number, offset: number) =>
    timed(async () => {
      const rows = Array.from({ length: BATCH }, (_, i) => reportRow(i + offset));
      const response = await product.api.post<{ saveRows: { saved: number } }>(
        `mutation ($unit: ID, $changes: [RowChangeInput!]!) { saveRows(ledger: "typed_daily", unitId: $unit, changes: $changes) { saved } }`,
        { unit: String(unit), changes: rows.map((values) => ({ op: 'INSERT', values })) },
        product.token,
      );
      expect(response.data?.saveRows.saved, JSON.stringify(response.errors)).toBe(BATCH);
    });
  const withSums: number[] = [];
  const without: number[] = [];
  try {
    for (let run = 0; run < 6; run += 1) {
      withSums.push(await save(product.unitIds[100 + run], 0));
      await toggle(false);
      without.push(await save(product.unitIds[110 + run], 0));
      await toggle(true);
    }
  } finally {
    await toggle(true);
  }
  const [w, wo] = [median(withSums.slice(1)), median(without.slice(1))];
  console.log(
    `\n10,000-row saveRows: with the daily sums' triggers ${w.toFixed(1)} ms, without ${wo.toFixed(1)} ms (runs with: ${withSums
      .map((x) => x.toFixed(0))
      .join(', ')}; without: ${without.map((x) => x.toFixed(0)).join(', ')})`,
  );
  cases.push(
    judge("10k-row saveRows with the daily sums' triggers vs without (their cost to a save)", w, wo, '<= 1.3'),
  );
}, 600_000);

/** The name of a table's unit-order index (tzo_…, ledger-core compile/table-state.ts `unitOrdered`). */
async function unitOrderIndex(table: string): Promise<string> {
  const [{ indexname }] = (
    await product.pool.query(
      `SELECT indexname FROM pg_indexes WHERE tablename = $1 AND indexname LIKE 'tzo\\_%' ORDER BY indexname LIMIT 1`,
      [table],
    )
  ).rows;
  return indexname as string;
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of `sql`: as the owner, or as the product's row role under row-level
 * security in `unit`; `without` an index dropped for the while (the transaction is rolled back).
 */
async function explain(sql: string, params: unknown[], asRowRole: number | null, without?: string): Promise<string> {
  const client = await product.pool.connect();
  try {
    await client.query('BEGIN');
    if (without) await client.query(`DROP INDEX "${without}"`);
    if (asRowRole !== null)
      await client.query(
        `SELECT set_config('role', 'taizhang_rows', true), set_config('taizhang.unit_ids', $1, true)`,
        [String(asRowRole)],
      );
    const plan = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
    return plan.rows.map((r) => `    ${r['QUERY PLAN'] as string}`).join('\n');
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

/** Steady state: both warm up first (the server's compiled query, the plan, the caches), then alternate; medians. */
async function comparePage(
  query: string,
  variables: Record<string, unknown>,
  rows: number,
  baseline: () => Promise<unknown>,
): Promise<{ ours: number; baseline: number }> {
  const WARM_UP = 20;
  const ours: number[] = [];
  const base: number[] = [];
  for (let run = 0; run < WARM_UP + 40; run += 1) {
    ours.push(
      await timed(async () => {
        const response = await product.api.post<{ rows: { edges: unknown[] } }>(query, variables, product.token);
        expect(response.data?.rows.edges.length, JSON.stringify(response.errors)).toBe(rows);
      }),
    );
    base.push(await timed(baseline));
  }
  return { ours: median(ours.slice(WARM_UP)), baseline: median(base.slice(WARM_UP)) };
}

/**
 * Pages of 500 rows of one unit of a ledger of 1,000,000 rows (200 units × 5,000 days). The
 * baseline is what a DBA writes: the same rows in `dba_daily_followup`, a plain copy of the table
 * (no row-level security, no other indexes) with the index a DBA adds for a unit's newest rows,
 * (unit_id, report_date DESC, id DESC), read as the owner; the total by a scalar subquery in the
 * same statement (one round trip, as ours). The old comparison (our API against our own SQL on our
 * own table) is kept as one case, named so.
 */
it('reads a page of 500 of one unit of 1,000,000 rows within 2× of a DBA’s SQL and under 50 ms', async () => {
  const { pool } = product;
  await pool.query(`DELETE FROM ledger_daily_followup`);
  await pool.query(`DELETE FROM row_history`);
  await pool.query(
    `INSERT INTO ledger_daily_followup (unit_id, period, def_version, report_date, cases, follow_ups, follow_up_rate, dissatisfied, qr_good_reviews)
     SELECT u, d::text, 1, d, c, f, f::numeric / c, f % 3, c % 7
       FROM unnest($1::int[]) AS u,
            LATERAL generate_series(0, $2 - 1) AS i,
            LATERAL (SELECT (date '2010-01-01' + i) AS d, 5 + (i * 7 + u) % 40 AS c) x,
            LATERAL (SELECT c - (i % 4) AS f) y`,
    [product.unitIds, ROWS_PER_UNIT],
  );
  await pool.query(`DROP TABLE IF EXISTS dba_daily_followup`);
  await pool.query(
    `CREATE TABLE dba_daily_followup AS
       SELECT id, unit_id, period, version, updated_at, deleted_at, report_date, cases, follow_ups, follow_up_rate,
              dissatisfied, qr_good_reviews
         FROM ledger_daily_followup`,
  );
  await pool.query(`ALTER TABLE dba_daily_followup ADD PRIMARY KEY (id)`);
  await pool.query(
    `CREATE INDEX dba_daily_followup_unit_date ON dba_daily_followup (unit_id, report_date DESC, id DESC)`,
  );
  await pool.query('VACUUM ANALYZE ledger_daily_followup');
  await pool.query('VACUUM ANALYZE dba_daily_followup');
  // the million rows written out now, not by the checkpointer while the page is being timed
  await pool.query('CHECKPOINT');
  const [{ n }] = (await pool.query(`SELECT count(*)::int AS n FROM ledger_daily_followup`)).rows;
  expect(n).toBe(UNITS * ROWS_PER_UNIT);

  const unit = product.unitIds[57];
  const columns = `id, unit_id, period, version, updated_at, report_date, cases, follow_ups, follow_up_rate, dissatisfied, qr_good_reviews`;
  const page = (filter: string, total: boolean) =>
    `query ($unit: ID) { rows(ledger: "daily_followup", unitId: $unit${filter}, orderBy: [{ field: "report_date", desc: true }], first: 500) {
      ${total ? 'totalCount ' : ''}edges { node { id version values } } } }`;
  /** The DBA's page (`condition`: on a column, e.g. 'cases >= 20'), with its total when asked. */
  const dba = (condition: string | null, total: boolean) => {
    const and = (alias: string) => (condition ? ` AND ${alias}.${condition}` : '');
    const count = `(SELECT count(*) FROM dba_daily_followup c WHERE c.unit_id = $1 AND c.deleted_at IS NULL${and('c')})::int AS total`;
    return `SELECT ${columns}${total ? `, ${count}` : ''}
              FROM dba_daily_followup t WHERE t.unit_id = $1 AND t.deleted_at IS NULL${and('t')}
             ORDER BY t.report_date DESC, t.id DESC LIMIT 501`;
  };
  // what the product sends (rows.service.ts): the page, then its count, as the row role
  const ourPageSql = `SELECT ${columns} FROM ledger_daily_followup t WHERE t.deleted_at IS NULL AND t.unit_id = $1
                       ORDER BY t.report_date DESC NULLS LAST, t.id DESC LIMIT 501`;
  const ourCountSql = `SELECT count(*)::int AS n FROM ledger_daily_followup t WHERE t.deleted_at IS NULL AND t.unit_id = $1`;
  console.log(
    `\nour page as the row role:\n${await explain(ourPageSql, [unit], unit)}\nour count as the row role:\n${await explain(ourCountSql, [unit], unit)}` +
      `\nthe DBA's page with its count, as the owner:\n${await explain(dba(null, true), [unit], null)}`,
  );

  // before this issue's changes, in the same run: the page with its count as a window (the old
  // query) without the unit-order index (dropped inside a transaction that is rolled back)
  const oldPageSql = `SELECT ${columns}, count(*) OVER ()::int AS _total FROM ledger_daily_followup t
                       WHERE t.deleted_at IS NULL AND t.unit_id = ANY($1) ORDER BY t.report_date DESC NULLS LAST, t.id DESC LIMIT 501`;
  console.log(
    `\nbefore: the old page query, without the unit-order index, as the row role:\n${await explain(oldPageSql, [[unit]], unit, await unitOrderIndex('ledger_daily_followup'))}`,
  );

  const newest = await comparePage(page('', true), { unit: String(unit) }, 500, () =>
    pool.query(dba(null, true), [unit]),
  );
  cases.push(
    judge(
      'page of 500 of one unit of 1M rows, newest first, with totalCount (rows vs DBA SQL)',
      newest.ours,
      newest.baseline,
      '<= 2',
    ),
  );
  cases.push(
    judge('page of 500 of one unit of 1M rows, newest first, with totalCount, absolute', newest.ours, null, '< 50ms'),
  );

  const bare = await comparePage(page('', false), { unit: String(unit) }, 500, () =>
    pool.query(dba(null, false), [unit]),
  );
  cases.push(
    judge(
      'page of 500 of one unit of 1M rows, newest first, no totalCount (rows vs DBA SQL)',
      bare.ours,
      bare.baseline,
      '<= 2',
    ),
  );

  const filtered = await comparePage(page(', filter: { cases: { gte: 20 } }', true), { unit: String(unit) }, 500, () =>
    pool.query(dba('cases >= 20', true), [unit]),
  );
  cases.push(
    judge(
      'page of 500 of one unit of 1M rows, cases >= 20, newest first, with totalCount (rows vs DBA SQL)',
      filtered.ours,
      filtered.baseline,
      '<= 2',
    ),
  );

  // the old comparison: our API against our own query of before (the count as a window over the
  // page) on our own table and indexes, as the owner
  const ownSql = `SELECT t.id, t.unit_id, t.period, t.version, t.updated_at, t.report_date, t.cases, t.follow_ups, t.follow_up_rate,
                         t.dissatisfied, t.qr_good_reviews, count(*) OVER ()::int AS total
                    FROM ledger_daily_followup t WHERE t.unit_id = $1 AND t.deleted_at IS NULL AND t.cases >= 20
                   ORDER BY t.report_date DESC NULLS LAST, t.id DESC LIMIT 501`;
  const own = await comparePage(page(', filter: { cases: { gte: 20 } }', true), { unit: String(unit) }, 500, () =>
    pool.query(ownSql, [unit]),
  );
  cases.push(
    judge(
      'page of 500, cases >= 20, with totalCount (rows vs our own SQL of before on our table; old baseline)',
      own.ours,
      own.baseline,
      '<= 2',
    ),
  );

  // counting every row of the ledger: totalCount of all units (an admin, no unit asked) against
  // count(*) of the live rows as the owner on the plain copy
  const countAll = `query { rows(ledger: "daily_followup", first: 0) { totalCount edges { node { id } } } }`;
  const countSql = `SELECT count(*)::int AS n FROM dba_daily_followup WHERE deleted_at IS NULL`;
  console.log(
    `\ncounting all rows, ours as the row role (all units):\n${await explainAllUnits(`SELECT count(*)::int AS n FROM ledger_daily_followup t WHERE t.deleted_at IS NULL`)}` +
      `\ncount(*) as the owner on the copy:\n${await explain(countSql, [], null)}`,
  );
  const counted = await comparePage(countAll, {}, 0, () => pool.query(countSql));
  cases.push(
    judge(
      'count all 1M rows: rows totalCount, every unit (rows vs count(*) as the owner)',
      counted.ours,
      counted.baseline,
      '<= 1.3',
    ),
  );
}, 600_000);

/** EXPLAIN (ANALYZE, BUFFERS) as the row role with every unit in scope (an admin's read). */
async function explainAllUnits(sql: string): Promise<string> {
  const client = await product.pool.connect();
  try {
    await client.query(
      `BEGIN READ ONLY; SELECT set_config('role', 'taizhang_rows', true), set_config('taizhang.all_units', 'on', true)`,
    );
    const plan = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`);
    return plan.rows.map((r) => `    ${r['QUERY PLAN'] as string}`).join('\n');
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

/**
 * What the unit-order index costs a save: 10,000 new rows (one unit, 10,000 days) inserted by one
 * multi-row INSERT … SELECT as the owner into the 1,000,000-row table, with the index and with it
 * dropped, each in a transaction rolled back; alternating, medians of five after one of each.
 */
it('measures what the unit-order index costs a 10,000-row insert', async () => {
  const { pool } = product;
  const index = await unitOrderIndex('ledger_daily_followup');
  const unit = product.unitIds[199];
  const insert = `INSERT INTO ledger_daily_followup (unit_id, period, def_version, report_date, cases, follow_ups, follow_up_rate, dissatisfied, qr_good_reviews)
                  SELECT $1, d::text, 1, d, 10, 5, 0.5, 1, 2 FROM generate_series(0, 9999) AS i, LATERAL (SELECT date '1980-01-01' + i AS d) x`;
  const once = async (withIndex: boolean) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      if (!withIndex) await client.query(`DROP INDEX "${index}"`);
      return await timed(() => client.query(insert, [unit]));
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  };
  const withIt: number[] = [];
  const without: number[] = [];
  for (let run = 0; run < 6; run += 1) {
    withIt.push(await once(true));
    without.push(await once(false));
  }
  const [w, wo] = [median(withIt.slice(1)), median(without.slice(1))];
  console.log(`\n10,000-row insert: with the unit-order index ${w.toFixed(1)} ms, without ${wo.toFixed(1)} ms`);
  cases.push(judge('10k-row insert with the unit-order index vs without (its cost to a save)', w, wo, '<= 1.3'));
}, 300_000);
