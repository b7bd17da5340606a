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

/** Views read before the page that opens with them was loaded (readViewsEarly), by ledger. */
const readEarly = new Map<string, Promise<SavedView[]>>();

const readViews = (client: ApolloClient<unknown>, ledger: string) =>
  client
    .query<{ views: SavedView[] }>({ query: VIEWS, variables: { ledger }, fetchPolicy: 'network-only' })
    .then(({ data }) => data.views);

/**
 * Starts reading a ledger's views as soon as the route names the ledger, while the grid's code is
 * still loading; the grid's opening read (openingQueryOf) then takes that answer instead of asking
 * only once the definition has come.
 */
export function readViewsEarly(client: ApolloClient<unknown>, ledger: string): void {
  const views = readViews(client, ledger);
  views.catch(() => undefined); // its failure is the opening read's to report
  readEarly.set(ledger, views);
}

/**
 * The sort and filter of the view a ledger opens with (`opensByDefault`), null when none: what the
 * grid's first read waits for (GridOptions.opening), so that it reads the rows once.
 */
export async function openingQueryOf(
  client: ApolloClient<unknown>,
  model: LedgerModel,
): Promise<{ orderBy: ViewConfig['orderBy']; filter: ViewConfig['filter'] } | null> {
  const ledger = model.definition.key;
  const early = readEarly.get(ledger);
  readEarly.delete(ledger);
  const views = await (early ?? readViews(client, ledger));
  const opening = views.find((view) => view.opensByDefault);
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
