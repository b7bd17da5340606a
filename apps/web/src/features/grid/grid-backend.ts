import { ApolloError, type ApolloClient } from '@apollo/client';
import type { GridBackend } from './grid-controller';
import { SaveFailure } from './grid-saver';
import { searchOf } from './server-query';
import {
  FIELD_VALUES,
  REFERENCE_OPTIONS,
  ROW_POSITION,
  ROWS_PAGE,
  ROWS_WINDOW,
  SAVE_ROWS,
  type FieldValuesAnswer,
  type ReferenceOptionsAnswer,
  type RowPositionAnswer,
  type RowsPage,
  type SaveRowsAnswer,
} from './grid.graphql';

export interface SheetScope {
  ledger: string;
  /** Admins and leaders name the unit; a clerk's is the session's. */
  unitId: string | null;
  period: string | null;
  /** A dashboard's drill-down: the rows behind a statistic (docs/dashboards.md, "Drill-down"). */
  drill?: {
    from: string | null;
    to: string | null;
    measure: string | null;
    part: 'COUNTED' | 'MET' | 'MISSED' | null;
  } | null;
}

/** How many rows a reference picker lists at a time. */
export const REFERENCE_CHOICES = 20;

/** The GraphQL errors of a failed request: in the answer, or in the body of a non-2xx answer. */
function graphQLErrorsOf(error: ApolloError): ApolloError['graphQLErrors'] {
  if (error.graphQLErrors.length > 0) return error.graphQLErrors;
  const body = (error.networkError as { result?: { errors?: unknown } } | null)?.result;
  return Array.isArray(body?.errors) ? (body.errors as ApolloError['graphQLErrors']) : [];
}

/**
 * What the save loop does with a failed saveRows (grid-saver.ts): no answer at all (offline,
 * server down, gateway error) and an error the server marks retryable (INTERNAL) are tried again;
 * CONFLICT / DEFINITION_CHANGED reloads the definition first; anything else would fail again.
 */
export function saveFailureOf(error: unknown): SaveFailure {
  if (error instanceof SaveFailure) return error;
  if (!(error instanceof ApolloError)) return new SaveFailure('retryable', String((error as Error)?.message ?? error));
  const errors = graphQLErrorsOf(error);
  if (errors.length === 0) return new SaveFailure('network', error.message);
  const message = errors[0].message;
  const extensions = errors.map((e) => e.extensions ?? {});
  if (extensions.some((x) => x.code === 'CONFLICT' && x.reason === 'DEFINITION_CHANGED'))
    return new SaveFailure('definition', message);
  if (extensions.some((x) => x.retryable === true || x.code === 'INTERNAL'))
    return new SaveFailure('retryable', message);
  return new SaveFailure('refused', message);
}

/** The grid's reads and saves through the app's Apollo client (no caching: the grid holds the rows). */
export function apolloGridBackend(client: ApolloClient<unknown>, scope: SheetScope): GridBackend {
  const drill = scope.drill
    ? { from: scope.drill.from, to: scope.drill.to, measure: scope.drill.measure, measurePart: scope.drill.part }
    : {};
  // reads see the drill-down's rows only; saves are of the sheet (a drill-down is read-only)
  const variables = { ledger: scope.ledger, unitId: scope.unitId, period: scope.period };
  const readVariables = { ...variables, ...drill };
  return {
    async page(query, first, offset, withTotal = true) {
      const { data } = await client.query<RowsPage>({
        query: withTotal ? ROWS_PAGE : ROWS_WINDOW,
        variables: {
          ...readVariables,
          first,
          offset,
          orderBy: query.orderBy.length > 0 ? query.orderBy : null,
          filter: Object.keys(query.filter).length > 0 ? query.filter : null,
          search: searchOf(query),
        },
        fetchPolicy: 'no-cache',
      });
      return {
        rows: data.rows.edges.map((edge) => edge.node),
        total: data.rows.totalCount ?? null,
        hasNextPage: data.rows.pageInfo.hasNextPage,
      };
    },
    // a drill-down's rows are numbered under its measure, which rowPosition does not take:
    // there a linked row is found by reading pages
    position: scope.drill
      ? undefined
      : async (query, id) => {
          const { data } = await client.query<RowPositionAnswer>({
            query: ROW_POSITION,
            variables: {
              ...variables,
              id,
              orderBy: query.orderBy.length > 0 ? query.orderBy : null,
              filter: Object.keys(query.filter).length > 0 ? query.filter : null,
              search: searchOf(query),
            },
            fetchPolicy: 'no-cache',
          });
          return data.rowPosition;
        },
    async fieldValues(field, filter, search = null) {
      const { data } = await client.query<FieldValuesAnswer>({
        query: FIELD_VALUES,
        variables: { ...readVariables, field, filter: Object.keys(filter).length > 0 ? filter : null, search },
        fetchPolicy: 'no-cache',
      });
      return data.fieldValues;
    },
    async referenceOptions(field, search, unitId) {
      const { data } = await client.query<ReferenceOptionsAnswer>({
        query: REFERENCE_OPTIONS,
        // the row's own unit (a grid of every unit's rows), else the sheet's
        variables: { ledger: scope.ledger, field, search, unitId: unitId ?? scope.unitId, first: REFERENCE_CHOICES },
        fetchPolicy: 'no-cache',
      });
      return data.referenceOptions;
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
        throw saveFailureOf(error);
      }
    },
  };
}
