import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { isUnitKind, UNIT_KIND_LABELS, type Locale } from '@taizhang/domain';
import {
  specOf,
  dailySumsOf,
  fieldDaySql,
  ledgerDateField,
  measureFromSumsSql,
  sumsColumnsOf,
  type DailySums,
  measureToSql,
  ledgerDaySql,
  message,
  periodOfDate,
  quoteIdent,
  textOf,
  type FieldDefinition,
  type Message,
  unitFills,
} from '@taizhang/ledger-core';
import type { Principal } from '../identity/principal';
import { parseId } from '../common/graphql/ids';
import { Clock } from '../common/time/clock';
import type { PublishedLedger } from '../ledgers/ledger-registry.service';
import { RowAccess } from '../ledger-data/row-access.service';
import { readAtOnceInUnitScope, type UnitScope } from '../ledger-tables/row-scope';
import { dateRangeSql } from '../ledger-tables/row-filter';
import { tableOf } from '../ledger-tables/row-sql';
import type { UnitEntity } from '../units/unit.entity';
import { isMet, type StatisticsModel, type SurveyResultsModel } from './statistics.model';
import { StatisticsException } from './statistics.exception';

/** Where statistics are read from: the daily sums when they can answer (the default), or the rows. */
export interface StatisticsOptions {
  source?: 'sums' | 'rows';
}

export interface StatisticsQuery {
  ledger: string;
  measures: string[];
  groupBy: string[];
  from?: string | null;
  to?: string | null;
  unitIds?: string[] | null;
}

interface Dimension {
  key: string;
  /** The SQL of the group value. */
  sql: string;
  /** The group value as the contract writes it, from what node-postgres gives as text. */
  format?(value: string): string;
  label(value: string | null, names: LabelNames): string;
}

/** What labels are made of: the request's language, and the names of the units among the groups. */
interface LabelNames {
  locale: Locale;
  units: Map<string, string>;
}

/** What a categorical field can take (choice, multiple choice, yes/no, …), with labels in the language. */
function choicesOf(field: FieldDefinition, locale: Locale): { value: string; label: string }[] {
  return specOf(field).choices?.(field, locale) ?? [];
}

/** SQL: the row picked this option (a multiple-choice field holds it among others). */
function pickedSql(field: FieldDefinition, column: string, value: string, params: unknown[]): string {
  params.push(value);
  return specOf(field).valueKind === 'list'
    ? `$${params.length}::text = ANY(${column})`
    : `${column}::text = $${params.length}::text`;
}

/** "2023-03-06" (a Monday) → "2023-W10". */
function isoWeekOf(monday: string): string {
  return periodOfDate('weekly', monday) ?? monday;
}

interface Column {
  measure: string;
  title: string;
  sql: string;
  target: number | null;
  /** Its value over no rows: 0 for counts, null (no data) for sums and ratios. */
  empty: number | null;
}

interface UnitRow extends Pick<UnitEntity, 'name' | 'kind' | 'code' | 'active'> {
  id: string;
}

/** A statistics read's memory for sorting and grouping (PostgreSQL's default is 4 MB). */
const STATISTICS_WORK_MEM = '32MB';

/** Built-in dimensions beside those a definition declares. */
const BUILT_IN = ['unit', 'unitKind', 'day', 'week', 'month'];

/**
 * Statistics of any ledger, from the measures and dimensions its definition declares, computed
 * in one SQL query on the ledger's table (grouped, and the totals with GROUPING SETS), or on its
 * daily sums (groups by a plain GROUP BY, the totals summed from them). A ratio is
 * Σ numerator ÷ Σ denominator over the group, never an average of row ratios.
 */
