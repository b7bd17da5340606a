import type { LocalizedText } from '@taizhang/domain';

/** What a notice is about (docs/notices.md); the migration keeps its own copy of the list. */
export const NOTICE_KINDS = ['REMINDER', 'RETURNED', 'FOLLOW_UP', 'OVERDUE', 'DEADLINE'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export interface NoticeDraft {
  kind: NoticeKind;
  /** In both languages: a notice is read in the reader's language of the moment. */
  title: LocalizedText;
  body?: LocalizedText | null;
  ledgerKey?: string | null;
  period?: string | null;
  rowId?: number | string | null;
  createdAt: Date;
}

/** A transaction's connection (TypeORM's EntityManager or the row pipeline's RowTransaction). */
interface Queries {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * A notice to every active clerk of each unit, on the caller's transaction, so that it is written
 * with its cause or not at all. Clerks are a unit's people: leaders and admins see every unit and
 * act on it, they are not told what they did. A DEADLINE or OVERDUE notice a reader already has is
 * not written again (the unique index notices_once_idx).
 */
export async function noticeUnitClerks(tx: Queries, unitIds: number[], draft: NoticeDraft): Promise<void> {
  if (unitIds.length === 0) return;
  await tx.query(
    `INSERT INTO notices (user_id, unit_id, kind, title, title_en, body, body_en, ledger_key, period, row_id, created_at)
     SELECT u.id, u.unit_id, $2, $3, $4, $5, $6, $7, $8, $9, $10
       FROM users u WHERE u.unit_id = ANY($1::int[]) AND u.role = 'clerk' AND u.active
     ON CONFLICT DO NOTHING`,
    [
      unitIds,
      draft.kind,
      draft.title['zh-CN'],
      draft.title.en,
      draft.body?.['zh-CN'] ?? null,
      draft.body?.en ?? null,
      draft.ledgerKey ?? null,
      draft.period ?? null,
      draft.rowId ?? null,
      draft.createdAt,
    ],
  );
}
