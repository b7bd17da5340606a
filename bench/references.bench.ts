import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROWS_ROLE } from '@taizhang/ledger-core';
import { startBenchProduct, type BenchProduct } from './bench-product';
import { judge, median, percentile, timed, writeResults, type BenchCase } from './bench-results';

/**
 * references: the reference picker (`referenceOptions`, a rectification's 关联办件编号) searching
 * 100,000 window cases of one unit, through GraphQL, against the ranked search a DBA would write
 * by hand on the indexes a DBA would add (pg_trgm GIN indexes on the searched texts) — on a copy
 * of the same table, so that ours runs on the product's own indexes and the baseline on the DBA's,
 * alternating in the same run.
 */
const ROWS = 100_000;
const WARM_UP = 10;
const RUNS = 60;

const SEARCHES = [
  { name: 'prefix of a case number', search: 'HJ-2026-0123' },
  { name: "contains of an applicant's name", search: '建华' },
  { name: 'common short search', search: '李' },
];

let product: BenchProduct;
const cases: BenchCase[] = [];

beforeAll(async () => {
  product = await startBenchProduct(1);
}, 600_000);

afterAll(async () => {
  await product?.stop();
  if (cases.length > 0) writeResults('references', cases);
});

/** The search the DBA writes: the picker's own filter and ranking, on the copy with their indexes. */
const BASELINE_SQL = `
  SELECT r.id, r.case_no AS label, NULLIF(concat_ws(' · ', r.service_item, r.applicant), '') AS hint
    FROM dba_window_case r
   WHERE r.unit_id = $1 AND r.deleted_at IS NULL
     AND (r.case_no ILIKE $2 OR r.service_item ILIKE $2 OR r.applicant ILIKE $2)
   ORDER BY (r.case_no = $4) DESC, (r.case_no ILIKE $3) DESC, (r.case_no ILIKE $2) DESC, r.id DESC
   LIMIT 20`;

it('searches 100,000 cases for the reference picker in under 100 ms, within 2× of hand-written SQL', async () => {
  const unit = product.unitIds[0];
  // made-up cases: numbers in order, applicants from 20 surnames × 50 given names, 30 service items
  await product.pool.query(
    `INSERT INTO ledger_window_case (unit_id, def_version, case_no, accepted_at, service_item, applicant, status)
     SELECT $1, 1, 'HJ-2026-' || lpad(i::text, 6, '0'), timestamptz '2026-01-01 09:00+08' + i * interval '5 minutes',
            (ARRAY['营业执照变更','社保卡补办','不动产登记','户籍迁移','医保报销','个体工商户注册','食品经营许可','道路运输许可',
                   '建筑工程施工许可','公积金提取','退休审批','残疾人证办理','居住证办理','出生登记','婚姻登记','税务登记',
                   '排污许可','林木采伐许可','农机购置补贴','低保申请','临时救助','养老保险参保','失业登记','就业创业证',
                   '身份证换领','驾驶证换证','车辆年检','宅基地审批','取水许可','药品经营许可'])[1 + i % 30],
            (ARRAY['李','王','张','刘','陈','杨','赵','黄','周','吴','徐','孙','胡','朱','高','林','何','郭','马','罗'])[1 + i % 20]
              || (ARRAY['伟','芳','娜','敏','静','丽','强','磊','军','洋','勇','艳','杰','娟','涛','明','超','秀英','霞','平',
                        '刚','桂英','建华','建国','建军','志强','志明','秀兰','玉兰','海燕','红梅','文华','国强','国华','晓东',
                        '晓明','小红','春梅','凤英','立新','德华','振华','宏伟','永刚','金凤','子涵','雨萱','浩然','梓轩','欣怡'])[1 + (i / 20) % 50],
            '办结'
       FROM generate_series(1, $2) AS i`,
    [unit, ROWS],
  );
  // the DBA's copy: the same table and its indexes, plus trigram indexes on the texts searched
  await product.pool.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
  await product.pool.query(`CREATE TABLE dba_window_case (LIKE ledger_window_case INCLUDING ALL)`);
  await product.pool.query(`INSERT INTO dba_window_case OVERRIDING SYSTEM VALUE SELECT * FROM ledger_window_case`);
  for (const column of ['case_no', 'service_item', 'applicant'])
    await product.pool.query(`CREATE INDEX ON dba_window_case USING gin (${column} gin_trgm_ops)`);
  await product.pool.query('VACUUM ANALYZE ledger_window_case');
  await product.pool.query('VACUUM ANALYZE dba_window_case');
  await product.pool.query('CHECKPOINT');

  const query = `query ($unit: ID, $search: String!) {
    referenceOptions(ledger: "rectification", field: "case_ref", unitId: $unit, search: $search, first: 20) { id label hint } }`;
  const escaped = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
  for (const { name, search } of SEARCHES) {
    const ours: number[] = [];
    const baseline: number[] = [];
    let ourIds: string[] = [];
    let theirIds: string[] = [];
    for (let run = 0; run < WARM_UP + RUNS; run += 1) {
      ours.push(
        await timed(async () => {
          const response = await product.api.post<{ referenceOptions: { id: string }[] }>(
            query,
            { unit: String(unit), search },
            product.token,
          );
          expect(response.errors).toBeUndefined();
          ourIds = response.data!.referenceOptions.map((o) => String(o.id));
        }),
      );
      baseline.push(
        await timed(async () => {
          const found = await product.pool.query(BASELINE_SQL, [
            unit,
            `%${escaped(search)}%`,
            `${escaped(search)}%`,
            search,
          ]);
          theirIds = found.rows.map((r) => String(r.id));
        }),
      );
    }
    // the same answer, or the comparison means nothing
    expect(ourIds).toHaveLength(20);
    expect(ourIds).toEqual(theirIds);
    const [o, b] = [ours.slice(WARM_UP), baseline.slice(WARM_UP)];
    const p95 = { ours_p95_ms: round(percentile(o, 95)), baseline_p95_ms: round(percentile(b, 95)) };
    cases.push({ ...judge(`${name} (p50, referenceOptions vs SQL)`, median(o), median(b), '<= 2'), ...p95 });
    cases.push({ ...judge(`${name} (p95, absolute)`, percentile(o, 95), null, '< 100ms'), ...p95 });
  }
});

