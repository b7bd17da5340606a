import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { currentPeriod, periodDeadline, periodReminderTime } from '@taizhang/ledger-core';
import { Clock } from '../common/time/clock';
import { MinuteJob } from '../common/time/minute-job';
import type { Principal } from '../identity/principal';
import { LedgerRegistry } from '../ledgers/ledger-registry.service';
import { SheetsService } from './sheets.service';

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
  private readonly job = new MinuteJob('scheduled reminder', this.logger, () => this.check(this.clock.now()));

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly registry: LedgerRegistry,
    private readonly sheets: SheetsService,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.job.start();
  }

  onModuleDestroy(): void {
    this.job.stop();
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
