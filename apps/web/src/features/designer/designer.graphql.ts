import { gql } from '@apollo/client';
import type { LedgerDefinition } from '@taizhang/ledger-core';

export interface AdminLedger {
  key: string;
  title: string;
  version: number;
  period: string;
  definition: LedgerDefinition;
}

export const ADMIN_LEDGERS = gql`
  query AdminLedgers {
    ledgers {
      key
      title
      version
      period
      definition
    }
  }
`;

export const PUBLISH_LEDGER = gql`
  mutation PublishLedger($definition: JSON!) {
    publishLedger(definition: $definition) {
      key
      version
      definition
    }
  }
`;
