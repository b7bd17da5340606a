import { gql } from '@apollo/client';

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

/** What a notice opens: the sheet of its period, or its ledger (a row's notice); null when about nothing. */
export function noticeLink(notice: Pick<Notice, 'ledger' | 'period'>): string | null {
  if (!notice.ledger) return null;
  const base = `/ledgers/${encodeURIComponent(notice.ledger)}`;
  return notice.period ? `${base}?period=${encodeURIComponent(notice.period)}` : base;
}
