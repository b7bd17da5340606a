import pg from 'pg';
import {
  createTestDatabase,
  keepAliveGraphQL,
  postGraphQL,
  startProductServer,
  type ProductServer,
  type TestDatabase,
} from '@taizhang/testing';

const ADMIN_PASSWORD = 'Taizhang@2026';

export interface BenchProduct {
  db: Pick<TestDatabase, 'url' | 'drop'>;
  server: ProductServer;
  /** Straight to the database: the baselines, and the bulk data. */
  pool: pg.Pool;
  /** The demo admin's bearer token. */
  token: string;
  /** GraphQL over a kept-alive node:http connection: what the measured requests go through. */
  api: ReturnType<typeof keepAliveGraphQL>;
  /** `count` units, made-up service windows (production seeds no demo units). */
  unitIds: number[];
  stop(): Promise<void>;
}

/**
 * The built product, in production mode, on a fresh database of the run's PostgreSQL, with `units`
 * units; or on the database given (the scale bench keeps its generated data between runs: its
 * units are then already there, and `drop` is the caller's). `env` goes to the server on top of
 * the bench's own settings (the attachments bench gives it a DATA_DIR of its own).
 */
export async function startBenchProduct(
  units: number,
  database?: Pick<TestDatabase, 'url' | 'drop'>,
  env: NodeJS.ProcessEnv = {},
): Promise<BenchProduct> {
  const db = database ?? (await createTestDatabase());
  // as deployed: NODE_ENV=production (graphql-js's development-mode checks off, no stack
  // traces); plain HTTP on loopback, so the cookie is not marked Secure
  // production makes no demo accounts, only the first admin, with ADMIN_PASSWORD; the admin's
  // session outlives a long data generation (the scale bench's took 32 minutes on a busy machine)
  const server = await startProductServer({
    DATABASE_URL: db.url,
    LOG_LEVEL: 'error',
    NODE_ENV: 'production',
    COOKIE_SECURE: 'false',
    ADMIN_PASSWORD,
    SESSION_IDLE_MINUTES: '600',
    ...env,
  });
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  // the bench is the operator who has already changed the first admin's password
  await pool.query(`UPDATE users SET must_change_password = false WHERE username = 'admin'`);
  await pool.query(
    `INSERT INTO units (code, name, kind, sort_order)
     SELECT 'bw' || n, '压测窗口' || n, 'service_window', 100 + n FROM generate_series(1, $1) AS n
     ON CONFLICT DO NOTHING`,
    [units],
  );
  const unitIds = (await pool.query(`SELECT id FROM units ORDER BY id LIMIT $1`, [units])).rows.map(
    (r) => r.id as number,
  );
  const signIn = await postGraphQL<{ signIn: { token: string } }>(
    server.url,
    'mutation ($password: String!) { signIn(username: "admin", password: $password) { token } }',
    { password: ADMIN_PASSWORD },
  );
  const api = keepAliveGraphQL(server.url);
  return {
    db,
    server,
    pool,
    token: signIn.data!.signIn.token,
    api,
    unitIds,
    stop: async () => {
      api.close();
      await pool.end();
      await server.stop();
      await db.drop();
    },
  };
}

/** A typed daily report's values, as the rows and scale benches save them. */
export interface DailyReport {
  report_date: string;
  cases: number;
  follow_ups: number;
  dissatisfied: number;
  qr_good_reviews: number;
}

/** The i-th day from 1990-01-01: never in the future (a future day is refused), apart from generated data. */
export const benchDay = (i: number) => new Date(Date.UTC(1990, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);

/** The i-th daily report of a unit, on `benchDay(day)`. */
export function dailyReport(i: number, day = i): DailyReport {
  const cases = 5 + (i % 20);
  return {
    report_date: benchDay(day),
    cases,
    follow_ups: cases - (i % 3),
    dissatisfied: i % 2,
    qr_good_reviews: i % 5,
  };
}

/**
 * A save's baseline: a plain multi-row INSERT … VALUES of the rows into a typed daily report's
 * table (the rate computed by the client), chunks of 5,000 rows, as the table owner, no history,
 * no checks, one transaction per chunk.
 */
export async function plainDailyInsert(
  pool: pg.Pool,
  table: string,
  rows: { unit: number; report: DailyReport }[],
): Promise<void> {
  for (let start = 0; start < rows.length; start += 5_000) {
    const params: unknown[] = [];
    const tuples = rows.slice(start, start + 5_000).map(({ unit, report: r }) => {
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
    await pool.query(
      `INSERT INTO ${table} (unit_id, period, def_version, report_date, cases, follow_ups, follow_up_rate, dissatisfied, qr_good_reviews) VALUES ${tuples.join(', ')}`,
      params,
    );
  }
}
