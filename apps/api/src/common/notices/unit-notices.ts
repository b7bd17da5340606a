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

/** A notice for the clerks of some units. */
export interface UnitNotice extends NoticeDraft {
  unitIds: number[];
}

/**
 * Notices to every active clerk of each notice's units, in one statement on the caller's
 * transaction, so that they are written with their cause or not at all (a thousand follow-up
 * rows of an import are one INSERT, not a thousand). Clerks are a unit's people: leaders and
 * admins see every unit and act on it, they are not told what they did. A DEADLINE or OVERDUE
 * notice a reader already has is not written again (the unique index notices_once_idx).
 */
export async function noticeUnitClerks(tx: Queries, notices: UnitNotice[]): Promise<void> {
  const records = notices.flatMap((notice) =>
    notice.unitIds.map((unitId) => ({
      unit_id: unitId,
      kind: notice.kind,
      title: notice.title['zh-CN'],
      title_en: notice.title.en,
      body: notice.body?.['zh-CN'] ?? null,
      body_en: notice.body?.en ?? null,
      ledger_key: notice.ledgerKey ?? null,
      period: notice.period ?? null,
      row_id: notice.rowId ?? null,
      created_at: notice.createdAt,
    })),
  );
  if (records.length === 0) return;
  await tx.query(
    `INSERT INTO notices (user_id, unit_id, kind, title, title_en, body, body_en, ledger_key, period, row_id, created_at)
     SELECT u.id, u.unit_id, d.kind, d.title, d.title_en, d.body, d.body_en, d.ledger_key, d.period, d.row_id, d.created_at
       FROM jsonb_to_recordset($1::jsonb) AS d(unit_id integer, kind text, title text, title_en text, body text,
              body_en text, ledger_key text, period text, row_id bigint, created_at timestamptz)
       JOIN users u ON u.unit_id = d.unit_id AND u.role = 'clerk' AND u.active
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(records)],
  );
}
