import { gql } from '@apollo/client';
import type { SheetState } from '../ledgers/ledgers.graphql';
import type { LedgerDefinition } from '@taizhang/ledger-core';
import type { RowLink, ServerRow } from './grid-row';
import type { SaveResult } from './save-queue';

export interface LedgerForGrid {
  key: string;
  version: number;
  definition: LedgerDefinition;
}

export const LEDGER_FOR_GRID = gql`
  query LedgerForGrid($key: String!) {
    ledger(key: $key) {
      key
      version
      definition
    }
  }
`;

export interface RowsPage {
  rows: {
    /** Absent when not asked for (ROWS_WINDOW). */
    totalCount?: number;
    edges: { node: ServerRow }[];
    pageInfo: { endCursor: string | null; hasNextPage: boolean };
  };
}

/** A column's distinct values and their counts, for the value-list filter (按值筛选). */
export const FIELD_VALUES = gql`
  query FieldValues(
    $ledger: String!
    $field: String!
    $unitId: ID
    $period: String
    $filter: JSON
    $from: String
    $to: String
    $measure: String
    $measurePart: MeasurePart
    $search: String
  ) {
    fieldValues(
      ledger: $ledger
      field: $field
      unitId: $unitId
      period: $period
      filter: $filter
      search: $search
      from: $from
      to: $to
      measure: $measure
      measurePart: $measurePart
    ) {
      values {
        value
        count
      }
      complete
    }
  }
`;

export interface FieldValuesAnswer {
  fieldValues: { values: { value: unknown; count: number }[]; complete: boolean };
}

