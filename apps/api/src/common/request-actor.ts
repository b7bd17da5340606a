import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What the database should know about who is behind a request beyond its unit scope: the API
 * token it came with, if any (identity/api-token-auth.ts starts the store for such a request).
 * The row scope (ledger-tables/row-scope.ts) hands it to PostgreSQL as `taizhang.api_token`, and
 * row_history records it (migration 1765200000010-api-tokens), so every row change made with a
 * token is audited under the token's name without each writer passing it along.
 */
export interface RequestActor {
  apiTokenId: number | null;
}

const storage = new AsyncLocalStorage<RequestActor>();

export function runAsActor<T>(actor: RequestActor, work: () => T): T {
  return storage.run(actor, work);
}

/** The API token behind the current request, or null (a session, a background job). */
export function currentApiTokenId(): number | null {
  return storage.getStore()?.apiTokenId ?? null;
}
