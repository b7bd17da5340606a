import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { currentPeriod, periodDeadline, periodReminderTime } from '@taizhang/ledger-core';
import { Clock } from '../common/time/clock';
import type { Principal } from '../identity/principal';
import { LedgerRegistry } from '../ledgers/ledger-registry.service';
import { SheetsService } from './sheets.service';

/** How often the schedule is looked at: a scheduled 催报 is at most this late. */
const CHECK_EVERY_MS = 60_000;

/** The schedule acts as the system: it sees every unit, and is recorded as nobody (reminded_by null). */
const SYSTEM: Principal = {
  userId: 0,
  username: 'system',
  role: 'admin',
  unitId: null,
  unitKind: null,
  unitCode: null,
  sessionId: 'schedule',
  mustChangePassword: false,
};

/**
 * A ledger's scheduled 催报 (`"reminder": { "at": "16:30" }`, docs/ledger-language.md): from that
 * time until the deadline, the current period's missing units are reminded by the same code as
 * remindMissing (notices and the reminder.issued webhook event), once per period whichever API
 * process comes first (scheduled_once). `check(now)` is the whole job, for the tests.
 */
@Injectable()
export class ScheduledReminders implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ScheduledReminders.name);
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly registry: LedgerRegistry,
    private readonly sheets: SheetsService,
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

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.check(this.clock.now());
    } catch (error) {
      this.logger.error(`scheduled reminder failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.running = false;
    }
  }

  /** Runs each ledger's reminder that is due now and has not run for its period; the periods reminded. */
  async check(now: Date): Promise<string[]> {
    const done: string[] = [];
    for (const ledger of await this.registry.all()) {
      const period = currentPeriod(ledger.definition.period, now);
      if (period === null) continue;
      const at = periodReminderTime(ledger.definition, period);
      const deadline = periodDeadline(ledger.definition, period);
      if (at === null || deadline === null || now < at || now >= deadline) continue;
      const ran = (await this.db.query(
        `SELECT 1 FROM scheduled_once WHERE kind = 'reminder' AND ledger_key = $1 AND subject = $2`,
        [ledger.key, period],
      )) as unknown[];
      if (ran.length > 0) continue;
      await this.sheets.remind(SYSTEM, ledger.key, period, null, true);
      done.push(`${ledger.key}/${period}`);
    }
    return done;
  }
}