/** The rows of a page (a window of the grid); `withTotal` asks for totalCount, a count of every matching row. */
const rowsPage = (withTotal: boolean) =>
  gql(`
  query ${withTotal ? 'RowsPage' : 'RowsWindow'}(
    $ledger: String!
    $unitId: ID
    $period: String
    $filter: JSON
    $orderBy: [OrderInput!]
    $first: Int
    $after: String
    $offset: Int
    $from: String
    $to: String
    $measure: String
    $measurePart: MeasurePart
    $search: String
  ) {
    rows(
      ledger: $ledger
      unitId: $unitId
      period: $period
      filter: $filter
      search: $search
      orderBy: $orderBy
      first: $first
      after: $after
      offset: $offset
      from: $from
      to: $to
      measure: $measure
      measurePart: $measurePart
    ) {
      ${withTotal ? 'totalCount' : ''}
      edges {
        node {
          id
          unitId
          version
          values
          display
          overrides
          origin {
            ledger
            id
            label
          }
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

/** Where a row stands in the sort and filter (0: the first): a link to a row opens the grid there. */
export const ROW_POSITION = gql`
  query RowPosition(
    $ledger: String!
    $id: ID!
    $unitId: ID
    $period: String
    $filter: JSON
    $orderBy: [OrderInput!]
    $search: String
  ) {
    rowPosition(
      ledger: $ledger
      id: $id
      unitId: $unitId
      period: $period
      filter: $filter
      orderBy: $orderBy
      search: $search
    )
  }
`;
export interface RowPositionAnswer {
  rowPosition: number | null;
}

export const ROWS_PAGE = rowsPage(true);
/** The same without totalCount: pages read as the view moves, when the total is known. */
export const ROWS_WINDOW = rowsPage(false);

/**
 * Rows for the print view: what a printed cell shows (values, and a reference's display) and no
 * more — the grid's page asks for each row's origin too, which at 1,000 rows passes the API's
 * cost limit.
 */
export const PRINT_ROWS = gql`
  query PrintRows($ledger: String!, $unitId: ID, $period: String, $first: Int) {
    rows(ledger: $ledger, unitId: $unitId, period: $period, first: $first) {
      totalCount
      edges {
        node {
          id
          unitId
          values
          display
        }
      }
    }
  }
`;

export interface PrintRows {
  rows: { totalCount: number; edges: { node: Pick<ServerRow, 'id' | 'values' | 'display'> & { unitId: string } }[] };
}

export interface SaveRowsAnswer {
  saveRows: { results: (SaveResult & { index: number })[] };
}

export const SAVE_ROWS = gql`
  mutation SaveGridRows($ledger: String!, $unitId: ID, $period: String, $changes: [RowChangeInput!]!) {
    saveRows(ledger: $ledger, unitId: $unitId, period: $period, changes: $changes) {
      results {
        index
        status
        row {
          id
          version
          values
          display
          overrides
        }
        errors {
          path
          message
        }
        warnings {
          path
          message
        }
        current {
          id
          version
          values
        }
      }
    }
  }
`;

export interface HistoryEntry {
  op: 'insert' | 'update' | 'delete' | 'restore';
  version: number;
  /** Why the change was made (the API's WriteSource). */
  source: 'save' | 'import' | 'public' | 'follow-up' | 'seed' | 'restore' | 'correction';
  changedAt: string;
  changedBy: string | null;
  /** A change made by another system: its API token's name. */
  apiToken?: string | null;
  oldValues: Record<string, unknown> | null;
  newValues: Record<string, unknown> | null;
  /** A correction of a submitted sheet (source correction): why, who asked, who approved. */
  correction: { reason: string; requestedBy: string | null; decidedBy: string | null } | null;
}

export const ROW_HISTORY = gql`
  query RowHistory($ledger: String!, $id: ID!) {
    rowHistory(ledger: $ledger, id: $id) {
      op
      version
      source
      changedAt
      changedBy
      apiToken
      oldValues
      newValues
      correction {
        reason
        requestedBy
        decidedBy
      }
    }
  }
`;

export type { SheetState } from '../ledgers/ledgers.graphql';

/** A row a reference may point at, found by what it says (the server ranks exact, prefix, contains). */
export interface ReferenceOption {
  id: string;
  label: string;
  /** More of what the row says (申请人 · 事项). */
  hint: string | null;
}

export const REFERENCE_OPTIONS = gql`
  query ReferenceOptions($ledger: String!, $field: String!, $search: String!, $unitId: ID, $first: Int) {
    referenceOptions(ledger: $ledger, field: $field, search: $search, unitId: $unitId, first: $first) {
      id
      label
      hint
    }
  }
`;

export interface ReferenceOptionsAnswer {
  referenceOptions: ReferenceOption[];
}

/** The rows follow-ups made from a row (its 后续). */
export const FOLLOW_UP_ROWS = gql`
  query FollowUpRows($ledger: String!, $id: ID!) {
    followUpRows(ledger: $ledger, id: $id) {
      ledger
      id
      label
    }
  }
`;

export interface FollowUpRowsAnswer {
  followUpRows: RowLink[];
}

export interface SheetStatus {
  period: string;
  state: SheetState;
  submittedAt: string | null;
  returnedReason: string | null;
  deadline: string | null;
  unit: { id: string; name: string };
  overdue: boolean;
  future: boolean;
  canWithdraw: boolean;
  withdrawnCount: number;
  withdrawnAt: string | null;
  submittedWarnings: number | null;
  rowCount: number;
  /** The sheet's derived figures as their source ledgers give them now ({ fieldKey: value }). */
  derived?: Record<string, number> | null;
  /** Correction requests (申请更正) waiting for an admin, and corrections applied since submission. */
  pendingCorrections: number;
  appliedCorrections: number;
}

const SHEET_FIELDS = `period state submittedAt returnedReason deadline unit { id name }
  overdue future canWithdraw withdrawnCount withdrawnAt submittedWarnings rowCount derived pendingCorrections appliedCorrections`;

export const SHEET_STATUS = gql`
  query SheetStatus($ledger: String!, $period: String!) {
    submissionBoard(ledger: $ledger, period: $period) {
      sheets { ${SHEET_FIELDS} }
    }
  }
`;

export const SUBMIT_SHEET = gql`
  mutation SubmitSheet($ledger: String!, $period: String!, $acknowledgedWarnings: Int) {
    submitSheet(ledger: $ledger, period: $period, acknowledgedWarnings: $acknowledgedWarnings) { ${SHEET_FIELDS} }
  }
`;

export const WITHDRAW_SHEET = gql`
  mutation WithdrawSheet($ledger: String!, $period: String!) {
    withdrawSheet(ledger: $ledger, period: $period) { ${SHEET_FIELDS} }
  }
`;

export interface UnitChoice {
  id: string;
  name: string;
  active: boolean;
}

export const UNITS_TO_PICK = gql`
  query UnitsToPick {
    units {
      id
      name
      active
    }
  }
`;

/** The recycle bin (回收站): a unit's deleted rows, latest first. */
export const DELETED_ROWS = gql`
  query DeletedRows($ledger: String!, $unitId: ID, $period: String) {
    deletedRows(ledger: $ledger, unitId: $unitId, period: $period, first: 100) {
      row {
        id
        values
      }
      deletedAt
      deletedBy
    }
  }
`;

export interface DeletedRow {
  row: { id: string; values: Record<string, unknown> };
  deletedAt: string;
  deletedBy: string | null;
}

export const RESTORE_ROW = gql`
  mutation RestoreRow($ledger: String!, $unitId: ID, $id: ID!) {
    restoreRow(ledger: $ledger, unitId: $unitId, id: $id) {
      id
      version
    }
  }
`;
