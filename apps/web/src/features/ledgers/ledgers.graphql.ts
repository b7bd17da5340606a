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

/** The contract's SheetState: where a unit's sheet of a period stands. */
export type SheetState = 'NOT_STARTED' | 'DRAFT' | 'SUBMITTED' | 'SUBMITTED_LATE' | 'RETURNED';

export interface TodayBoard {
  submissionBoard: {
    period: string;
    sheets: { state: SheetState; deadline: string | null; overdue: boolean; remindedAt: string | null }[];
    counts: {
      notStarted: number;
      draft: number;
      submitted: number;
      submittedLate: number;
      returned: number;
      overdue: number;
    };
  };
}

export const TODAY_BOARD = gql`
  query TodayBoard($ledger: String!, $period: String!) {
    submissionBoard(ledger: $ledger, period: $period) {
      period
      sheets {
        state
        deadline
        overdue
        remindedAt
      }
      counts {
        notStarted
        draft
        submitted
        submittedLate
        returned
        overdue
      }
    }
  }
`;
