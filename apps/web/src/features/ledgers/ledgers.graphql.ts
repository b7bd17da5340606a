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

export interface TodayBoard {
  submissionBoard: {
    period: string;
    sheets: { state: 'NOT_STARTED' | 'DRAFT' | 'SUBMITTED' | 'SUBMITTED_LATE' | 'RETURNED' }[];
    counts: { notStarted: number; draft: number; submitted: number; submittedLate: number; returned: number };
  };
}

export const TODAY_BOARD = gql`
  query TodayBoard($ledger: String!, $period: String!) {
    submissionBoard(ledger: $ledger, period: $period) {
      period
      sheets {
        state
      }
      counts {
        notStarted
        draft
        submitted
        submittedLate
        returned
      }
    }
  }
`;
