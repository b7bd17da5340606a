import { gql } from '@apollo/client';

export interface LedgerSummary {
  key: string;
  title: string;
  description: string | null;
  version: number;
  period: 'none' | 'daily' | 'weekly' | 'monthly';
  deadline: string | null;
  fields: { key: string }[];
}

export const LEDGERS = gql`
  query Ledgers {
    ledgers {
      key
      title
      description
      version
      period
      deadline
      fields {
        key
      }
    }
  }
`;
