import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  currentPeriod,
  formulaToSql,
  periodDeadline,
  previousPeriod,
  quoteIdent,
  textOf,
  unitFills,
  type LedgerModel,
} from '@taizhang/ledger-core';
import { noticeUnitClerks } from '../common/notices/unit-notices';
import { webhookSubscribed, writeWebhookEvents } from '../common/webhooks/webhook-outbox';
import { Clock } from '../common/time/clock';
import { MinuteJob } from '../common/time/minute-job';
import { shanghaiMinuteText } from '../common/time/shanghai';
import { readInUnitScope } from '../ledger-tables/row-scope';
import { tableOf } from '../ledger-tables/row-sql';
import { LedgerRegistry, type PublishedLedger } from '../ledgers/ledger-registry.service';
import { UnitsService } from '../units/units.service';

/** How long before a sheet's deadline its unit's clerks are told it is not submitted yet, unless the ledger says (`deadlineNoticeMinutes`). */
export const DEADLINE_NOTICE_MINUTES = 30;
/** Read notices older than this are deleted. */
export const READ_NOTICE_RETENTION_DAYS = 90;

/** What a row says by its ledger's display field, as SQL text; its id without one. */
const labelSql = (model: LedgerModel) =>
  model.definition.display === undefined
    ? `'#' || t.id`
    : `coalesce(t.${quoteIdent(model.definition.display)}::text, '#' || t.id)`;

/**
 * The notices no request causes, found on a schedule (every minute, on the injected Clock):
 * a sheet of the current period not submitted shortly before its deadline (DEADLINE), a tracked
 * row that has become overdue (OVERDUE); each written once per reader (notices_once_idx). Also
 * deletes read notices past the retention period. The webhook events no request causes are found
 * here too (docs/integration.md, Webhooks): rectification.overdue with the OVERDUE notice, in its transaction,
 * and sheet.late for a sheet whose deadline passed unsubmitted, each once (scheduled_once). `check(now)` is the whole job, for the tests.
 */
@Injectable()
export class NoticeChecks implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(NoticeChecks.name);
  private readonly job = new MinuteJob('notice check', this.logger, () => this.check(this.clock.now()));

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly registry: LedgerRegistry,
    private readonly units: UnitsService,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.job.start();
  }

  onModuleDestroy(): void {
    this.job.stop();
  }

  async check(now: Date): Promise<void> {
    const ledgers = await this.registry.all();
    for (const ledger of ledgers) await this.noticeDeadline(ledger, now);
    for (const ledger of ledgers) await this.noticeOverdue(ledger, now);
    if (await webhookSubscribed(this.db, 'sheet.late'))
      for (const ledger of ledgers) await this.announceLate(ledger, now);
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
    await this.db.transaction(async (tx) => {
      await noticeUnitClerks(
        tx,
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
      if (!(await webhookSubscribed(tx, 'rectification.overdue'))) return;
      // a row whose unit has no clerk gets no notice and is found again next time: its event is sent once
      const fresh = new Set(
        (
          (await tx.query(
            `INSERT INTO scheduled_once (kind, ledger_key, subject, ran_at)
             SELECT 'overdue', $1, x, $2 FROM unnest($3::text[]) AS x ON CONFLICT DO NOTHING RETURNING subject`,
            [ledger.key, now, rows.map((r) => String(r.id))],
          )) as { subject: string }[]
        ).map((r) => r.subject),
      );
      await writeWebhookEvents(
        tx,
        rows
          .filter((row) => fresh.has(String(row.id)))
          .map((row) => ({
            event: 'rectification.overdue' as const,
            ledgerKey: ledger.key,
            unitId: Number(row.unit_id),
            row: { id: row.id },
            data: { label: row.label, overdueRule: formula },
            occurredAt: now,
          })),
      );
    });
  }

  /**
   * sheet.late: the sheets of the current and the previous period whose deadline has passed and
   * which their unit has not submitted (not started, draft or returned), each announced once.
   */
  private async announceLate(ledger: PublishedLedger, now: Date): Promise<void> {
    const current = currentPeriod(ledger.definition.period, now);
    if (current === null) return;
    const previous = previousPeriod(ledger.definition.period, current);
    const units = (await this.units.list(null)).filter((unit) => unit.active && unitFills(ledger.definition, unit));
    for (const period of previous === null ? [current] : [previous, current]) {
      const deadline = periodDeadline(ledger.definition, period);
      if (deadline === null || now.getTime() <= deadline.getTime()) continue;
      const states = new Map(
        (
          (await this.db.query(`SELECT unit_id, state FROM sheets WHERE ledger_key = $1 AND period = $2`, [
            ledger.key,
            period,
          ])) as { unit_id: number; state: string }[]
        ).map((s) => [Number(s.unit_id), s.state]),
      );
      const late = units.filter((unit) => states.get(unit.id) !== 'submitted');
      if (late.length === 0) continue;
      await this.db.transaction(async (tx) => {
        const fresh = new Set(
          (
            (await tx.query(
              `INSERT INTO scheduled_once (kind, ledger_key, subject, ran_at)
               SELECT 'late', $1, x, $2 FROM unnest($3::text[]) AS x ON CONFLICT DO NOTHING RETURNING subject`,
              [ledger.key, now, late.map((unit) => `${unit.id}/${period}`)],
            )) as { subject: string }[]
          ).map((r) => r.subject),
        );
        await writeWebhookEvents(
          tx,
          late
            .filter((unit) => fresh.has(`${unit.id}/${period}`))
            .map((unit) => ({
              event: 'sheet.late' as const,
              ledgerKey: ledger.key,
              unitId: unit.id,
              period,
              data: {
                deadline: deadline.toISOString(),
                state: (states.get(unit.id) ?? 'not_started').toUpperCase(),
              },
              occurredAt: now,
            })),
        );
      });
    }
  }
}
