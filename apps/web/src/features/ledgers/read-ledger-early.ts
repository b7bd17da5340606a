import type { ApolloClient } from '@apollo/client';
import { LEDGER_FOR_GRID } from '../grid/grid.graphql';
import { readViewsEarly } from '../views/views.graphql';

/**
 * What a ledger's page reads first, asked as soon as the route names the ledger (docs/grid.md,
 * "Opening"): its definition and its views go out while the page's code (Handsontable) is still
 * loading, instead of one after the other once it has. The page's own queries then find the
 * definition in Apollo's cache (or its request in flight) and the views' answer waiting.
 */
export function readLedgerEarly(client: ApolloClient<unknown>, key: string): void {
  if (!key) return;
  // its failure is the page's to report, when the page asks again
  client.query({ query: LEDGER_FOR_GRID, variables: { key } }).catch(() => undefined);
  readViewsEarly(client, key);
}
