import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { fieldDaysSql, periodDays, quoteIdent, tableNameOf, textOf } from '@taizhang/ledger-core';
import type { Locale } from '@taizhang/domain';
import { Clock } from '../common/time/clock';
import {
  bySource,
  figureKey,
  figurePlanOf,
  liveFigures,
  liveGroupSql,
  periodsSpan,
  type Figure,
} from '../ledger-tables/derived-figures';
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

  /**
   * Every (unit, period) asked: its figures, live and stored; submitted: the sheets submitted
   * (unit|period → submitted at). `everyUnit`: the units are all the caller sees and the ledger's
   * fillers, so the queries read every unit's rows (no list of 200 ids tested row by row, by the
   * query or by row-level security) and the answer keeps the units asked.
   */
  async check(
    ledger: PublishedLedger,
    unitIds: number[],
    periods: string[],
    submitted: Map<string, Date>,
    locale: Locale = 'zh-CN',
    everyUnit = false,
  ): Promise<Map<string, SheetFigures>> {
    const result = new Map<string, SheetFigures>();
    const figures = await this.figuresOf(ledger);
    if (figures.length === 0 || unitIds.length === 0 || periods.length === 0) return result;
    await inUnitScope(this.db, everyUnit ? { all: true } : { units: unitIds }, (tx) =>
      this.checkIn(tx, ledger, figures, unitIds, everyUnit, periods, submitted, locale, result),
    );
    return result;
  }

  private async checkIn(
    tx: RowTransaction,
    ledger: PublishedLedger,
    figures: Figure[],
    unitIds: number[],
    everyUnit: boolean,
    periods: string[],
    submitted: Map<string, Date>,
    locale: Locale,
    result: Map<string, SheetFigures>,
  ) {
    const now = this.clock.now();
    const live = await liveFigures(tx, figures, everyUnit ? null : unitIds, periods, now);
    const table = quoteIdent(tableNameOf(ledger.key));
    const sums = figures.map((f, i) => `sum(t.${quoteIdent(f.field.key)}) AS f${i}`).join(', ');
    // the rows of those periods, found by the period field's days (its index) and kept by period
    const model = ledger.model;
    const dateField = model.byKey.get(ledger.definition.periodField ?? '');
    const span = periodsSpan(ledger.definition.period, periods);
    const params: unknown[] = [periods];
    const units = everyUnit ? '' : `AND t.unit_id = ANY($${params.push(unitIds)}::int[])`;
    const range =
      dateField && span
        ? `AND ${fieldDaysSql(dateField, 't', `$${params.push(span.first)}::date`, `$${params.push(span.last)}::date`)}`
        : '';
    const stored = (await tx.query(
      `SELECT t.unit_id, t.period, ${sums} FROM ${table} t
        WHERE t.deleted_at IS NULL ${units} ${range} AND t.period = ANY($1::text[])
        GROUP BY 1, 2`,
      params,
    )) as Record<string, unknown>[];
    const overrides = (await tx.query(
      `SELECT t.unit_id, t.period, o.field, o.reason FROM derived_overrides o
         JOIN ${table} t ON t.id = o.row_id AND t.deleted_at IS NULL
        WHERE o.ledger_key = $2 AND t.period = ANY($1::text[])`,
      [periods, ledger.key],
    )) as { unit_id: number; period: string; field: string; reason: string }[];
    const storedBy = new Map(stored.map((r) => [figureKey(Number(r.unit_id), String(r.period)), r]));
    const reasons = new Map<string, Map<string, string>>();
    for (const o of overrides) {
      const key = figureKey(o.unit_id, o.period);
      reasons.set(key, (reasons.get(key) ?? new Map()).set(o.field, o.reason));
    }
    const titles = figures.map((f) => textOf(f.field.title, locale));
    for (const unitId of unitIds)
      for (const period of periods) {
        const key = figureKey(unitId, period);
        const row = storedBy.get(key);
        const liveOf = live.get(key);
        const reasonsOf = reasons.get(key);
        const isSubmitted = submitted.has(key);
        const sheet: SheetFigures = { live: {}, figures: [], overridden: 0, differing: 0 };
        figures.forEach((f, i) => {
          const liveValue = Number(liveOf?.[f.field.key] ?? 0);
          const value = row ? num(row[`f${i}`]) : null;
          const reason = reasonsOf?.get(f.field.key) ?? null;
          const difference = isSubmitted && value !== null && reason === null ? liveValue - value : null;
          sheet.live[f.field.key] = liveValue;
          sheet.figures.push({
            field: f.field.key,
            title: titles[i],
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
   * Reconciliation in one statement: the submitted sheets of the periods whose held figures
   * differ from what the sources give now, the comparison done by PostgreSQL (the live figures
   * grouped by unit and period on the date's index, the held ones likewise, joined to the
   * submitted sheets), so that a month of 200 units sends back only the few that differ.
   * Overridden figures are not differences.
   */
  async differences(
    ledger: PublishedLedger,
    unitIds: number[],
    everyUnit: boolean,
    periods: string[],
    locale: Locale,
  ): Promise<{ unitId: number; period: string; submittedAt: Date; figure: FigureModel }[]> {
    const figures = await this.figuresOf(ledger);
    const span = periodsSpan(ledger.definition.period, periods);
    const dateField = ledger.model.byKey.get(ledger.definition.periodField ?? '');
    if (figures.length === 0 || unitIds.length === 0 || !span || !dateField) return [];
    const params: unknown[] = [span.first, span.last, periods, ledger.key];
    const now = this.clock.now();
    // one grouped read per source and date field, each figure an aggregate of it
    const lives = bySource(figures).map(({ members }, g) => ({
      members,
      sql: `live${g} AS (${liveGroupSql(figures, members, params, now)})`,
    }));
    const liveOf = (i: number) => `coalesce(live${lives.findIndex((l) => l.members.includes(i))}.f${i}, 0)`;
    const table = quoteIdent(tableNameOf(ledger.key));
    const units = everyUnit ? '' : `AND t.unit_id = ANY($${params.push(unitIds)}::int[])`;
    const rows = (await inUnitScope(this.db, everyUnit ? { all: true } : { units: unitIds }, (tx) =>
      tx.query(
        `WITH ${lives.map((l) => l.sql).join(', ')},
         held AS (
           SELECT t.unit_id, t.period, ${figures.map((f, i) => `sum(t.${quoteIdent(f.field.key)}) AS h${i}`).join(', ')}
             FROM ${table} t
            WHERE t.deleted_at IS NULL ${units} AND ${fieldDaysSql(dateField, 't', '$1::date', '$2::date')}
              AND t.period = ANY($3::text[])
            GROUP BY 1, 2)
         SELECT h.unit_id, h.period, s.submitted_at, ${figures.map((_, i) => `h.h${i}, ${liveOf(i)} AS l${i}`).join(', ')},
                ARRAY(SELECT o.field FROM derived_overrides o JOIN ${table} r ON r.id = o.row_id AND r.deleted_at IS NULL
                       WHERE o.ledger_key = $4 AND r.unit_id = h.unit_id AND r.period = h.period) AS overridden
           FROM held h
           JOIN sheets s ON s.ledger_key = $4 AND s.unit_id = h.unit_id AND s.period = h.period AND s.state = 'submitted'
           ${lives.map((_, g) => `LEFT JOIN live${g} ON live${g}.unit_id = h.unit_id AND live${g}.period = h.period`).join('\n')}
          WHERE (${figures.map((_, i) => `h.h${i}`).join(', ')}) IS DISTINCT FROM (${figures.map((_, i) => liveOf(i)).join(', ')})`,
        params,
      ),
    )) as Record<string, unknown>[];
    const wanted = new Set(unitIds);
    const titles = figures.map((f) => textOf(f.field.title, locale));
    const found: { unitId: number; period: string; submittedAt: Date; figure: FigureModel }[] = [];
    for (const row of rows) {
      const unitId = Number(row.unit_id);
      if (!wanted.has(unitId)) continue;
      const overridden = new Set(row.overridden as string[]);
      figures.forEach((f, i) => {
        const value = num(row[`h${i}`]);
        const live = Number(row[`l${i}`]);
        if (value === null || value === live || overridden.has(f.field.key)) return;
        found.push({
          unitId,
          period: String(row.period),
          submittedAt: row.submitted_at as Date,
          figure: {
            field: f.field.key,
            title: titles[i],
            value,
            live,
            difference: live - value,
            overridden: false,
            reason: null,
            sourceLedger: f.source.definition.key,
          },
        });
      });
    }
    return found;
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
      for (const { source, date } of bySource(figures)) {
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
