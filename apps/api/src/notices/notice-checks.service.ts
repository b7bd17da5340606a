import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  currentPeriod,
  formulaToSql,
  periodDeadline,
  quoteIdent,
  textOf,
  unitFills,
  type LedgerModel,
} from '@taizhang/ledger-core';
import { noticeUnitClerks } from '../common/notices/unit-notices';
import { Clock } from '../common/time/clock';
import { shanghaiMinuteText } from '../common/time/shanghai';
import { readInUnitScope } from '../ledger-tables/row-scope';
import { tableOf } from '../ledger-tables/row-sql';
import { LedgerRegistry, type PublishedLedger } from '../ledgers/ledger-registry.service';
import { UnitsService } from '../units/units.service';

/** How long before a sheet's deadline its unit's clerks are told it is not submitted yet, unless the ledger says (`deadlineNoticeMinutes`). */
export const DEADLINE_NOTICE_MINUTES = 30;
/** Read notices older than this are deleted. */
export const READ_NOTICE_RETENTION_DAYS = 90;
/** How often the check runs: a deadline notice is at most this late. */
const CHECK_EVERY_MS = 60_000;

/** What a row says by its ledger's display field, as SQL text; its id without one. */
const labelSql = (model: LedgerModel) =>
  model.definition.display === undefined
    ? `'#' || t.id`
    : `coalesce(t.${quoteIdent(model.definition.display)}::text, '#' || t.id)`;

/**
 * The notices no request causes, found on a schedule (every minute, on the injected Clock):
 * a sheet of the current period not submitted shortly before its deadline (DEADLINE), a tracked
 * row that has become overdue (OVERDUE); each written once per reader (notices_once_idx). Also
 * deletes read notices past the retention period. `check(now)` is the whole job, for the tests.
 */
@Injectable()
export class NoticeChecks implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(NoticeChecks.name);
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly registry: LedgerRegistry,
    private readonly units: UnitsService,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One scheduled run; a run still under way (a slow database) is not overlapped. */
  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.check(this.clock.now());
    } catch (error) {
      this.logger.error(`notice check failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.running = false;
    }
  }

  async check(now: Date): Promise<void> {
    const ledgers = await this.registry.all();
    for (const ledger of ledgers) await this.noticeDeadline(ledger, now);
    for (const ledger of ledgers) await this.noticeOverdue(ledger, now);
    await this.db.query(`DELETE FROM notices WHERE read_at < $1`, [
      new Date(now.getTime() - READ_NOTICE_RETENTION_DAYS * 86_400_000),
    ]);
  }

  /** The current period's sheet, within the ledger's notice minutes of its deadline: the units that have not submitted it. */
  private async noticeDeadline(ledger: PublishedLedger, now: Date): Promise<void> {
    const period = currentPeriod(ledger.definition.period, now);
    const deadline = period === null ? null : periodDeadline(ledger.definition, period);
    if (period === null || deadline === null) return;
    const minutesLeft = (deadline.getTime() - now.getTime()) / 60_000;
    const noticeMinutes = ledger.definition.deadlineNoticeMinutes ?? DEADLINE_NOTICE_MINUTES;
    if (minutesLeft <= 0 || minutesLeft > noticeMinutes) return;
    const submitted = new Set(
      (
        (await this.db.query(
          `SELECT unit_id FROM sheets WHERE ledger_key = $1 AND period = $2 AND state = 'submitted'`,
          [ledger.key, period],
        )) as { unit_id: number }[]
      ).map((s) => Number(s.unit_id)),
    );
    const due = (await this.units.list(null))
      .filter((unit) => unit.active && unitFills(ledger.definition, unit) && !submitted.has(unit.id))
      .map((unit) => unit.id);
    await noticeUnitClerks(this.db, [
      {
        unitIds: due,
        kind: 'DEADLINE',
        title: {
          'zh-CN': `即将截止：「${textOf(ledger.definition.title)}」${period} 尚未提交`,
          en: `Due soon: "${textOf(ledger.definition.title, 'en')}" ${period} is not submitted yet`,
        },
        body: {
          'zh-CN': `截止时间 ${shanghaiMinuteText(deadline)}，还剩 ${Math.ceil(minutesLeft)} 分钟`,
          en: `Due at ${shanghaiMinuteText(deadline)}, ${Math.ceil(minutesLeft)} minutes left`,
        },
        ledgerKey: ledger.key,
        period,
        createdAt: now,
      },
    ]);
  }

  /** The rows for which the ledger's `tracking.overdue` holds now (today() from the clock, as the board counts them). */
  private async noticeOverdue(ledger: PublishedLedger, now: Date): Promise<void> {
    const formula = ledger.definition.tracking?.overdue;
    if (!formula) return;
    const params: unknown[] = [];
    const overdue = formulaToSql(formula, { alias: 't', types: ledger.model.types, params, now });
    params.push(ledger.key);
    const ledgerKey = `$${params.length}::text`;
    const rows = (await readInUnitScope(this.db, { all: true }, (tx) =>
      tx.query(
        `SELECT t.id, t.unit_id, ${labelSql(ledger.model)} AS label FROM ${tableOf(ledger.model)} t
          WHERE t.deleted_at IS NULL AND (${overdue})
            AND NOT EXISTS (SELECT 1 FROM notices n WHERE n.kind = 'OVERDUE' AND n.ledger_key = ${ledgerKey} AND n.row_id = t.id)`,
        params,
      ),
    )) as { id: string; unit_id: number; label: string }[];
    if (rows.length === 0) return;
    const title = ledger.definition.title;
    await noticeUnitClerks(
      this.db,
      rows.map((row) => ({
        unitIds: [Number(row.unit_id)],
        kind: 'OVERDUE',
        title: {
          'zh-CN': `已逾期：「${textOf(title)}」${row.label}`,
          en: `Overdue: "${textOf(title, 'en')}" ${row.label}`,
        },
        body: { 'zh-CN': '已超过期限，请尽快处理', en: 'Past its deadline: please deal with it' },
        ledgerKey: ledger.key,
        rowId: row.id,
        createdAt: now,
      })),
    );
  }
}
