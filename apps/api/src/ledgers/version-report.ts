import { renamesOf, type LedgerDefinition, type TableChange } from '@taizhang/ledger-core';
import type { FollowedRename, MigrationReport, RetypeReport } from './ledger-migration.entity';

/**
 * What a publish did to the data, as `ledgerVersions` gives it (the contract's LedgerVersion.report),
 * from the migration log's table changes and what the publish counted (docs/designer.md "Versions").
 * Nothing is ever dropped: a removed field's column is hidden under another name, a retyped
 * field's old values stay in their old column.
 */
export interface VersionReport {
  /** Columns made for new fields. */
  added: string[];
  renamed: { from: string; to: string }[];
  /** Retyped fields: how many values did not convert (NULL in the new column), some of them, and where all are kept. */
  retyped: RetypeReport[];
  /** Removed fields: the column their values are kept in (restored if the field comes back). */
  hidden: { field: string; keptAs: string }[];
  /** Fields that came back with the values they had. */
  restored: string[];
  /** Seed rows inserted (a ledger's first version). */
  seededRows: number;
  /** Other ledgers that named a renamed field, published again with its new name. */
  followed: FollowedRename[];
  /** This version was published by another ledger's, whose renamed field this ledger names. */
  renamedBy: FollowedRename | null;
}

export function ledgerVersionReport(actions: TableChange[], report: MigrationReport): VersionReport {
  const result: VersionReport = {
    added: [],
    renamed: [],
    retyped: report.retyped,
    hidden: [],
    restored: [],
    seededRows: report.seededRows,
    followed: report.followed ?? [],
    renamedBy: report.renamedBy ?? null,
  };
  for (const change of actions) {
    if (change.kind === 'createTable') result.added.push(...change.columns.map((c) => c.column));
    else if (change.kind === 'addColumn') result.added.push(change.column.column);
    else if (change.kind === 'hideColumn') result.hidden.push({ field: change.column, keptAs: change.hiddenAs });
    else if (change.kind === 'restoreColumn') result.restored.push(change.column);
  }
  result.renamed = [...renamesOf(actions).values()];
  return result;
}

/** A published version of a ledger, as `ledgerVersions` lists it. */
export interface PublishedVersion {
  version: number;
  source: string;
  publishedAt: Date;
  /** The publishing admin's name; null for a schemas/ file. */
  publishedBy: string | null;
  definition: LedgerDefinition;
  report: VersionReport | null;
}
