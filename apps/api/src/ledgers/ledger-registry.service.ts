import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { modelOf, type LedgerDefinition, type LedgerModel } from '@taizhang/ledger-core';

export interface PublishedLedger {
  key: string;
  version: number;
  source: string;
  publishedAt: Date;
  definition: LedgerDefinition;
  model: LedgerModel;
}

/**
 * The current version of every ledger, read once and kept until a publish invalidates it (the
 * publisher calls `invalidate` after its transaction commits). One API process today; several
 * would compare ledgers.updated_at before trusting the cache.
 */
@Injectable()
export class LedgerRegistry {
  private cache: Promise<Map<string, PublishedLedger>> | null = null;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  invalidate(): void {
    this.cache = null;
  }

  private load(): Promise<Map<string, PublishedLedger>> {
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

  async versions(
    key: string,
  ): Promise<{ version: number; source: string; publishedAt: Date; publishedBy: number | null }[]> {
    return this.db.query(
      `SELECT version, source, published_at AS "publishedAt", published_by AS "publishedBy" FROM ledger_versions WHERE ledger_key = $1 ORDER BY version`,
      [key],
    );
  }
}
