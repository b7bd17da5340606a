import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { modelOf, type LedgerDefinition, type LedgerModel, type TableChange } from '@taizhang/ledger-core';
import type { MigrationReport } from './ledger-migration.entity';
import { ledgerVersionReport, type PublishedVersion } from './version-report';
import { LEDGERS_CHANGED_CHANNEL } from '../database/notice-channels';
import { NoticeListener } from '../database/notice-listener';

/** Without its notices (the listening connection lost), a loaded set of definitions is kept this long. */
const UNHEARD_TRUST_MS = 1_000;

export interface PublishedLedger {
  key: string;
  version: number;
  source: string;
  publishedAt: Date;
  definition: LedgerDefinition;
  model: LedgerModel;
}

/**
 * The current version of every ledger, read once and kept until it changes: the publisher calls
 * `invalidate` after its transaction commits, and PostgreSQL's notice (a trigger on ledgers)
 * tells every API process, this one included, within moments. While the notices are lost, what
 * was loaded is kept at most a second. Row writes check the version they were given inside their
 * transaction (ledger-locks.ts), so a write never runs on a definition that has moved on.
 */
@Injectable()
export class LedgerRegistry implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(LedgerRegistry.name);
  private cache: Promise<Map<string, PublishedLedger>> | null = null;
  private loadedAt = 0;
  private readonly listener: NoticeListener;

  constructor(@InjectDataSource() private readonly db: DataSource) {
    this.listener = new NoticeListener(
      db,
      LEDGERS_CHANGED_CHANNEL,
      'taizhang-api-ledgers',
      { notice: () => this.invalidate(), listening: () => this.invalidate(), lost: () => this.invalidate() },
      this.logger,
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.listener.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.listener.stop();
  }

  invalidate(): void {
    this.cache = null;
  }

  private load(): Promise<Map<string, PublishedLedger>> {
    if (this.cache && !this.listener.active && performance.now() - this.loadedAt > UNHEARD_TRUST_MS) this.cache = null;
    if (!this.cache) this.loadedAt = performance.now();
    this.cache ??= this.db
      .query(
        `SELECT l.key, l.current_version AS version, v.source, v.published_at AS "publishedAt", v.definition
           FROM ledgers l JOIN ledger_versions v ON v.ledger_key = l.key AND v.version = l.current_version
          ORDER BY l.created_at, l.key`,
      )
      .then(
        (rows: Omit<PublishedLedger, 'model'>[]) =>
          new Map(rows.map((row) => [row.key, { ...row, model: modelOf(row.definition) }])),
      )
      .catch((error: unknown) => {
        this.cache = null;
        throw error;
      });
    return this.cache;
  }

  async all(): Promise<PublishedLedger[]> {
    return [...(await this.load()).values()];
  }

  async find(key: string): Promise<PublishedLedger | null> {
    return (await this.load()).get(key) ?? null;
  }

  /**
   * Every published version of a ledger, oldest first: who published it and when, the definition,
   * and what the publish did to the data (ledgerVersionReport) — null for a publish that did not
   * change the definition's table log (none do today; kept for versions older than the log).
   */
  async versions(key: string): Promise<PublishedVersion[]> {
    const rows = (await this.db.query(
      `SELECT v.version, v.source, v.published_at AS "publishedAt", u.display_name AS "publishedBy",
              v.definition, m.actions, m.report
         FROM ledger_versions v
         LEFT JOIN users u ON u.id = v.published_by
         LEFT JOIN LATERAL (SELECT m.actions, m.report FROM ledger_migrations m
                             WHERE m.ledger_key = v.ledger_key AND m.to_version = v.version
                             ORDER BY m.id DESC LIMIT 1) m ON true
        WHERE v.ledger_key = $1 ORDER BY v.version`,
      [key],
    )) as (Omit<PublishedVersion, 'report'> & { actions: TableChange[] | null; report: MigrationReport | null })[];
    return rows.map(({ actions, report, ...version }) => ({
      ...version,
      report: actions && report ? ledgerVersionReport(actions, report) : null,
    }));
  }
}
