import { gql } from '@apollo/client';

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
