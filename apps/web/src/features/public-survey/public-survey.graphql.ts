import { gql } from '@apollo/client';
import type { LedgerDefinition } from '@taizhang/ledger-core';

export interface PublicSurvey {
  ledgerKey: string;
  unitCode: string;
  unitName: string;
  definition: LedgerDefinition;
}

export const PUBLIC_SURVEY = gql`
  query PublicSurvey($unitCode: String!, $ledger: String) {
    publicSurvey(unitCode: $unitCode, ledger: $ledger) {
      ledgerKey
      unitCode
      unitName
      definition
    }
  }
`;

export const SUBMIT_PUBLIC_ANSWER = gql`
  mutation SubmitPublicAnswer($ledger: String!, $unitCode: String!, $values: JSON!, $clientKey: String) {
    submitPublicAnswer(ledger: $ledger, unitCode: $unitCode, values: $values, clientKey: $clientKey)
  }
`;
