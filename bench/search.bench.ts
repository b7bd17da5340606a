import { afterAll, beforeAll, expect, it } from 'vitest';
import { signInToken } from '@taizhang/testing';
import { ROWS_ROLE } from '@taizhang/ledger-core';
import { startBenchProduct, type BenchProduct } from './bench-product';
import { judge, median, percentile, timed, writeResults, type BenchCase } from './bench-results';

/**
 * search: the grid's search box (`rows(search:)`, issue 22) over 1,000,000 window cases of 200
 * units (inserted with SQL, through the product's triggers), as the grid asks when a search is
 * typed — the first page of 200 rows without its total and, beside it, the count (`first: 0`,
 * totalCount), two requests sent together (GridController.reload) — as a clerk of one unit and as
 * the admin over every unit, against the SQL a DBA writes (the same page and count, ILIKE over the
 * same texts, sent together too) on a copy of the table with the DBA's pg_trgm GIN indexes, as the
 * owner, alternating in the same run. The page (when the rows show) and the count (when the
 * scrollbar knows its length) are timed each from the start. `BENCH_SEARCH_ROWS` makes fewer rows
 * for a trial.
 */
const ROWS = Number(process.env.BENCH_SEARCH_ROWS ?? 1_000_000);
const UNITS = 200;
const WARM_UP = 5;
const RUNS = 30;
/** The grid's window (apps/web grid-window.ts WINDOW_PAGE). */
const PAGE = 200;
const PASSWORD = 'Bench@2026-search';

interface Search {
  name: string;
  search: string;
  /** The grid's sort (default: by id) and the DBA's ORDER BY for it. */
  orderBy?: { field: string; desc: boolean }[];
  order?: string;
  /** The grid's filter and the DBA's condition for it. */
  filter?: Record<string, unknown>;
  where?: string;
}
const SEARCHES: Search[] = [
  { name: 'rare Chinese (材料丢失, 1 row in 2,000)', search: '材料丢失' },
  { name: 'common Chinese (李, 1 row in 20)', search: '李' },
  { name: 'case-number fragment (2026-0012)', search: '2026-0012' },
  { name: 'a word in every row (窗, the handler 窗口…号经办人)', search: '窗' },
  {
    name: 'common Chinese (李), newest accepted first',
    search: '李',
    orderBy: [{ field: 'accepted_at', desc: true }],
    order: 'r.accepted_at DESC NULLS LAST, r.id DESC',
  },
  {
    name: 'common Chinese (李) with a filter (status 办结)',
    search: '李',
    filter: { status: '办结' },
    where: `r.status = '办结'`,
  },
];
/** The searched texts of a window case (the types that say `searched`). */
const TEXTS = ['case_no', 'service_item', 'applicant', 'phone', 'handler', 'remark'];

let product: BenchProduct;
let clerk: { token: string; unitId: number };
const cases: BenchCase[] = [];

beforeAll(async () => {
  product = await startBenchProduct(UNITS);
  // the rows' unit is unitIds[i mod 200]: the clerk's has i = 1 mod 200, among them some of each search's
  const unitId = product.unitIds[1];
  const made = await product.api.post<{ createUser: { id: string } }>(
    'mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }',
    {
      input: {
        username: 'bench-search',
        displayName: '压测填报员',
        role: 'CLERK',
        unitId: String(unitId),
        password: PASSWORD,
      },
    },
    product.token,
  );
  if (made.errors) throw new Error(JSON.stringify(made.errors));
  await product.pool.query(`UPDATE users SET must_change_password = false WHERE username = 'bench-search'`);
  clerk = { unitId, token: await signInToken(product.server.url, 'bench-search', PASSWORD) };
}, 600_000);

afterAll(async () => {
  await product?.stop();
  if (cases.length > 0) writeResults('search', cases);
});

/** Made-up cases i in [from, to): unit i mod 200; names from 20 surnames × 50 given names; one remark in 1,999 says 材料丢失. */
const insertSql = (table: string) => `
  INSERT INTO ${table} (unit_id, def_version, case_no, accepted_at, service_item, applicant, phone, handler, status, remark)
  SELECT ($3::int[])[1 + i % ${UNITS}], 1, 'HJ-2026-' || lpad(i::text, 7, '0'),
         timestamptz '2026-01-01 09:00+08' + i * interval '1 minute',
         (ARRAY['营业执照变更','社保卡补办','不动产登记','户籍迁移','医保报销','个体工商户注册','食品经营许可','道路运输许可',
                '建筑工程施工许可','公积金提取','退休审批','残疾人证办理','居住证办理','出生登记','婚姻登记','税务登记',
                '排污许可','林木采伐许可','农机购置补贴','低保申请','临时救助','养老保险参保','失业登记','就业创业证',
                '身份证换领','驾驶证换证','车辆年检','宅基地审批','取水许可','药品经营许可'])[1 + i % 30],
         (ARRAY['王','张','刘','陈','杨','赵','黄','周','吴','徐','孙','胡','朱','高','林','何','郭','马','罗','李'])[1 + (i / 200) % 20]
           || (ARRAY['伟','芳','娜','敏','静','丽','强','磊','军','洋','勇','艳','杰','娟','涛','明','超','秀英','霞','平',
                     '刚','桂英','建华','建国','建军','志强','志明','秀兰','玉兰','海燕','红梅','文华','国强','国华','晓东',
                     '晓明','小红','春梅','凤英','立新','德华','振华','宏伟','永刚','金凤','子涵','雨萱','浩然','梓轩','欣怡'])[1 + (i / 4000) % 50],
         '139' || lpad(((i::bigint * 7919) % 100000000)::text, 8, '0'),
         (ARRAY['窗口一','窗口二','窗口三','窗口四','窗口五'])[1 + i % 5] || '号经办人',
         '办结',
         CASE WHEN i % 1999 = 1 THEN '申请人反映材料丢失，已补办' WHEN i % 10 = 0 THEN '已电话回访' END
    FROM generate_series($1::int, $2::int - 1) AS i`;

