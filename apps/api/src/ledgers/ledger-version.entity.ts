import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { LedgerDefinition } from '@taizhang/ledger-core';
import type { LedgerSource } from './ledger.entity';

/** Every published version of every ledger, kept: rows saved under an old version stay readable. */
@Entity({ name: 'ledger_versions' })
export class LedgerVersionEntity {
  @PrimaryColumn({ name: 'ledger_key', type: 'text' })
  ledgerKey: string;

  @PrimaryColumn({ type: 'integer' })
  version: number;

  @Column({ type: 'jsonb' })
  definition: LedgerDefinition;

  @Column({ type: 'text' })
  checksum: string;

  @Column({ type: 'text' })
  source: LedgerSource;

  @Column({ name: 'published_by', type: 'integer', nullable: true })
  publishedBy: number | null;

  @Column({ name: 'published_at', type: 'timestamptz', default: () => 'now()' })
  publishedAt: Date;
}
