import { ApolloError, type ApolloClient } from '@apollo/client';
import { NetworkFailure, type GridBackend } from './grid-controller';
import { ROWS_PAGE, SAVE_ROWS, type RowsPage, type SaveRowsAnswer } from './grid.graphql';

export interface SheetScope {
  ledger: string;
  /** Admins and leaders name the unit; a clerk's is the session's. */
  unitId: string | null;
  period: string | null;
}

/** No answer at all (offline, server down, gateway error) is worth retrying; a GraphQL error is not. */
function asFailure(error: unknown): Error {
  if (error instanceof ApolloError && error.graphQLErrors.length === 0) return new NetworkFailure(error.message);
  return error instanceof Error ? error : new Error(String(error));
}

/** The grid's reads and saves through the app's Apollo client (no caching: the grid holds the rows). */
export function apolloGridBackend(client: ApolloClient<unknown>, scope: SheetScope): GridBackend {
  const variables = { ledger: scope.ledger, unitId: scope.unitId, period: scope.period };
  return {
    async page(query, first, after) {
      const { data } = await client.query<RowsPage>({
        query: ROWS_PAGE,
        variables: {
          ...variables,
          first,
          after,
          orderBy: query.orderBy.length > 0 ? query.orderBy : null,
          filter: Object.keys(query.filter).length > 0 ? query.filter : null,
        },
        fetchPolicy: 'no-cache',
      });
      return {
        rows: data.rows.edges.map((edge) => edge.node),
        total: data.rows.totalCount,
        endCursor: data.rows.pageInfo.endCursor,
        hasNextPage: data.rows.pageInfo.hasNextPage,
      };
    },
    async save(changes) {
      try {
        const { data } = await client.mutate<SaveRowsAnswer>({
          mutation: SAVE_ROWS,
          variables: { ...variables, changes },
          fetchPolicy: 'no-cache',
        });
        const results = [...(data?.saveRows.results ?? [])].sort((a, b) => a.index - b.index);
        return results;
      } catch (error) {
        throw asFailure(error);
      }
    },
  };
}
