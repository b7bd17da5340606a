import { gql } from '@apollo/client';
import { ledgerAddress } from '../ledgers/ledger-address';

export type NoticeKind = 'REMINDER' | 'RETURNED' | 'FOLLOW_UP' | 'OVERDUE' | 'DEADLINE';

export interface Notice {
  id: string;
  kind: NoticeKind;
  title: string;
  body: string | null;
  ledger: string | null;
  period: string | null;
  rowId: string | null;
  createdAt: string;
  readAt: string | null;
}

/** The bell: the unread count and the newest notices, polled. */
export const NOTICE_BELL = gql`
  query NoticeBell {
    unreadNoticeCount
    notices(first: 30) {
      id
      kind
      title
      body
      ledger
      period
      rowId
      createdAt
      readAt
    }
  }
`;

export const MARK_NOTICES_READ = gql`
  mutation MarkNoticesRead($ids: [ID!]!) {
    markNoticesRead(ids: $ids)
  }
`;

/** What a notice opens: the sheet of its period, with its row if it is about one; null when about nothing. */
export function noticeLink(notice: Pick<Notice, 'ledger' | 'period' | 'rowId'>): string | null {
  return notice.ledger ? ledgerAddress(notice.ledger, { period: notice.period, row: notice.rowId }) : null;
}
