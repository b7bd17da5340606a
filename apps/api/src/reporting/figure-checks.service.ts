import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { fieldDaysSql, periodDays, quoteIdent, tableNameOf, textOf } from '@taizhang/ledger-core';
import type { Locale } from '@taizhang/domain';
import { Clock } from '../common/time/clock';
import { figureKey, figurePlanOf, liveFigures, type Figure } from '../ledger-tables/derived-figures';
import { inUnitScope, type RowTransaction } from '../ledger-tables/row-scope';
import { LedgerRegistry, type PublishedLedger } from '../ledgers/ledger-registry.service';
import type { FigureModel } from './sheet.model';

/** One unit's sheet of one period, as far as its derived figures go. */
export interface SheetFigures {
  /** What the source ledgers say now: { fieldKey: value }. */
  live: Record<string, number>;
  /** The figures the sheet's rows hold (summed over its rows), each field as stored. */
  figures: FigureModel[];
  /** Figures overridden by the unit. */
  overridden: number;
  /** Figures of a submitted sheet that differ from the source now (overridden ones are not differences). */
  differing: number;
}

const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));

/**
 * The derived figures of sheets side by side with their sources (docs/ledger-language.md,
 * "Figures from another ledger"): the board's and the sheet's `figures`, and reconciliation: a
 * submitted sheet's frozen figure against what the source ledger says now, with the source rows
 * changed since the submission. Three grouped queries for any number of units and periods: the
 * live figures, the stored ones, the overrides.
 */
@Injectable()
export class FigureChecks {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly registry: LedgerRegistry,
    private readonly clock: Clock,
  ) {}

  async figuresOf(ledger: PublishedLedger): Promise<Figure[]> {
    return figurePlanOf(
      (await this.registry.all()).map((l) => l.model),
      ledger.model,
    ).own;
  }

  /** Every (unit, period) asked: its figures, live and stored; submitted: the sheets submitted (unit|period → submitted at). */
  async check(
    ledger: PublishedLedger,
    unitIds: number[],
    periods: string[],
    submitted: Map<string, Date>,
    locale: Locale = 'zh-CN',
  ): Promise<Map<string, SheetFigures>> {
    const result = new Map<string, SheetFigures>();
    const figures = await this.figuresOf(ledger);
    if (figures.length === 0 || unitIds.length === 0 || periods.length === 0) return result;
    await inUnitScope(this.db, { units: unitIds }, (tx) =>
      this.checkIn(tx, ledger, figures, unitIds, periods, submitted, locale, result),
    );
    return result;
  }

  private async checkIn(
    tx: RowTransaction,
    ledger: PublishedLedger,
    figures: Figure[],
    unitIds: number[],
    periods: string[],
    submitted: Map<string, Date>,
    locale: Locale,
    result: Map<string, SheetFigures>,
  ) {
    const now = this.clock.now();
    const live = await liveFigures(tx, figures, unitIds, periods, now);
    const table = quoteIdent(tableNameOf(ledger.key));
    const sums = figures.map((f, i) => `sum(t.${quoteIdent(f.field.key)}) AS f${i}`).join(', ');
    const stored = (await tx.query(
      `SELECT t.unit_id, t.period, count(*)::int AS rows, ${sums} FROM ${table} t
        WHERE t.deleted_at IS NULL AND t.unit_id = ANY($1::int[]) AND t.period = ANY($2::text[])
        GROUP BY 1, 2`,
      [unitIds, periods],
    )) as Record<string, unknown>[];
    const overrides = (await tx.query(
      `SELECT t.unit_id, t.period, o.field, o.reason FROM derived_overrides o
         JOIN ${table} t ON t.id = o.row_id AND t.deleted_at IS NULL
        WHERE o.ledger_key = $3 AND t.unit_id = ANY($1::int[]) AND t.period = ANY($2::text[])`,
      [unitIds, periods, ledger.key],
    )) as { unit_id: number; period: string; field: string; reason: string }[];
    const storedBy = new Map(stored.map((r) => [figureKey(Number(r.unit_id), String(r.period)), r]));
    const reasons = new Map<string, Map<string, string>>();
    for (const o of overrides) {
      const key = figureKey(o.unit_id, o.period);
      reasons.set(key, (reasons.get(key) ?? new Map()).set(o.field, o.reason));
    }
    for (const unitId of unitIds)
      for (const period of periods) {
        const key = figureKey(unitId, period);
        const row = storedBy.get(key);
        const isSubmitted = submitted.has(key);
        const sheet: SheetFigures = { live: {}, figures: [], overridden: 0, differing: 0 };
        figures.forEach((f, i) => {
          const liveValue = Number(live.get(key)?.[f.field.key] ?? 0);
          const value = row ? num(row[`f${i}`]) : null;
          const reason = reasons.get(key)?.get(f.field.key) ?? null;
          const difference = isSubmitted && value !== null && reason === null ? liveValue - value : null;
          sheet.live[f.field.key] = liveValue;
          sheet.figures.push({
            field: f.field.key,
            title: textOf(f.field.title, locale),
            value,
            live: liveValue,
            difference: difference === 0 ? null : difference,
            overridden: reason !== null,
            reason,
            sourceLedger: f.source.definition.key,
          });
          if (reason !== null) sheet.overridden += 1;
          if (difference) sheet.differing += 1;
        });
        result.set(key, sheet);
      }
  }

  /**
   * The source rows behind a difference: those of the unit counted in the period's days that
   * were changed (or deleted) after the sheet was submitted, newest first, at most `first`.
   */
  async changedSince(
    ledger: PublishedLedger,
    unitId: number,
    period: string,
    since: Date,
    first = 20,
  ): Promise<{ ledger: string; id: string; label: string | null }[]> {
    const figures = await this.figuresOf(ledger);
    const days = periodDays(ledger.definition.period, period);
    if (figures.length === 0 || !days) return [];
    const found: { ledger: string; id: string; label: string | null; at: number }[] = [];
    await inUnitScope(this.db, { units: [unitId] }, async (tx) => {
      const seen = new Set<string>();
      for (const { source, date } of figures) {
        const key = `${source.definition.key}.${date.key}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const display = source.definition.display;
        const label = display && source.byKey.has(display) ? `x.${quoteIdent(display)}::text` : 'NULL';
        const rows = (await tx.query(
          `SELECT x.id, ${label} AS label, greatest(x.updated_at, coalesce(x.deleted_at, x.updated_at)) AS at
             FROM ${quoteIdent(tableNameOf(source.definition.key))} x
            WHERE x.unit_id = $3 AND ${fieldDaysSql(date, 'x', '$1::date', '$2::date')}
              AND greatest(x.updated_at, coalesce(x.deleted_at, x.updated_at)) > $4
            ORDER BY at DESC LIMIT ${Math.min(Math.max(first, 1), 100)}`,
          [days.first, days.last, unitId, since],
        )) as { id: string; label: string | null; at: Date }[];
        for (const r of rows)
          found.push({ ledger: source.definition.key, id: String(r.id), label: r.label, at: new Date(r.at).getTime() });
      }
    });
    return found
      .sort((a, b) => b.at - a.at)
      .slice(0, first)
      .map(({ ledger, id, label }) => ({ ledger, id, label }));
  }
}
