import { postGraphQL } from './graphql-client';
import { startProductServer, type ProductServer } from './product-server';
import { createTestDatabase, type TestDatabase } from './test-database';

/** The demo users' password (README). */
export const DEMO_PASSWORD = 'Taizhang@2026';

/** An API test's world: a fresh database and the built product on it, reached over HTTP. */
export interface ApiProduct {
  db: TestDatabase;
  server: ProductServer;
  /** A bearer token of a demo user, signed in through the API. */
  token(username: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startApiProduct(env: NodeJS.ProcessEnv = {}): Promise<ApiProduct> {
  const db = await createTestDatabase();
  const server = await startProductServer({ DATABASE_URL: db.url, ...env });
  return {
    db,
    server,
    token: (username) => signInToken(server.url, username),
    async stop() {
      await server.stop();
      await db.drop();
    },
  };
}

/** The sign-in mutation: sets the session cookie and returns a bearer token. */
export const SIGN_IN = 'mutation ($u: String!, $p: String!) { signIn(username: $u, password: $p) { token } }';

export async function signInToken(baseUrl: string, username: string, password = DEMO_PASSWORD): Promise<string> {
  const response = await postGraphQL<{ signIn: { token: string } }>(baseUrl, SIGN_IN, { u: username, p: password });
  if (!response.data?.signIn) throw new Error(`sign-in as ${username} failed: ${JSON.stringify(response.errors)}`);
  return response.data.signIn.token;
}
