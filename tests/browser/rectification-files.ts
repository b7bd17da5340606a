import { expect } from 'vitest';
import { postGraphQL, type BrowserProduct } from '@taizhang/testing';

/**
 * What the browser specs of attachments on the rectification ledger share (attachments.spec.ts,
 * phone-files.spec.ts): the days a rectification is found and due, a stored file as a row holds it,
 * and the rectifications a clerk reads.
 */

/** Today in Shanghai, moved by `plusDays`, as YYYY-MM-DD. */
export const shanghaiDay = (plusDays = 0) =>
  new Date(Date.now() + 8 * 3_600_000 + plusDays * 86_400_000).toISOString().slice(0, 10);

/** An attachment cell's file, as saveRows takes it and rows gives it (docs/attachments.md). */
export interface StoredFile {
  handle: string;
  name: string;
  size: number;
  kind: string;
  sha256: string;
}

/** The rectification rows `username` may read, through the API. */
export async function rectificationsOf(
  product: BrowserProduct,
  username: string,
): Promise<{ id: string; values: Record<string, unknown> }[]> {
  const response = await postGraphQL<{ rows: { edges: { node: { id: string; values: Record<string, unknown> } }[] } }>(
    product.server.url,
    `query { rows(ledger: "rectification", first: 1000) { edges { node { id values } } } }`,
    {},
    { token: await product.token(username) },
  );
  expect(response.errors).toBeUndefined();
  return response.data!.rows.edges.map((e) => e.node);
}