/** The first page and the count a DBA writes, ILIKE over the texts (their trigram indexes serve it). */
const baselineSql = (scoped: boolean, search: Search) => {
  const where = `${scoped ? 'r.unit_id = $2 AND ' : ''}r.deleted_at IS NULL AND (${TEXTS.map((c) => `r.${c} ILIKE $1`).join(' OR ')})${search.where ? ` AND ${search.where}` : ''}`;
  return {
    page: `SELECT r.* FROM dba_window_case r WHERE ${where} ORDER BY ${search.order ?? 'r.id'} LIMIT ${PAGE + 1}`,
    count: `SELECT count(*)::int AS n FROM dba_window_case r WHERE ${where}`,
  };
};

const READ = (withTotal: boolean) => `query ($unit: ID, $search: String, $orderBy: [OrderInput!], $filter: JSON) {
  rows(ledger: "window_case", unitId: $unit, search: $search, orderBy: $orderBy, filter: $filter, first: ${withTotal ? 0 : PAGE}) {
    ${withTotal ? 'totalCount' : 'edges { node { id values } }'} } }`;
/** The grid's first page (RowsWindow) and its count (RowsPage with first: 0). */
const PAGE_QUERY = READ(false);
const COUNT_QUERY = READ(true);
const escaped = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
const round = (ms: number) => Math.round(ms * 10) / 10;

