import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { shanghaiMidnightSql } from '../common/time/shanghai';
import { changeDisplays } from '../ledger-tables/reference-labels';
import { readInUnitScope, type RowTransaction } from '../ledger-tables/row-scope';
import { LedgerRegistry } from '../ledgers/ledger-registry.service';
import { AuditKind, type AuditEntryModel } from './audit-log.model';
import { groupBy } from '../common/group-by';

export interface AuditQuery {
  userId?: number | null;
  unitId?: number | null;
  ledger?: string | null;
  /** Inclusive days, Asia/Shanghai. */
  from?: string | null;
  to?: string | null;
  /** Entries strictly older than this (the last one of the page before). */
  before?: Date | null;
  first: number;
}

/** One source's filters as SQL, over its own column names. */
function where(
  query: AuditQuery,
  columns: { at: string; user: string; unit: string | null; ledger: string | null },
  params: unknown[],
): string {
  const parts: string[] = ['true'];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    parts.push(sql(`$${params.length}`));
  };
  if (query.userId) add((p) => `${columns.user} = ${p}`, query.userId);
  if (query.unitId) add((p) => (columns.unit ? `${columns.unit} = ${p}` : 'false'), query.unitId);
  if (query.ledger) add((p) => (columns.ledger ? `${columns.ledger} = ${p}` : `${p}::text IS NULL`), query.ledger);
  if (query.from) add((p) => `${columns.at} >= ${shanghaiMidnightSql(`${p}::date`)}`, query.from);
  if (query.to) add((p) => `${columns.at} < ${shanghaiMidnightSql(`${p}::date + 1`)}`, query.to);
  if (query.before) add((p) => `${columns.at} < ${p}`, query.before);
  return parts.join(' AND ');
}

/**
 * The audit log (admins): row changes (row_history, read in the all-units scope its row-level
 * security asks for), sheet submissions and returns, sign-in events and the admins' own actions
 * (admin_events, common/admin-audit.ts) — filtered alike, newest first, merged. Each source gives at most a page; the page is the newest of them together.
 */
