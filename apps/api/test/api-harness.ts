import { startApi, type RunningApi } from '../src/bootstrap';
import type { Clock } from '../src/common/time/clock';
import { loadConfig, type AppConfig } from '../src/config/app-config';
import { DEMO_PASSWORD } from '../src/seed/demo-units';
import {
  createTestDatabase,
  postGraphQL,
  signInToken,
  type RequestOptions,
  type TestDatabase,
} from '@taizhang/testing';

export interface TestApi {
  url: string;
  db: TestDatabase;
  api: RunningApi;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read untyped GraphQL answers
  gql: <T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: RequestOptions,
  ) => ReturnType<typeof postGraphQL<T>>;
  /** Signs in (the demo password unless given) and returns the bearer token. */
  signIn(username: string, password?: string): Promise<string>;
  close(): Promise<void>;
}

/** The real API, on a fresh database of the test PostgreSQL, listening on a free loopback port. */
export async function startTestApi(
  env: NodeJS.ProcessEnv = {},
  overrides: Partial<AppConfig> = {},
  clock?: Clock,
): Promise<TestApi> {
  const db = await createTestDatabase();
  const config = {
    ...loadConfig({ PORT: '0', HOST: '127.0.0.1', WEB_DIR: '/nonexistent', DEMO_ROWS: '0', ...env }),
    ...overrides,
  };
  const api = await startApi(config, db.url, clock);
  const gql: TestApi['gql'] = (query, variables, options) => postGraphQL(api.url, query, variables, options);
  return {
    url: api.url,
    db,
    api,
    gql,
    signIn: (username, password = DEMO_PASSWORD) => signInToken(api.url, username, password),
    async close() {
      await api.close();
      await db.drop();
    },
  };
}