const round = (ms: number) => Math.round(ms * 10) / 10;

/**
 * The plans of a case number's search as the product runs it: as the row role, under row-level
 * security. ILIKE (texticlike) is not leakproof, so PostgreSQL may not use it in an index scan
 * ahead of the policy's filter: with or without a trigram index, it reads every row of the unit;
 * `starts_with` is, and the (unit_id, case_no text_pattern_ops) index the compiler makes for a
 * ledger's display serves it (bench/README.md, "references").
 */
it('prints the plans the row role gets for a case number: ILIKE with a trigram index there, and starts_with', async () => {
  const unit = product.unitIds[0];
  await product.pool.query(`CREATE INDEX probe_case_no_trgm ON ledger_window_case USING gin (case_no gin_trgm_ops)`);
  const client = await product.pool.connect();
  try {
    await client.query(
      `BEGIN READ ONLY; SELECT set_config('role', '${ROWS_ROLE}', true), set_config('taizhang.all_units', 'off', true), set_config('taizhang.unit_ids', '${unit}', true)`,
    );
    const plan = await client.query(
      `EXPLAIN (ANALYZE, COSTS OFF) SELECT r.id FROM ledger_window_case r
        WHERE r.unit_id = $1 AND r.deleted_at IS NULL AND r.case_no ILIKE $2 ORDER BY r.id DESC LIMIT 20`,
      [unit, '%HJ-2026-0123%'],
    );
    console.log(`\nthe row role's plan for ILIKE:\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}`);
    const prefix = await client.query(
      `EXPLAIN (ANALYZE, COSTS OFF) SELECT r.id FROM ledger_window_case r
        WHERE r.unit_id = $1 AND r.deleted_at IS NULL AND starts_with(r.case_no, $2) ORDER BY r.id DESC LIMIT 20`,
      [unit, 'HJ-2026-0123'],
    );
    const lines = prefix.rows.map((r) => r['QUERY PLAN'] as string);
    console.log(`\nthe row role's plan for starts_with:\n${lines.join('\n')}`);
    expect(lines.some((line) => line.includes('Index'))).toBe(true);
  } finally {
    await client.query('ROLLBACK');
    client.release();
    await product.pool.query(`DROP INDEX probe_case_no_trgm`);
  }
});
