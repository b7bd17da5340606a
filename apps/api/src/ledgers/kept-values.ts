import type { DataSource } from 'typeorm';
import { quoteIdent, tableNameOf } from '@taizhang/ledger-core';
import { AppException } from '../common/errors/app-exception';
import type { PublishedVersion } from './version-report';

/** A value a publish set aside (a retyped field's old value, a removed field's), with its row. */
export interface KeptValue {
  rowId: string;
  unitId: string;
  unitName: string;
  /** As text, the way PostgreSQL writes the kept column's type. */
  value: string;
}

/** The columns a ledger's publishes kept values in, as their reports name them. */
export function keptColumnsOf(versions: readonly PublishedVersion[]): Set<string> {
  const columns = new Set<string>();
  for (const { report } of versions) {
    for (const retyped of report?.retyped ?? []) columns.add(retyped.keptAs);
    for (const hidden of report?.hidden ?? []) columns.add(hidden.keptAs);
  }
  return columns;
}

/**
 * The live rows of every unit that have a value in `column`, a column a publish kept old values in
 * (docs/designer.md "Versions"): nothing is dropped, and this is how an admin reads it again. Only
 * a column some version's report names is read; one a later publish restored as a field is gone
 * under that name (its values are the field's again) and answers no rows.
 */
export async function keptValues(
  db: DataSource,
  key: string,
  versions: readonly PublishedVersion[],
  column: string,
  first: number,
): Promise<KeptValue[]> {
  if (!keptColumnsOf(versions).has(column))
    throw new AppException('BAD_USER_INPUT', 'NOT_A_KEPT_COLUMN', {
      'zh-CN': `「${column.slice(0, 100)}」不是台账「${key}」保存原值的列`,
      en: `"${column.slice(0, 100)}" is not a column ledger "${key}" kept old values in`,
    });
  const table = tableNameOf(key);
  return db.transaction(async (tx) => {
    const exists = (await tx.query(
      `SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2`,
      [table, column],
    )) as unknown[];
    if (exists.length === 0) return [];
    await tx.query(`SELECT set_config('taizhang.all_units', 'on', true)`);
    const kept = quoteIdent(column);
    return (await tx.query(
      `SELECT t.id::text AS "rowId", t.unit_id::text AS "unitId", u.name AS "unitName", t.${kept}::text AS value
         FROM ${quoteIdent(table)} t JOIN units u ON u.id = t.unit_id
        WHERE t.deleted_at IS NULL AND t.${kept} IS NOT NULL
        ORDER BY t.id LIMIT $1`,
      [Math.max(0, Math.min(first, 500))],
    )) as KeptValue[];
  });
}
