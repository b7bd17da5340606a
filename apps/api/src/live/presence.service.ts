import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { PRESENCE_CHANNEL } from '../database/notice-channels';
import { NoticeListener } from '../database/notice-listener';
import type { Principal } from '../identity/principal';
import { message } from '@taizhang/ledger-core';
import { RowAccess } from '../ledger-data/row-access.service';
import { RowsException } from '../ledger-tables/rows.exception';
import { EventStream } from './event-stream';
import { LiveCallers, watchedUnit } from './live-session';
import type { LiveRowsArgs } from './live-rows.service';
import type { PresenceModel } from './presence.model';

/** How often a process says its open grids are still open, and reads its watched sheets again. */
export const HEARTBEAT_MS = 3_000;
/** A grid not heard of for this long has left (its process died, or its network did). */
export const GONE_AFTER_MS = 10_000;

/** A sheet as presence keys it: unit 0 = every unit (an admin's view of all), period '' = none. */
interface SheetKey {
  ledger: string;
  unit: number;
  period: string;
}
const keyText = (key: SheetKey) => JSON.stringify([key.ledger, key.unit, key.period]);

interface Watcher {
  clientId: string;
  principal: Principal;
  token: string | null;
  key: SheetKey;
  stream: EventStream<PresenceModel[]>;
  /** What it was last sent, to send only changes. */
  last: string;
}

const clientIdRefused = () =>
  RowsException.badInput('INVALID_CLIENT_ID', [
    {
      path: 'clientId',
      message: message('clientId 应为本窗口自己生成的 UUID', 'clientId must be a UUID this window made itself'),
    },
  ]);

const CLIENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Who has a sheet open, across every API process (docs/live.md, Presence): each open grid is a
 * row of `sheet_presence`, written by the process holding its subscription; a change is told to
 * every process by a notice, and each reads the sheet's list again for the grids it serves.
 */
