import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Locale } from '@taizhang/domain';
import { ledgerDaySql, textOf, type LedgerDefinition, type MeasureDefinition } from '@taizhang/ledger-core';
import type { PublishedLedger } from '../ledgers/ledger-registry.service';
import { readInUnitScope, type UnitScope } from '../ledger-tables/row-scope';
import { tableOf } from '../ledger-tables/row-sql';
import type { StatCorrectionModel, StatOverrideModel } from './statistics.model';

/** The rows a statistics answer counted: what its applied corrections are looked up within. */
export interface CountedRows {
  ledger: PublishedLedger;
  units: UnitScope;
  from: string | null;
  to: string | null;
}

/** The measures whose figures a field's value goes into (a ratio through its numerator or denominator). */
export function measuresReading(definition: LedgerDefinition, field: string): string[] {
  const measures = definition.measures ?? [];
  const byKey = new Map(measures.map((m) => [m.key, m]));
  const reads = (m: MeasureDefinition | undefined, depth = 0): boolean => {
    if (!m || depth > 2) return false;
    switch (m.kind) {
      case 'sum':
      case 'distribution':
        return m.field === field;
      case 'countWhere':
        return new RegExp(`(^|[^A-Za-z0-9_])${field}([^A-Za-z0-9_]|$)`).test(m.where);
      case 'ratio':
        // a side names another measure if there is one by that key (as statistics read it), else a field
        return [m.numerator, m.denominator].some((part) =>
          byKey.has(part) ? reads(byKey.get(part), depth + 1) : part === field,
        );
      default:
        return false;
    }
  };
  return measures.filter((m) => reads(m)).map((m) => m.key);
}

/**
 * The rows a statistics answer counted, as conditions on a record `alias` of them (its unit_id)
 * joined to the ledger's row `t`: live, the same units, the same from–to on the ledger's date.
 */
function countedWhere({ ledger, units, from, to }: CountedRows, alias: string, params: unknown[]): string[] {
  const where = ['t.deleted_at IS NULL'];
  if ('units' in units) where.push(`${alias}.unit_id = ANY($${params.push(units.units)})`);
  const day = ledgerDaySql(ledger.model, 't');
  if (from) where.push(`${day} >= $${params.push(from)}::date`);
  if (to) where.push(`${day} <= $${params.push(to)}::date`);
  return where;
}

/**
 * The corrections (更正) applied to the rows a statistics answer counts: the same units, the same
 * from–to on the ledger's date, live rows. Statistics read the rows, so their figures already
 * have the corrected values; this says which figures a correction changed, for a mark.
 */
@Injectable()
export class StatisticsCorrections {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async applied({ ledger, units, from, to }: CountedRows, locale: Locale): Promise<StatCorrectionModel[]> {
    const model = ledger.model;
    const params: unknown[] = [ledger.key];
    const day = ledgerDaySql(model, 't');
    const where = [
      `c.ledger_key = $1`,
      `c.state = 'APPLIED'`,
      ...countedWhere({ ledger, units, from, to }, 'c', params),
    ];
    const rows = await readInUnitScope(this.db, units, (tx) =>
      tx.query<Record<string, unknown>>(
        `SELECT c.id::text AS id, c.unit_id::text AS unit_id, un.name AS unit_name, c.period, c.row_id::text AS row_id,
                c.field, c.old_value, c.new_value, c.reason, c.decided_at, to_char(${day}, 'YYYY-MM-DD') AS day
           FROM sheet_corrections c
           JOIN ${tableOf(model)} t ON t.unit_id = c.unit_id AND t.id = c.row_id
           JOIN units un ON un.id = c.unit_id
          WHERE ${where.join(' AND ')}
          ORDER BY c.decided_at DESC, c.id DESC LIMIT 500`,
        params,
      ),
    );
    return rows.map((r) => {
      const field = model.byKey.get(String(r.field));
      return {
        id: String(r.id),
        unitId: String(r.unit_id),
        unitName: String(r.unit_name),
        period: String(r.period),
        day: (r.day as string | null) ?? null,
        rowId: String(r.row_id),
        field: String(r.field),
        fieldTitle: field ? textOf(field.title, locale) : String(r.field),
        measures: measuresReading(model.definition, String(r.field)),
        oldValue: r.old_value ?? null,
        newValue: r.new_value ?? null,
        reason: String(r.reason),
        correctedAt: new Date(String(r.decided_at)),
      };
    });
  }

  /**
   * The derived figures set by hand (overrides, with their reasons) in the rows a statistics
   * answer counts: the figures count them as set; this says where, for a mark and a count.
   */
  async overridden({ ledger, units, from, to }: CountedRows, locale: Locale): Promise<StatOverrideModel[]> {
    const model = ledger.model;
    if (!model.fields.some((f) => f.derive)) return [];
    const params: unknown[] = [ledger.key];
    const where = [`o.ledger_key = $1`, ...countedWhere({ ledger, units, from, to }, 'o', params)];
    const rows = await readInUnitScope(this.db, units, (tx) =>
      tx.query<Record<string, unknown>>(
        `SELECT o.unit_id::text AS unit_id, un.name AS unit_name, t.period, o.row_id::text AS row_id, o.field,
                o.value, o.derived, o.reason
           FROM derived_overrides o
           JOIN ${tableOf(model)} t ON t.unit_id = o.unit_id AND t.id = o.row_id
           JOIN units un ON un.id = o.unit_id
          WHERE ${where.join(' AND ')}
          ORDER BY t.period DESC, o.unit_id LIMIT 500`,
        params,
      ),
    );
    return rows.map((r) => {
      const field = model.byKey.get(String(r.field));
      return {
        unitId: String(r.unit_id),
        unitName: String(r.unit_name),
        period: String(r.period),
        rowId: String(r.row_id),
        field: String(r.field),
        fieldTitle: field ? textOf(field.title, locale) : String(r.field),
        measures: measuresReading(model.definition, String(r.field)),
        value: r.value ?? null,
        derived: r.derived ?? null,
        reason: String(r.reason),
      };
    });
  }
}
