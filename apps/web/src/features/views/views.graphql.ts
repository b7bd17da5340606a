import { gql, type ApolloClient } from '@apollo/client';
import { viewConfigFor, type LedgerModel, type ViewConfig } from '@taizhang/ledger-core';

/** A saved view as the grid's picker reads it (docs/views.md). */
export interface SavedView {
  id: string;
  ledger: string;
  name: string;
  shared: boolean;
  /** Checked by the server when saved; read with ledger-core's viewConfigFor. */
  config: unknown;
  isDefault: boolean;
  opensByDefault: boolean;
  editable: boolean;
  owner: string;
}

const VIEW_FIELDS = `id ledger name shared config isDefault opensByDefault editable owner`;

export const VIEWS = gql`
  query Views($ledger: String!) {
    views(ledger: $ledger) { ${VIEW_FIELDS} }
  }
`;

/**
 * The sort and filter of the view a ledger opens with (`opensByDefault`), null when none: what the
 * grid's first read waits for (GridOptions.opening), so that it reads the rows once.
 */
export async function openingQueryOf(
  client: ApolloClient<unknown>,
  model: LedgerModel,
): Promise<{ orderBy: ViewConfig['orderBy']; filter: ViewConfig['filter'] } | null> {
  const { data } = await client.query<{ views: SavedView[] }>({
    query: VIEWS,
    variables: { ledger: model.definition.key },
    fetchPolicy: 'network-only',
  });
  const opening = data.views.find((view) => view.opensByDefault);
  if (!opening) return null;
  const config = viewConfigFor(model, opening.config);
  return { orderBy: config.orderBy, filter: config.filter };
}

export const SAVE_VIEW = gql`
  mutation SaveView($id: ID, $input: ViewInput!) {
    saveView(id: $id, input: $input) { ${VIEW_FIELDS} }
  }
`;

export const DELETE_VIEW = gql`
  mutation DeleteView($id: ID!) {
    deleteView(id: $id)
  }
`;

export const SET_DEFAULT_VIEW = gql`
  mutation SetDefaultView($id: ID!, $isDefault: Boolean) {
    setDefaultView(id: $id, isDefault: $isDefault) { ${VIEW_FIELDS} }
  }
`;