@Injectable()
export class Presence implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(Presence.name);
  private readonly watchers = new Map<string, Watcher>();
  private readonly listener: NoticeListener;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: RowAccess,
    private readonly callers: LiveCallers,
  ) {
    this.listener = new NoticeListener(
      db,
      PRESENCE_CHANNEL,
      'taizhang-api-presence',
      {
        notice: (payload) => void this.refresh((key) => keyText(key) === payload),
        listening: () => void this.refresh(() => true),
        lost: () => undefined,
      },
      this.logger,
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.listener.start();
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const watcher of [...this.watchers.values()]) void watcher.stream.return();
    await this.listener.stop();
  }

  /**
   * The caller's grid joins the sheet (checked as `rows` is); the stream sends the sheet's list
   * at once and on every change, and leaving (the subscription ends) takes the grid out.
   */
  async join(
    principal: Principal,
    token: string | null,
    clientId: string,
    args: LiveRowsArgs,
  ): Promise<EventStream<PresenceModel[]>> {
    const { ledger, scope } = await this.access.forRead(principal, args.ledger, args.unitId);
    if (!CLIENT_ID.test(clientId)) throw clientIdRefused();
    const key: SheetKey = {
      ledger: ledger.key,
      unit: watchedUnit(scope),
      period: args.period ?? '',
    };
    // a client id taken by another session is not this caller's to take over
    const [taken] = (await this.db.query(
      `INSERT INTO sheet_presence (client_id, session_id, user_id, ledger_key, unit_id, period)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (client_id) DO UPDATE SET ledger_key = $4, unit_id = $5, period = $6, row_id = NULL, seen_at = now()
         WHERE sheet_presence.session_id = $2
       RETURNING client_id`,
      [clientId, principal.sessionId, principal.userId, key.ledger, key.unit, key.period],
    )) as unknown[];
    if (!taken) throw clientIdRefused();
    const stream = new EventStream<PresenceModel[]>(() => void this.leave(clientId));
    this.watchers.get(clientId)?.stream.return();
    this.watchers.set(clientId, { clientId, principal, token, key, stream, last: '' });
    await this.announce(key);
    return stream;
  }

  /** The caller's grid is on another row (null: none). Only the session that opened it moves it. */
  async move(principal: Principal, clientId: string, rowId: string | null): Promise<boolean> {
    const row = rowId === null ? null : /^[1-9]\d{0,17}$/.test(rowId) ? rowId : undefined;
    if (row === undefined || !CLIENT_ID.test(clientId)) return false;
    const [moved] = (await this.db.query(
      `WITH moved AS (
         UPDATE sheet_presence SET row_id = $3, seen_at = now() WHERE client_id = $1 AND session_id = $2
         RETURNING ledger_key AS ledger, unit_id AS unit, period)
       SELECT * FROM moved`,
      [clientId, principal.sessionId, row],
    )) as SheetKey[];
    if (!moved) return false;
    await this.announce(moved);
    return true;
  }

  private async leave(clientId: string): Promise<void> {
    const watcher = this.watchers.get(clientId);
    if (!watcher) return;
    this.watchers.delete(clientId);
    try {
      await this.db.query(`DELETE FROM sheet_presence WHERE client_id = $1`, [clientId]);
      await this.announce(watcher.key);
    } catch (error) {
      this.logger.warn(`presence of a closed grid not removed (${(error as Error).message}); it expires`);
    }
  }

  private announce(key: SheetKey): Promise<unknown> {
    return this.db.query(`SELECT pg_notify($1, $2)`, [PRESENCE_CHANNEL, keyText(key)]);
  }

  /** The grids this process serves are still open; the lists of their sheets are read again (someone may have gone). */
  private async beat(): Promise<void> {
    // a process with no open grid has nothing to keep alive and no list to send (stale rows are
    // left out of every list by seen_at, and swept by the processes that serve sheets)
    if (this.watchers.size === 0) return;
    try {
      await this.db.query(`UPDATE sheet_presence SET seen_at = now() WHERE client_id = ANY($1::uuid[])`, [
        [...this.watchers.keys()],
      ]);
      await this.db.query(`DELETE FROM sheet_presence WHERE seen_at < now() - interval '1 minute'`);
      await this.refresh(() => true);
    } catch (error) {
      this.logger.warn(`presence heartbeat failed: ${(error as Error).message}`);
    }
  }

  /** Each watched sheet that `matches`: its list read once, sent to its watchers whose list changed. */
  private async refresh(matches: (key: SheetKey) => boolean): Promise<void> {
    const sheets = new Map<string, { key: SheetKey; watchers: Watcher[] }>();
    for (const watcher of this.watchers.values()) {
      if (!matches(watcher.key)) continue;
      const text = keyText(watcher.key);
      const sheet = sheets.get(text) ?? { key: watcher.key, watchers: [] };
      sheet.watchers.push(watcher);
      sheets.set(text, sheet);
    }
    for (const { key, watchers } of sheets.values()) {
      const list = await this.listOf(key);
      const text = JSON.stringify(list);
      for (const watcher of watchers) {
        if (watcher.last === text) continue;
        const refusal = await this.callers.refusal(watcher.principal, watcher.token).catch(() => null);
        if (refusal) {
          watcher.stream.end(refusal);
          continue;
        }
        watcher.last = text;
        watcher.stream.push(list);
      }
    }
  }

  private async listOf(key: SheetKey): Promise<PresenceModel[]> {
    const rows = (await this.db.query(
      `SELECT p.client_id AS "clientId", p.user_id::text AS "userId", u.display_name AS name,
              p.row_id::text AS "rowId", p.since
         FROM sheet_presence p JOIN users u ON u.id = p.user_id
        WHERE p.ledger_key = $1 AND p.unit_id = $2 AND p.period = $3
          AND p.seen_at > now() - make_interval(secs => $4)
        ORDER BY p.since, p.client_id`,
      [key.ledger, key.unit, key.period, GONE_AFTER_MS / 1000],
    )) as PresenceModel[];
    return rows;
  }
}
