import type { Logger } from '@nestjs/common';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { pgPoolOf } from './pg-pool';

/** After losing PostgreSQL, how long a listener waits before it connects again. */
const RECONNECT_MS = 1_000;

export interface NoticeHandlers {
  /** A notice came (its payload). */
  notice(payload: string): void;
  /** Listening (again): whatever changed while nobody listened is unknown. */
  listening(): void;
  /** The connection is lost: notices may be missed until `listening` is called again. */
  lost(reason: string): void;
}

/**
 * A connection of its own that LISTENs on one channel of PostgreSQL's notices, and connects again
 * when it is lost. What a process keeps (sessions, ledger definitions) is trusted only while its
 * listener is `active`.
 */
export class NoticeListener {
  private client: pg.Client | null = null;
  private listeningNow = false;
  private stopped = false;
  private reconnect: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: DataSource,
    private readonly channel: string,
    private readonly applicationName: string,
    private readonly handlers: NoticeHandlers,
    private readonly logger: Logger,
  ) {}

  get active(): boolean {
    return this.listeningNow;
  }

  async start(): Promise<void> {
    if (this.stopped) return;
    const { options } = pgPoolOf(this.db);
    const client = new pg.Client({ ...options, application_name: this.applicationName });
    const lost = (reason?: Error) => {
      if (this.client !== client) return;
      const was = this.listeningNow;
      this.client = null;
      this.listeningNow = false;
      void client.end().catch(() => undefined);
      if (this.stopped) return;
      if (was) this.logger.warn(`notices on ${this.channel} lost (${reason?.message ?? 'connection ended'})`);
      this.handlers.lost(reason?.message ?? 'connection ended');
      this.scheduleReconnect();
    };
    // an 'error' nobody listens to would end the process
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (message) => this.handlers.notice(message.payload ?? ''));
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
    } catch (error) {
      if (this.client === client) lost(error as Error);
      return;
    }
    if (this.client !== client || this.stopped) return;
    this.listeningNow = true;
    this.handlers.listening();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnect) clearTimeout(this.reconnect);
    this.listeningNow = false;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private scheduleReconnect(): void {
    if (this.reconnect || this.stopped) return;
    this.reconnect = setTimeout(() => {
      this.reconnect = null;
      void this.start();
    }, RECONNECT_MS);
    this.reconnect.unref();
  }
}
