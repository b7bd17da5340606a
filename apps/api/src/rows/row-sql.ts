import pg from 'pg';
import { quoteIdent, tableNameOf, type LedgerModel } from '@taizhang/ledger-core';

/** A ledger row as the contract carries it. */
export interface RowRecord {
  id: string;
  unitId: string;
  period: string | null;
  version: number;
  values: Record<string, unknown>;
  updatedAt: Date;
}

export const tableOf = (model: LedgerModel) => quoteIdent(tableNameOf(model.definition.key));

/**
 * The SELECT list of a row: the system columns the contract needs, then every field. The time of
 * the last change comes as PostgreSQL's text and becomes a Date only when read (rowFromDb): a grid
 * page rarely asks for it, and 500 dates parsed for nothing are a noticeable part of a page.
 */
export function rowColumns(model: LedgerModel, alias = 't'): string {
  return [
    `${alias}.id`,
    `${alias}.unit_id`,
    `${alias}.period`,
    `${alias}.version`,
    `${alias}.updated_at::text AS updated_at`,
    ...model.fields.map((f) => `${alias}.${quoteIdent(f.key)}`),
  ].join(', ');
}

const parseTimestamp = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ) as (text: string) => Date;

export function rowFromDb(model: LedgerModel, raw: Record<string, unknown>): RowRecord {
  const values: Record<string, unknown> = {};
  for (const field of model.fields) values[field.key] = model.spec(field).fromDb(raw[field.key]);
  const updatedAt = raw.updated_at as Date | string;
  return {
    id: String(raw.id),
    unitId: String(raw.unit_id),
    period: (raw.period as string | null) ?? null,
    version: Number(raw.version),
    values,
    get updatedAt() {
      return typeof updatedAt === 'string' ? parseTimestamp(updatedAt) : updatedAt;
    },
  };
}
