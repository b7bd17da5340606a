import { Injectable } from '@nestjs/common';
import { message, strictDate } from '@taizhang/ledger-core';
import type { Locale } from '@taizhang/domain';
import type { Principal } from '../identity/principal';
import { UnitModel } from '../units/unit.model';
import { UnitsService } from '../units/units.service';
import { isMet, type RankedUnitModel, type RankingModel, type StatisticsModel } from './statistics.model';
import { StatisticsException } from './statistics.exception';
import { StatisticsService } from './statistics.service';

const DAY_MS = 86_400_000;
const shift = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/**
 * Units ranked on one measure over a date range, with the change against the same number of days
 * just before it. Both come from the statistics query grouped by unit, so the numbers are the
 * dashboard's own.
 */
@Injectable()
export class RankingService {
  constructor(
    private readonly statistics: StatisticsService,
    private readonly units: UnitsService,
  ) {}

  async rank(
    principal: Principal,
    query: { ledger: string; measure: string; from: string; to: string; ascending: boolean },
    locale: Locale,
  ): Promise<RankingModel> {
    for (const [path, value] of [
      ['from', query.from],
      ['to', query.to],
    ] as const) {
      if (!strictDate(value)) {
        throw StatisticsException.invalid([
          { path, message: message(`「${value}」不是有效日期（YYYY-MM-DD）`, `"${value}" is not a date (YYYY-MM-DD)`) },
        ]);
      }
    }
    if (query.from > query.to) {
      throw StatisticsException.invalid([
        { path: 'to', message: message('结束日期不能早于开始日期', 'to must not be before from') },
      ]);
    }
    const days = Math.round((Date.parse(query.to) - Date.parse(query.from)) / DAY_MS) + 1;
    const previousTo = shift(query.from, -1);
    const previousFrom = shift(query.from, -days);
    const ask = (from: string, to: string) =>
      this.statistics.statistics(
        principal,
        { ledger: query.ledger, measures: [query.measure], groupBy: ['unit'], from, to },
        locale,
      );
    const [current, previous] = await Promise.all([ask(query.from, query.to), ask(previousFrom, previousTo)]);

    // each unit's value: the unit key column beside the measure's value column
    const valueOf = ({ keyColumns: [units], valueColumns: [values] }: StatisticsModel) =>
      new Map(units.values.map((unitId, i) => [unitId, values?.values[i] ?? null]));
    const now = valueOf(current);
    const before = valueOf(previous);
    const visible = await this.units.list(null);
    const ids = new Set([...now.keys(), ...before.keys()]);
    const title = current.totals[0]?.title ?? query.measure;
    const target = current.totals[0]?.target ?? null;
    const ranked: RankedUnitModel[] = visible
      .filter((unit) => ids.has(String(unit.id)))
      .map((unit) => {
        const value = now.get(String(unit.id)) ?? null;
        const last = before.get(String(unit.id)) ?? null;
        return {
          rank: null,
          unit: UnitModel.of(unit),
          value,
          previous: last,
          change: value === null || last === null ? null : value - last,
          met: isMet(value, target),
        };
      })
      .sort((a, b) =>
        a.value === null ? 1 : b.value === null ? -1 : query.ascending ? a.value - b.value : b.value - a.value,
      );
    // equal values share a place (1, 2, 2, 4)
    ranked.forEach((entry, i) => {
      if (entry.value === null) return;
      entry.rank = i > 0 && ranked[i - 1].value === entry.value ? ranked[i - 1].rank : i + 1;
    });
    return {
      ledgerKey: query.ledger,
      measure: query.measure,
      title,
      target,
      from: query.from,
      to: query.to,
      previousFrom,
      previousTo,
      units: ranked,
    };
  }
}
