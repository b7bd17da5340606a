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
 * units are then already there, and `drop` is the caller's).
 */
export async function startBenchProduct(
  units: number,
  database?: Pick<TestDatabase, 'url' | 'drop'>,
): Promise<BenchProduct> {
  const db = database ?? (await createTestDatabase());
  // as deployed: NODE_ENV=production (graphql-js's development-mode checks off, no stack
  // traces); plain HTTP on loopback, so the cookie is not marked Secure
  // production makes no demo accounts, only the first admin, with ADMIN_PASSWORD
  const server = await startProductServer({
    DATABASE_URL: db.url,
    LOG_LEVEL: 'error',
    NODE_ENV: 'production',
    COOKIE_SECURE: 'false',
    ADMIN_PASSWORD,
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
