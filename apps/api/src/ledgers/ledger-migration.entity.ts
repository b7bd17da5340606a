import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { TableChange } from '@taizhang/ledger-core';

export interface RetypeReport {
  field: string;
  from: string;
  to: string;
  keptAs: string;
  /** Values that did not convert: still in keptAs, NULL in the new column. */
  unconverted: number;
  /** Up to five of them, as text (publishes before 2026-12-07 have none). */
  examples?: string[];
}

/** Another ledger published again by a publish, because it named a field the publish renamed. */
export interface FollowedRename {
  ledger: string;
  version: number;
}

/** What a publish counted, kept with its table changes. */
export interface MigrationReport {
  retyped: RetypeReport[];
  seededRows: number;
  /** Publishes before 2026-12-08 have none. */
  followed?: FollowedRename[];
  /** A publish made by another ledger's (its renamed field named here): that ledger and version. */
  renamedBy?: FollowedRename;
}

/** The log of table changes, one row per publish that changed the table (Twenty's migration log). */
@Entity({ name: 'ledger_migrations' })
export class LedgerMigrationEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ name: 'ledger_key', type: 'text' })
  ledgerKey: string;

  @Column({ name: 'from_version', type: 'integer', nullable: true })
  fromVersion: number | null;

  @Column({ name: 'to_version', type: 'integer' })
  toVersion: number;

  @Column({ type: 'jsonb' })
  actions: TableChange[];

  @Column({ type: 'jsonb' })
  report: MigrationReport;

  @Column({ name: 'applied_at', type: 'timestamptz', default: () => 'now()' })
  appliedAt: Date;
}
