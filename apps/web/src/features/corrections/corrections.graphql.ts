import { gql } from '@apollo/client';

export type CorrectionState = 'REQUESTED' | 'APPLIED' | 'REJECTED';

/** A correction (更正) of one field of one row of a submitted sheet (docs/api.md). */
export interface Correction {
  id: string;
  ledgerKey: string;
  unitId: string;
  unitName: string;
  period: string;
  rowId: string;
  field: string;
  fieldTitle: string;
  oldValue: unknown;
  newValue: unknown;
  /** The values as their field shows them, in the user's language (files by their names). */
  oldText: string;
  newText: string;
  reason: string;
  state: CorrectionState;
  requestedBy: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  rejectReason: string | null;
}

const FIELDS = `
  id ledgerKey unitId unitName period rowId field fieldTitle oldValue newValue oldText newText reason state
  requestedBy requestedAt decidedBy decidedAt rejectReason
`;

export const CORRECTIONS = gql`
  query Corrections($ledger: String!, $unitId: ID, $period: String, $state: CorrectionState) {
    corrections(ledger: $ledger, unitId: $unitId, period: $period, state: $state) {
      ${FIELDS}
    }
  }
`;

export const REQUEST_CORRECTION = gql`
  mutation RequestCorrection($ledger: String!, $rowId: ID!, $field: String!, $value: JSON, $reason: String!) {
    requestCorrection(ledger: $ledger, rowId: $rowId, field: $field, value: $value, reason: $reason) {
      ${FIELDS}
    }
  }
`;

export const CORRECT_ROW = gql`
  mutation CorrectRow($ledger: String!, $unitId: ID, $rowId: ID!, $field: String!, $value: JSON, $reason: String!) {
    correctRow(ledger: $ledger, unitId: $unitId, rowId: $rowId, field: $field, value: $value, reason: $reason) {
      ${FIELDS}
    }
  }
`;

export const APPROVE_CORRECTION = gql`
  mutation ApproveCorrection($id: ID!) {
    approveCorrection(id: $id) {
      ${FIELDS}
    }
  }
`;

export const REJECT_CORRECTION = gql`
  mutation RejectCorrection($id: ID!, $reason: String!) {
    rejectCorrection(id: $id, reason: $reason) {
      ${FIELDS}
    }
  }
`;