@Injectable()
export class StatisticsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: RowAccess,
    private readonly clock: Clock,
  ) {}

  /** Per ledger version, that its daily sums are there and current (only a yes is kept). */
  private readonly sumsReady = new Map<string, Promise<boolean>>();

  /** The ledger's daily sums, if it has them and they match its definition (a publish or start-up makes them). */
  private async sumsOf(ledger: PublishedLedger): Promise<DailySums | null> {
    const sums = dailySumsOf(ledger.model);
    if (!sums) return null;
    const key = `${ledger.key}:${ledger.version}`;
    let ready = this.sumsReady.get(key);
    if (!ready) {
      ready = (
        this.db.query(`SELECT obj_description(to_regclass(quote_ident($1)), 'pg_class') = $2 AS ok`, [
          sums.table,
          sums.signature,
        ]) as Promise<{ ok: boolean | null }[]>
      ).then(([row]) => row?.ok === true);
      this.sumsReady.set(key, ready);
      ready.then(
        (ok) => ok || this.sumsReady.delete(key),
        () => this.sumsReady.delete(key),
      );
    }
    return (await ready.catch(() => false)) ? sums : null;
  }

  /**
   * Whether the sums answer this query exactly: every measure a sum, a count or a ratio of those,
   * every group a unit, a unit kind, or a day, week or month of the ledger's own date.
   */
  private sumsAnswer(ledger: PublishedLedger, sums: DailySums, query: StatisticsQuery): boolean {
    const measures = ledger.definition.measures ?? [];
    const dateKey = ledgerDateField(ledger.model)?.key;
    return (
      query.measures.every((key) => {
        const measure = measures.find((m) => m.key === key);
        return measure !== undefined && measureFromSumsSql(measure, measures, sums, 't') !== null;
      }) &&
      query.groupBy.every((key) => {
        const kind = this.kindOf(ledger, key);
        if (kind === 'unit' || kind === 'unitKind') return true;
        if (kind !== 'day' && kind !== 'week' && kind !== 'month') return false;
        const field = ledger.definition.dimensions?.find((d) => d.key === key)?.field;
        return field === undefined || field === dateKey;
      })
    );
  }

  async statistics(
    principal: Principal,
    query: StatisticsQuery,
    locale: Locale,
    options: StatisticsOptions = {},
  ): Promise<StatisticsModel> {
    const { ledger, scope } = await this.access.forRead(principal, query.ledger, null);
    const problems: { path: string; message: Message }[] = [];
    const units = this.unitScope(principal, scope, query.unitIds, problems);
    const params: unknown[] = [];
    const model = ledger.model;
    const available = options.source === 'rows' ? null : await this.sumsOf(ledger);
    const sums = available && this.sumsAnswer(ledger, available, query) ? available : null;
    // over the sums, a group's day is the table's day column (the ledger's date, as made by the trigger)
    const dateSql = sums ? 't.day' : ledgerDaySql(model, 't');
    const dimensions = query.groupBy.map((key, i) =>
      this.dimension(ledger, key, dateSql, !!sums, (m) => problems.push({ path: `groupBy.${i}`, message: m })),
    );
    const columns = query.measures.flatMap((key, i) =>
      this.columns(ledger, key, params, locale, sums, (m) => problems.push({ path: `measures.${i}`, message: m })),
    );
    const where = this.where(units, dateSql, query, params, problems, !sums);
    if (problems.length > 0) throw StatisticsException.invalid(problems);
    const groupSql = dimensions.map((d) => d!.sql);
    const from = `${sums ? quoteIdent(sums.table) : tableOf(model)} t${query.groupBy.some((key) => this.kindOf(ledger, key) === 'unitKind') ? ' JOIN units u ON u.id = t.unit_id' : ''}`;
    const sql =
      sums && groupSql.length > 0
        ? this.overSums(ledger, sums, query, groupSql, from, where)
        : this.overAll(groupSql, columns, from, where);
    const unitKey = query.groupBy.findIndex((key) => this.kindOf(ledger, key) === 'unit');
    const byUnitOnly = unitKey === 0 && query.groupBy.length === 1;
    // the units' names ride in the same message: by unit alone every unit in scope is a group
    // (those that never reported too); by unit and more, the names of the units among them
    const unitsSql = `SELECT id::text AS id, name, kind, code, active FROM units
                       WHERE $1::int[] IS NULL OR id = ANY($1::int[]) ORDER BY sort_order, id`;
    const [, result, unitRows = []] = (await readAtOnceInUnitScope(this.db, units, [
      // a month by unit and day sorts 62,000 groups: in memory, not in a file (4 MB by default)
      { sql: `SET LOCAL work_mem = '${STATISTICS_WORK_MEM}'` },
      { sql, params },
      ...(unitKey < 0 ? [] : [{ sql: unitsSql, params: ['all' in units ? null : units.units] }]),
    ])) as [unknown, Record<string, unknown>[], UnitRow[]?];
    const unitNames = new Map(unitRows.map((u) => [u.id, u.name]));

    const reported = result.filter((r) => Number(r.g) === 0);
    const groups = byUnitOnly ? this.withSilentUnits(ledger, reported, unitRows, columns) : reported;
    const grandTotal = result.find((r) => Number(r.g) !== 0);
    const names: LabelNames = { locale, units: unitNames };
    const numberOf = (raw: unknown) => (raw === null || raw === undefined ? null : Number(raw));
    return {
      ledgerKey: ledger.key,
      counted: { ledger, units, from: query.from ?? null, to: query.to ?? null },
      // the column's name once, not one template string per group (6,200 in a month by unit and day)
      keyColumns: dimensions.map((d, i) => {
        const column = `k${i}`;
        const values = groups.map((r) => {
          const raw = r[column];
          return raw === null || raw === undefined ? null : d!.format ? d!.format(String(raw)) : String(raw);
        });
        const labels = [...new Set(values)].map((value) => ({
          dimension: d!.key,
          value,
          label: d!.label(value, names),
        }));
        return { dimension: d!.key, values, labels };
      }),
      valueColumns: columns.map((c, i) => {
        const column = `m${i}`;
        return { measure: c.measure, title: c.title, target: c.target, values: groups.map((r) => numberOf(r[column])) };
      }),
      totals: columns.map((c, i) => {
        const value = grandTotal ? numberOf(grandTotal[`m${i}`]) : null;
        return {
          measure: c.measure,
          title: c.title,
          value,
          target: c.target,
          met: isMet(value, c.target),
        };
      }),
    };
  }

  /**
   * Each group and the totals over everything in one pass (GROUPING SETS): over the rows, and
   * over the sums without groups.
   */
  private overAll(groupSql: string[], columns: Column[], from: string, where: string[]): string {
    const select = [
      ...groupSql.map((sql, i) => `${sql} AS k${i}`),
      ...columns.map((c, i) => `${c.sql} AS m${i}`),
      groupSql.length ? `GROUPING(${groupSql.join(', ')}) AS g` : '1 AS g',
    ];
    return `SELECT ${select.join(', ')}
              FROM ${from}
             WHERE ${where.join(' AND ')}
             ${groupSql.length ? `GROUP BY GROUPING SETS ((${groupSql.join(', ')}), ())` : ''}
             ${groupSql.length ? `ORDER BY ${groupSql.map((_, i) => `k${i}`).join(', ')}` : ''}`;
  }

  /**
   * Groups over the daily sums (docs/scale.md "Statistics over the sums"): the groups' sums by a
   * plain GROUP BY, which PostgreSQL aggregates in parallel workers (it never does for GROUPING
   * SETS), or — grouped by unit and day, one row of the sums each — the sums' rows as they are,
   * with no aggregation at all; the totals are the sums of the groups' sums (exact: sums of
   * sums, a ratio Σ ÷ Σ of those), read from the same groups.
   */
  private overSums(
    ledger: PublishedLedger,
    sums: DailySums,
    query: StatisticsQuery,
    groupSql: string[],
    from: string,
    where: string[],
  ): string {
    const measures = ledger.definition.measures ?? [];
    const asked = query.measures.map((key) => measures.find((m) => m.key === key)!);
    const needed = [...new Set(asked.flatMap((m) => sumsColumnsOf(m, measures, sums)!))].map(quoteIdent);
    const kinds = query.groupBy.map((key) => this.kindOf(ledger, key));
    const oneRowEach = kinds.length === 2 && kinds.includes('unit') && kinds.includes('day');
    const keys = groupSql.map((_, i) => `k${i}`);
    return `WITH grouped AS (
              SELECT ${[...groupSql.map((sql, i) => `${sql} AS k${i}`), ...needed.map((c) => (oneRowEach ? `t.${c}` : `sum(t.${c}) AS ${c}`))].join(', ')}
                FROM ${from}
               WHERE ${where.join(' AND ')}
               ${oneRowEach ? '' : `GROUP BY ${groupSql.join(', ')}`})
            SELECT ${[...keys, ...asked.map((m, i) => `${measureFromSumsSql(m, measures, sums, 'grouped', true)} AS m${i}`)].join(', ')}, 0 AS g
              FROM grouped
            UNION ALL
            SELECT ${[...keys.map(() => 'NULL'), ...asked.map((m, i) => `${measureFromSumsSql(m, measures, sums, 'grouped')} AS m${i}`)].join(', ')}, 1 AS g
              FROM grouped
             ORDER BY ${keys.join(', ')}`;
  }

  /**
   * By unit, every active unit in scope that fills the ledger is a group, also one without a row
   * in the range: a unit that never reported shows as such (counts 0, sums and ratios null)
   * instead of missing from the list. Groups in the order of the unit list.
   */
  private withSilentUnits(
    ledger: PublishedLedger,
    reported: Record<string, unknown>[],
    units: UnitRow[],
    columns: Column[],
  ): Record<string, unknown>[] {
    const byUnit = new Map(reported.map((group) => [String(group.k0), group]));
    return units
      .filter((unit) => byUnit.has(unit.id) || (unit.active && unitFills(ledger.definition, unit)))
      .map(
        (unit) =>
          byUnit.get(unit.id) ?? {
            k0: unit.id,
            g: 0,
            ...Object.fromEntries(columns.map((column, i) => [`m${i}`, column.empty])),
          },
      );
  }

  /**
   * Per question of a ledger's choice, multiple-choice and yes/no fields: how many rows answered it
   * and how many picked each option, with the share of those answering (the survey's results).
   */
  async distributions(
    principal: Principal,
    query: { ledger: string; from?: string | null; to?: string | null; unitIds?: string[] | null },
    locale: Locale,
  ): Promise<SurveyResultsModel> {
    const { ledger, scope } = await this.access.forRead(principal, query.ledger, null);
    const problems: { path: string; message: Message }[] = [];
    const units = this.unitScope(principal, scope, query.unitIds, problems);
    const params: unknown[] = [];
    const model = ledger.model;
    const where = this.where(units, ledgerDaySql(model, 't'), query, params, problems);
    if (problems.length > 0) throw StatisticsException.invalid(problems);
    const fields = model.fields.filter((f) => specOf(f).statistics.categorical);
    const select = ['count(*) AS responses'];
    fields.forEach((field, i) => {
      const column = `t.${quoteIdent(field.key)}`;
      select.push(
        specOf(field).valueKind === 'list'
          ? `count(*) FILTER (WHERE cardinality(${column}) > 0) AS a${i}`
          : `count(${column}) AS a${i}`,
      );
      choicesOf(field, locale).forEach((option, j) => {
        select.push(`count(*) FILTER (WHERE ${pickedSql(field, column, option.value, params)}) AS o${i}_${j}`);
      });
    });
    const [[row]] = (await readAtOnceInUnitScope(this.db, units, [
      { sql: `SELECT ${select.join(', ')} FROM ${tableOf(model)} t WHERE ${where.join(' AND ')}`, params },
    ])) as Record<string, string>[][];
    return {
      ledgerKey: ledger.key,
      responses: Number(row.responses),
      questions: fields.map((field, i) => {
        const answered = Number(row[`a${i}`]);
        return {
          field: field.key,
          title: textOf(field.title, locale),
          type: field.type,
          answered,
          options: choicesOf(field, locale).map((option, j) => {
            const count = Number(row[`o${i}_${j}`]);
            return { value: option.value, label: option.label, count, share: answered === 0 ? null : count / answered };
          }),
        };
      }),
    };
  }

  /** The rows counted: live, in the scope's units, within from–to on the ledger's date. */
  private where(
    units: UnitScope,
    dateSql: string,
    query: { from?: string | null; to?: string | null },
    params: unknown[],
    problems: { path: string; message: Message }[],
    rows = true,
  ): string[] {
    // the sums hold live rows only
    const where = rows ? ['t.deleted_at IS NULL'] : ['TRUE'];
    if ('units' in units) {
      params.push(units.units);
      where.push(`t.unit_id = ANY($${params.length})`);
    }
    where.push(...dateRangeSql(dateSql, query, params, problems));
    return where;
  }

  private unitScope(
    principal: Principal,
    scope: UnitScope,
    unitIds: string[] | null | undefined,
    problems: { path: string; message: Message }[],
  ): UnitScope {
    if (!unitIds || unitIds.length === 0) return scope;
    const ids = unitIds.map((id, i) => {
      try {
        return parseId(id, `unitIds.${i}`);
      } catch {
        problems.push({ path: `unitIds.${i}`, message: message(`无效的单位编号「${id}」`, `Invalid unit id "${id}"`) });
        return 0;
      }
    });
    // a clerk naming other units gets their own unit's numbers only: the scope is the session's
    return 'all' in scope ? { units: ids } : { units: ids.filter((id) => scope.units.includes(id)) };
  }

  private kindOf(ledger: PublishedLedger, key: string): string | null {
    return ledger.definition.dimensions?.find((d) => d.key === key)?.kind ?? (BUILT_IN.includes(key) ? key : null);
  }

  private dimension(
    ledger: PublishedLedger,
    key: string,
    dateSql: string,
    fromSums: boolean,
    fail: (m: Message) => void,
  ): Dimension | null {
    const declared = ledger.definition.dimensions?.find((d) => d.key === key);
    const kind = this.kindOf(ledger, key);
    const plain = (value: string | null) => value ?? '—';
    const dateField = declared?.field ? ledger.model.byKey.get(declared.field) : undefined;
    // over the sums a time group names no field other than the ledger's date (sumsAnswer)
    const dateOf = dateField && !fromSums ? fieldDaySql(dateField, 't') : dateSql;
    switch (kind) {
      case 'unit':
        return {
          key,
          sql: 't.unit_id',
          label: (value, { units }) => (value === null ? '—' : (units.get(value) ?? value)),
        };
      case 'unitKind':
        return {
          key,
          sql: 'u.kind',
          label: (value, { locale }) => (value && isUnitKind(value) ? UNIT_KIND_LABELS[value][locale] : plain(value)),
        };
      // grouped on the date itself (cheap), written out as text once per group
      case 'day':
        return { key, sql: dateOf, label: plain };
      case 'week':
        return { key, sql: `date_trunc('week', ${dateOf})::date`, label: plain, format: (value) => isoWeekOf(value) };
      case 'month':
        return { key, sql: `date_trunc('month', ${dateOf})::date`, label: plain, format: (value) => value.slice(0, 7) };
      case 'field': {
        const field = ledger.model.byKey.get(declared!.field!)!;
        if (specOf(field).valueKind === 'list') {
          // a row would count once per option picked: that is what a distribution measure says
          fail(
            message(
              `多选字段「${key}」不能用于分组，请使用分布统计`,
              `A multichoice field cannot group rows ("${key}"); use a distribution measure`,
            ),
          );
          return null;
        }
        return {
          key,
          sql: `t.${quoteIdent(field.key)}::text`,
          label: (value, { locale }) => choicesOf(field, locale).find((o) => o.value === value)?.label ?? plain(value),
        };
      }
      default:
        fail(message(`未知的分组「${key}」`, `Unknown dimension "${key}"`));
        return null;
    }
  }

  /** The SQL aggregate(s) of a measure: one column, or one per option for a distribution. */
  private columns(
    ledger: PublishedLedger,
    key: string,
    params: unknown[],
    locale: Locale,
    sums: DailySums | null,
    fail: (m: Message) => void,
  ): Column[] {
    const measures = ledger.definition.measures ?? [];
    const measure = measures.find((m) => m.key === key);
    if (!measure) {
      fail(message(`未知的统计项「${key}」`, `Unknown measure "${key}"`));
      return [];
    }
    const title = textOf(measure.title, locale);
    const target = 'target' in measure && measure.target !== undefined ? measure.target : null;
    if (measure.kind === 'distribution') {
      const field = ledger.model.byKey.get(measure.field)!;
      const column = `t.${quoteIdent(field.key)}`;
      return choicesOf(field, locale).map((option) => ({
        measure: `${key}:${option.value}`,
        title: `${title}：${option.label}`,
        sql: `count(*) FILTER (WHERE ${pickedSql(field, column, option.value, params)})`,
        target: null,
        empty: 0,
      }));
    }
    const empty = measure.kind === 'count' || measure.kind === 'countWhere' ? 0 : null;
    return [
      {
        measure: key,
        title,
        sql: sums
          ? measureFromSumsSql(measure, measures, sums, 't')!
          : measureToSql(measure, measures, { alias: 't', types: ledger.model.types, params, now: this.clock.now() }),
        target,
        empty,
      },
    ];
  }
}