@Injectable()
export class AuditLogService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ledgers: LedgerRegistry,
  ) {}

  async search(query: AuditQuery): Promise<AuditEntryModel[]> {
    const limit = Math.min(Math.max(query.first, 1), 500);
    const rowParams: unknown[] = [];
    const rowWhere = where(
      query,
      { at: 'h.changed_at', user: 'h.changed_by', unit: 'h.unit_id', ledger: 'h.ledger_key' },
      rowParams,
    );
    const rows = await readInUnitScope(this.db, { all: true }, async (tx) => {
      const changes = await tx.query<Record<string, unknown>>(
        `SELECT h.changed_at AS at, h.op AS action, u.username, u.display_name, h.api_token_id, h.unit_id, un.name AS unit_name, h.ledger_key,
                h.row_id, NULL AS period, jsonb_build_object('old', h.old_values, 'new', h.new_values, 'source', h.source)
                  -- a correction of a submitted sheet: its reason, who asked and who approved
                  || coalesce((SELECT jsonb_build_object('correction', jsonb_build_object('id', c.id::text, 'reason', c.reason,
                                 'requestedBy', (SELECT username FROM users WHERE id = c.requested_by),
                                 'approvedBy', (SELECT username FROM users WHERE id = c.decided_by)))
                                FROM sheet_corrections c
                               WHERE h.source = 'correction' AND c.ledger_key = h.ledger_key AND c.unit_id = h.unit_id
                                 AND c.row_id = h.row_id AND c.applied_version = h.version AND c.state = 'APPLIED' LIMIT 1),
                              '{}'::jsonb) AS detail
           FROM row_history h LEFT JOIN users u ON u.id = h.changed_by LEFT JOIN units un ON un.id = h.unit_id
          WHERE ${rowWhere} ORDER BY h.changed_at DESC, h.id DESC LIMIT ${limit}`,
        rowParams,
      );
      await this.addReferenceDisplays(tx, changes);
      return changes;
    });
    const sheetParams: unknown[] = [];
    const sheetWhere = where(
      query,
      { at: 'e.at', user: 'e.user_id', unit: 'e.unit_id', ledger: 'e.ledger_key' },
      sheetParams,
    );
    const sheets = (await this.db.query(
      `SELECT e.at, e.event AS action, u.username, u.display_name, e.api_token_id, e.unit_id, un.name AS unit_name, e.ledger_key, NULL AS row_id,
              e.period, jsonb_strip_nulls(jsonb_build_object('late', e.late, 'reason', e.reason, 'warnings', e.warnings,
                'acknowledgedWarnings', e.acknowledged_warnings)) AS detail
         FROM sheet_events e LEFT JOIN users u ON u.id = e.user_id LEFT JOIN units un ON un.id = e.unit_id
        WHERE ${sheetWhere} ORDER BY e.at DESC, e.id DESC LIMIT ${limit}`,
      sheetParams,
    )) as Record<string, unknown>[];
    const authParams: unknown[] = [];
    const authWhere = where(
      query,
      { at: 'a.occurred_at', user: 'a.user_id', unit: 'u.unit_id', ledger: null },
      authParams,
    );
    const auth = (await this.db.query(
      `SELECT a.occurred_at AS at, a.event AS action, a.username, u.display_name, u.unit_id, un.name AS unit_name, NULL AS ledger_key,
              NULL AS row_id, NULL AS period, jsonb_strip_nulls(jsonb_build_object('ip', a.ip, 'reason', a.reason)) AS detail
         FROM auth_events a LEFT JOIN users u ON u.id = a.user_id LEFT JOIN units un ON un.id = u.unit_id
        WHERE ${authWhere} ORDER BY a.occurred_at DESC, a.id DESC LIMIT ${limit}`,
      authParams,
    )) as Record<string, unknown>[];

    const adminParams: unknown[] = [];
    const adminWhere = where(
      query,
      { at: 'e.at', user: 'e.user_id', unit: 'e.unit_id', ledger: 'e.ledger_key' },
      adminParams,
    );
    const admin = (await this.db.query(
      `SELECT e.at, e.action, u.username, u.display_name, e.api_token_id, e.unit_id, un.name AS unit_name, e.ledger_key,
              NULL AS row_id, NULL AS period,
              jsonb_strip_nulls(jsonb_build_object('target', e.target_name, 'targetKind', e.target_kind, 'set', e.detail)) AS detail
         FROM admin_events e LEFT JOIN users u ON u.id = e.user_id LEFT JOIN units un ON un.id = e.unit_id
        WHERE ${adminWhere} ORDER BY e.at DESC, e.id DESC LIMIT ${limit}`,
      adminParams,
    )) as Record<string, unknown>[];

    const tokenNames = await this.apiTokenNames([...rows, ...sheets, ...admin]);
    const entry =
      (kind: AuditKind) =>
      (r: Record<string, unknown>): AuditEntryModel => ({
        at: new Date(r.at as string),
        kind,
        action: String(r.action),
        username: (r.username as string | null) ?? null,
        displayName: (r.display_name as string | null) ?? null,
        unitId: r.unit_id === null || r.unit_id === undefined ? null : String(r.unit_id),
        unitName: (r.unit_name as string | null) ?? null,
        ledgerKey: (r.ledger_key as string | null) ?? null,
        rowId: r.row_id === null || r.row_id === undefined ? null : String(r.row_id),
        period: (r.period as string | null) ?? null,
        detail: r.detail ?? null,
        apiToken:
          r.api_token_id === null || r.api_token_id === undefined
            ? null
            : (tokenNames.get(String(r.api_token_id)) ?? null),
      });
    return [
      ...rows.map(entry(AuditKind.ROW)),
      ...sheets.map(entry(AuditKind.SHEET)),
      ...auth.map(entry(AuditKind.AUTH)),
      ...admin.map(entry(AuditKind.ADMIN)),
    ]
      .sort((a, b) => b.at.getTime() - a.at.getTime())
      .slice(0, limit);
  }

  /** The names of the API tokens changes were made with (the api_token_id of row_history, sheet_events, admin_events), by id. */
  private async apiTokenNames(rows: Record<string, unknown>[]): Promise<Map<string, string>> {
    const ids = [
      ...new Set(
        rows
          .map((r) => r.api_token_id)
          .filter((id) => id !== null && id !== undefined)
          .map(String),
      ),
    ];
    if (ids.length === 0) return new Map();
    const named = (await this.db.query(`SELECT id::text, name FROM api_tokens WHERE id = ANY($1::bigint[])`, [
      ids,
    ])) as {
      id: string;
      name: string;
    }[];
    return new Map(named.map((t) => [t.id, t.name]));
  }

  /**
   * A row change's detail gets `display: { old, new }` beside `old` and `new`: what the references
   * among them say (reference-labels.ts), read per ledger; a change without references gets none.
   */
  private async addReferenceDisplays(tx: RowTransaction, changes: Record<string, unknown>[]): Promise<void> {
    type Detail = { old: Record<string, unknown> | null; new: Record<string, unknown> | null; display?: unknown };
    const byLedger = groupBy(changes, (change) => String(change.ledger_key));
    for (const [key, ofLedger] of byLedger) {
      const model = (await this.ledgers.find(key))?.model;
      if (!model) continue;
      const details = ofLedger.map((change) => change.detail as Detail);
      const displays = await changeDisplays(
        tx,
        model,
        details.map((detail, i) => ({ unitId: ofLedger[i].unit_id as string, old: detail.old, new: detail.new })),
      );
      details.forEach((detail, i) => {
        if (displays[i].old || displays[i].new) detail.display = displays[i];
      });
    }
  }
}
