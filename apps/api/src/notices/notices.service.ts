import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { parseId } from '../common/graphql/ids';
import { Clock } from '../common/time/clock';
import type { Locale } from '@taizhang/domain';
import type { Principal } from '../identity/principal';
import type { NoticeModel } from './notice.model';

/** The most notices one answer lists. */
export const MAX_NOTICES = 200;

interface NoticeRow {
  id: string;
  kind: string;
  title: string;
  title_en: string;
  body: string | null;
  body_en: string | null;
  ledger_key: string | null;
  period: string | null;
  row_id: string | null;
  unit_id: number | null;
  created_at: Date;
  read_at: Date | null;
}

const toModel = (r: NoticeRow, locale: Locale): NoticeModel => ({
  id: String(r.id),
  kind: r.kind,
  title: locale === 'en' ? r.title_en : r.title,
  body: locale === 'en' ? r.body_en : r.body,
  ledger: r.ledger_key,
  period: r.period,
  rowId: r.row_id === null ? null : String(r.row_id),
  unitId: r.unit_id === null ? null : String(r.unit_id),
  createdAt: r.created_at,
  readAt: r.read_at,
});

/** A reader's own notices: every query is narrowed to `user_id = the caller`, nobody reads another's. */
@Injectable()
export class NoticesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  async list(principal: Principal, unread: boolean, first: number, locale: Locale): Promise<NoticeModel[]> {
    const limit = Math.min(Math.max(Math.trunc(first), 0), MAX_NOTICES);
    const rows = (await this.db.query(
      `SELECT id, kind, title, title_en, body, body_en, ledger_key, period, row_id, unit_id, created_at, read_at FROM notices
        WHERE user_id = $1 AND ($2::boolean IS NOT TRUE OR read_at IS NULL)
        ORDER BY created_at DESC, id DESC LIMIT $3`,
      [principal.userId, unread, limit],
    )) as NoticeRow[];
    return rows.map((row) => toModel(row, locale));
  }

  async unreadCount(principal: Principal): Promise<number> {
    const [{ n }] = (await this.db.query(
      `SELECT count(*)::int AS n FROM notices WHERE user_id = $1 AND read_at IS NULL`,
      [principal.userId],
    )) as { n: number }[];
    return n;
  }

  /** Marks the caller's own among the ids read; another's ids are ignored, telling nothing of them. */
  async markRead(principal: Principal, ids: string[]): Promise<boolean> {
    const own = ids.map((id) => parseId(id, 'ids'));
    if (own.length === 0) return true;
    await this.db.query(
      `UPDATE notices SET read_at = $3 WHERE user_id = $1 AND id = ANY($2::bigint[]) AND read_at IS NULL`,
      [principal.userId, own, this.clock.now()],
    );
    return true;
  }
}
