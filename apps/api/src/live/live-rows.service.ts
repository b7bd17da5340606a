import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { parseRowEventNotice, type RowEventNotice } from '../common/live/row-events';
import { LEDGERS_CHANGED_CHANNEL, ROW_EVENTS_CHANNEL } from '../database/notice-channels';
import { NoticeListener } from '../database/notice-listener';
import type { Principal } from '../identity/principal';
import { RowAccess } from '../ledger-data/row-access.service';
import type { UnitScope } from '../ledger-tables/row-scope';
import { EventStream } from './event-stream';
import { LiveCallers, watchedUnit } from './live-session';
import type { RowEventModel } from './row-event.model';

export interface LiveRowsArgs {
  ledger: string;
  unitId: string | null;
  period: string | null;
}

interface Subscriber {
  principal: Principal;
  /** The session's or API token's token, checked again before each event (live-session.ts). */
  token: string | null;
  scope: UnitScope;
  period: string | null;
  stream: EventStream<RowEventModel>;
}

/**
 * The live rows of this API process (docs/live.md): it listens to PostgreSQL's row events and
 * the ledgers' publications, and hands each to the subscriptions of that ledger that may see it.
 * Every process does the same, so a save in one reaches the grids connected to any.
 */
@Injectable()
export class LiveRows implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(LiveRows.name);
  private readonly byLedger = new Map<string, Set<Subscriber>>();
  private readonly listeners: NoticeListener[];

  constructor(
    @InjectDataSource() db: DataSource,
    private readonly access: RowAccess,
    private readonly callers: LiveCallers,
  ) {
    const quiet = { listening: () => undefined, lost: () => undefined };
    this.listeners = [
      new NoticeListener(
        db,
        ROW_EVENTS_CHANNEL,
        'taizhang-api-live-rows',
        { ...quiet, notice: (payload) => this.heard(parseRowEventNotice(payload)) },
        this.logger,
      ),
      new NoticeListener(
        db,
        LEDGERS_CHANGED_CHANNEL,
        'taizhang-api-live-ledgers',
        {
          ...quiet,
          notice: (key) =>
            this.heard({ ledger: key, unitId: null, period: null, kind: 'DEFINITION', ids: [], versions: [] }),
        },
        this.logger,
      ),
    ];
  }

  async onApplicationBootstrap(): Promise<void> {
    await Promise.all(this.listeners.map((listener) => listener.start()));
  }

  async onModuleDestroy(): Promise<void> {
    for (const subscribers of this.byLedger.values()) for (const s of subscribers) void s.stream.return();
    await Promise.all(this.listeners.map((listener) => listener.stop()));
  }

  /** How many subscriptions this process holds (for the bench and the operations page). */
  get subscriptions(): number {
    let n = 0;
    for (const subscribers of this.byLedger.values()) n += subscribers.size;
    return n;
  }

  /**
   * A subscription to a ledger's rows, checked as `rows` is: a clerk naming another unit is
   * refused here, before anything is sent.
   */
  async subscribe(principal: Principal, token: string | null, args: LiveRowsArgs): Promise<EventStream<RowEventModel>> {
    const { ledger, scope } = await this.access.forRead(principal, args.ledger, args.unitId);
    const subscribers = this.byLedger.get(ledger.key) ?? new Set<Subscriber>();
    this.byLedger.set(ledger.key, subscribers);
    const subscriber: Subscriber = {
      principal,
      token,
      scope,
      period: args.period ?? null,
      stream: new EventStream<RowEventModel>(() => {
        subscribers.delete(subscriber);
        if (subscribers.size === 0 && this.byLedger.get(ledger.key) === subscribers) this.byLedger.delete(ledger.key);
      }),
    };
    subscribers.add(subscriber);
    return subscriber.stream;
  }

  private heard(event: RowEventNotice | null): void {
    if (!event) return;
    const subscribers = this.byLedger.get(event.ledger);
    if (!subscribers) return;
    for (const subscriber of subscribers) {
      if (!sees(subscriber, event)) continue;
      void this.deliver(subscriber, event);
    }
  }

  /** The session is checked again first: signed out, expired, deactivated or moved ends it. */
  private async deliver(subscriber: Subscriber, event: RowEventNotice): Promise<void> {
    const refusal = await this.callers.refusal(subscriber.principal, subscriber.token).catch((error: unknown) => {
      this.logger.warn(`a live subscription's session could not be checked: ${(error as Error).message}`);
      return null;
    });
    if (refusal) return subscriber.stream.end(refusal);
    subscriber.stream.push({
      ledger: event.ledger,
      unitId: String(event.unitId ?? watchedUnit(subscriber.scope)),
      period: event.period,
      kind: event.kind,
      ids: event.ids,
      versions: event.versions,
      reason: event.reason ?? null,
    });
  }
}

/** Whether an event is of the subscription's units and period (a definition is everyone's). */
function sees({ scope, period }: Subscriber, event: RowEventNotice): boolean {
  if (event.unitId !== null && 'units' in scope && !scope.units.includes(event.unitId)) return false;
  return period === null || event.period === null || event.period === period;
}