it(`searches ${ROWS.toLocaleString('en')} cases: the first page under 100 ms and within 3× of hand-written SQL`, async () => {
  const units = product.unitIds;
  const chunk = 100_000;
  const loadStarted = Date.now();
  for (let from = 1; from <= ROWS; from += chunk) {
    await product.pool.query(insertSql('ledger_window_case'), [from, Math.min(ROWS + 1, from + chunk), units]);
  }
  console.log(
    `\n${ROWS} cases inserted through the search triggers in ${Math.round((Date.now() - loadStarted) / 1000)} s`,
  );
  // the DBA's copy: the same rows and indexes, plus a trigram index on each searched text
  const copyStarted = Date.now();
  await product.pool.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
  await product.pool.query(`CREATE TABLE dba_window_case (LIKE ledger_window_case INCLUDING ALL)`);
  await product.pool.query(`INSERT INTO dba_window_case OVERRIDING SYSTEM VALUE SELECT * FROM ledger_window_case`);
  for (const column of TEXTS)
    await product.pool.query(`CREATE INDEX ON dba_window_case USING gin (${column} gin_trgm_ops)`);
  console.log(`the DBA's copy and trigram indexes made in ${Math.round((Date.now() - copyStarted) / 1000)} s`);
  for (const table of ['ledger_window_case', 'ledger_window_case__search', 'dba_window_case'])
    await product.pool.query(`VACUUM ANALYZE ${table}`);
  await product.pool.query('CHECKPOINT');
  const sizes = await product.pool.query(
    `SELECT pg_size_pretty(pg_total_relation_size('ledger_window_case')) AS cases,
            pg_size_pretty(pg_total_relation_size('ledger_window_case__search')) AS search,
            pg_size_pretty(pg_total_relation_size('dba_window_case') - pg_total_relation_size('ledger_window_case')) AS trigram_indexes`,
  );
  console.log('sizes', sizes.rows[0]);

  for (const scope of ['clerk', 'admin'] as const) {
    for (const searched of SEARCHES) {
      const { name, search } = searched;
      const token = scope === 'clerk' ? clerk.token : product.token;
      const sql = baselineSql(scope === 'clerk', searched);
      const params = scope === 'clerk' ? [`%${escaped(search)}%`, clerk.unitId] : [`%${escaped(search)}%`];
      const ours = { page: [] as number[], count: [] as number[] };
      const baseline = { page: [] as number[], count: [] as number[] };
      let ourPage: { ids: string[]; total: number } = { ids: [], total: -1 };
      let theirPage: { ids: string[]; total: number } = { ids: [], total: -2 };
      /** Both sent at once; each one's time from the start. */
      const together = async <P, C>(page: () => Promise<P>, count: () => Promise<C>) => {
        const started = performance.now();
        const since = <T>(work: Promise<T>) => work.then((answer) => ({ answer, ms: performance.now() - started }));
        const [p, c] = await Promise.all([since(page()), since(count())]);
        return { page: p, count: c };
      };
      const variables = { search, orderBy: searched.orderBy ?? null, filter: searched.filter ?? null };
      for (let run = 0; run < WARM_UP + RUNS; run += 1) {
        const mine = await together(
          () => product.api.post<{ rows: { edges: { node: { id: string } }[] } }>(PAGE_QUERY, variables, token),
          () => product.api.post<{ rows: { totalCount: number } }>(COUNT_QUERY, variables, token),
        );
        expect(mine.page.answer.errors).toBeUndefined();
        expect(mine.count.answer.errors).toBeUndefined();
        ourPage = {
          ids: mine.page.answer.data!.rows.edges.map((e) => e.node.id),
          total: mine.count.answer.data!.rows.totalCount,
        };
        const theirs = await together(
          () => product.pool.query(sql.page, params),
          () => product.pool.query(sql.count, params),
        );
        theirPage = {
          ids: theirs.page.answer.rows.slice(0, PAGE).map((r) => String(r.id)),
          total: Number(theirs.count.answer.rows[0].n),
        };
        if (run < WARM_UP) continue;
        ours.page.push(mine.page.ms);
        ours.count.push(mine.count.ms);
        baseline.page.push(theirs.page.ms);
        baseline.count.push(theirs.count.ms);
      }
      // the same answer, or the comparison means nothing
      expect(ourPage).toEqual(theirPage);
      const label = `${scope}: ${name}, ${ourPage.total} matches`;
      for (const part of ['page', 'count'] as const) {
        const [o, b] = [ours[part], baseline[part]];
        const p95 = { ours_p95_ms: round(percentile(o, 95)), baseline_p95_ms: round(percentile(b, 95)) };
        const what = part === 'page' ? `the first ${PAGE} rows` : 'the count';
        cases.push({ ...judge(`${label}: ${what} (p50, rows vs SQL)`, median(o), median(b), '<= 3'), ...p95 });
        // the rows show when the page comes; the count follows (the scrollbar's length)
        if (part === 'page')
          cases.push({ ...judge(`${label}: ${what} (p95, absolute)`, percentile(o, 95), null, '< 100ms'), ...p95 });
      }
    }
  }

  // what the search costs a save: 10,000 rows inserted with its triggers and without them
  // (disabled for the measurement), each in a transaction rolled back, alternating
  const client = await product.pool.connect();
  const withSearch: number[] = [];
  const without: number[] = [];
  try {
    const [{ trigger }] = (
      await client.query(
        `SELECT tgname AS trigger FROM pg_trigger WHERE tgrelid = 'ledger_window_case'::regclass AND tgname LIKE 'tzs\\_%\\_i'`,
      )
    ).rows as { trigger: string }[];
    for (let run = 0; run < 6; run += 1) {
      for (const on of [true, false]) {
        await client.query(`BEGIN; SELECT set_config('taizhang.all_units', 'on', true)`);
        if (!on) await client.query(`ALTER TABLE ledger_window_case DISABLE TRIGGER "${trigger}"`);
        const ms = await timed(() => client.query(insertSql('ledger_window_case'), [ROWS + 1, ROWS + 10_001, units]));
        await client.query('ROLLBACK');
        if (run > 0) (on ? withSearch : without).push(ms);
      }
    }
  } finally {
    client.release();
  }
  cases.push({
    ...judge(
      'insert of 10,000 cases (SQL), with the search triggers vs without',
      median(withSearch),
      median(without),
      '<= 3',
    ),
  });
}, 3_600_000);

/** The row role's plan for a search, as the product runs it (printed for bench/README.md). */
it('prints the plan of an admin search as the row role', async () => {
  const client = await product.pool.connect();
  try {
    await client.query(
      `BEGIN READ ONLY; SELECT set_config('role', '${ROWS_ROLE}', true), set_config('taizhang.all_units', 'on', true), set_config('taizhang.unit_ids', '', true)`,
    );
    const plan = await client.query(
      `EXPLAIN (ANALYZE, COSTS OFF) SELECT t.id FROM ledger_window_case t
        WHERE t.deleted_at IS NULL AND (t.unit_id, t.id) IN (SELECT f.unit_id, f.id FROM tzq_search_probe($1) f)
        ORDER BY t.id LIMIT 101`.replace(
        'tzq_search_probe',
        (
          await client.query(
            `SELECT proname FROM pg_proc WHERE proname LIKE 'tzq\\_%' AND prosrc LIKE '%ledger_window_case__search%'`,
          )
        ).rows[0].proname as string,
      ),
      ['材料丢失'],
    );
    console.log(`\nthe row role's plan:\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}`);
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
});
