import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { TableState } from '@taizhang/ledger-core';

export type LedgerSource = 'file' | 'api';

/** A ledger: its current version and the shape its table has now. */
@Entity({ name: 'ledgers' })
export class LedgerEntity {
  @PrimaryColumn({ type: 'text' })
  key: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ name: 'current_version', type: 'integer' })
  currentVersion: number;

  @Column({ name: 'table_name', type: 'text' })
  tableName: string;

  /** The table's columns, constraints and hidden columns (ledger-core's TableState). */
  @Column({ type: 'jsonb' })
  state: TableState;

  @Column({ type: 'text' })
  source: LedgerSource;

  /** The checksum of the schemas/ file last published, so an unchanged file is not re-read into a version. */
  @Column({ name: 'file_checksum', type: 'text', nullable: true })
  fileChecksum: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
