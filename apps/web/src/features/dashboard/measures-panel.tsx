import { useCallback, useMemo } from 'react';
import { Link, useNavigate } from 'react-router';
import { textOf, type MeasureDefinition } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import { ledgerAddress } from '../ledgers/ledger-address';
import { correctionsOf, correctionTitle, CorrectionsNote, OverridesNote } from './correction-marks';
import { EChart, type ChartClick, type ChartOption } from './echart';
import { ExportLinks } from './export-links';
import { axisText, formatMeasure, LOW_N, shortNames, targetOf } from './format';
import type { DrillContext, Scope } from './indicator-panel';
import { ratioParts } from './measure-parts';
import { useStatistics } from './use-statistics';

interface MeasuresPanelProps {
  ledgerKey: string;
  title: string;
  measures: MeasureDefinition[];
  /** All measures of the ledger: a ratio's sides are among them. */
  allMeasures: MeasureDefinition[];
  scope: Scope;
  drill: DrillContext;
  /**
   * day: a trend — the measures day by day as lines (each day's value is Σ ÷ Σ over the units
   * shown), each rate's n (its denominator) in the table and, where it is below LOW_N, beside
   * the point: a jump from 0% to 100% on a day with one visit says so;
   * unit: a tracked ledger's counted states (open, overdue, closed on time) unit by unit as bars.
   */
  by: 'day' | 'unit';
}

/**
 * Several measures of one ledger grouped by one key, as a chart with the same numbers in a
 * table. A point or bar, and a figure in the table, open the rows behind it in the ledger's grid
 * (that day or that unit, the measure's rows).
 */
export function MeasuresPanel({ ledgerKey, title, measures, allMeasures, scope, by, drill }: MeasuresPanelProps) {
  const { t, locale, p } = useI18n();
  const navigate = useNavigate();
  // each rate's n: its denominator measure, asked for with it
  const nOf = useMemo(
    () => new Map(measures.map((m) => [m.key, ratioParts(m, allMeasures).n] as const)),
    [measures, allMeasures],
  );
  const keys = useMemo(
    () => [...new Set([...measures.map((m) => m.key), ...[...nOf.values()].flatMap((n) => (n ? [n.key] : []))])],
    [measures, nOf],
  );
  const { data, error } = useStatistics(ledgerKey, keys, [by], scope);
  const groups = useMemo(
    () =>
      (data?.statistics.rows ?? []).map((row) => ({
        label: row.keys[0]?.label ?? '',
        key: row.keys[0]?.value ?? null,
        value: (key: string) => row.values.find((v) => v.measure === key)?.value ?? null,
      })),
    [data],
  );
  const nValue = useCallback(
    (group: (typeof groups)[number], measure: MeasureDefinition) => {
      const n = nOf.get(measure.key);
      return n ? group.value(n.key) : null;
    },
    [nOf],
  );
  const heading =
    by === 'day' ? `${title} · ${t('dashboard.byDay')} · ${drill.scopeLabel}` : `${title} · ${drill.scopeLabel}`;
  const short = useMemo(() => shortNames(groups.map((g) => g.label)), [groups]);
  const option = useMemo<ChartOption>(() => {
    const figure = (name: string, value: string) =>
      t('dashboard.figure').replace('{title}', name).replace('{value}', value);
    if (by === 'day') {
      const percent = measures[0]?.format === 'percent';
      return {
        grid: { left: 48, right: 16, top: 36, bottom: 40 },
        legend: { top: 0 },
        tooltip: {
          trigger: 'axis',
          formatter: (params: { dataIndex: number; seriesIndex: number }[]) => {
            const group = groups[params[0]?.dataIndex ?? 0];
            if (!group) return '';
            return [
              group.label,
              ...measures.map((m) => {
                const n = nValue(group, m);
                return `${figure(textOf(m.title, locale), formatMeasure(m, group.value(m.key)))}${n !== null ? t('dashboard.withN').replace('{n}', String(n)) : ''}`;
              }),
              t('dashboard.clickRows'),
            ].join('\n');
          },
        },
        xAxis: { type: 'category', data: groups.map((g) => g.label) },
        yAxis: {
          type: 'value',
          min: 0,
          max: percent ? 1 : undefined,
          axisLabel: { formatter: (v: number) => axisText(percent, v) },
        },
        series: measures.map((measure, i) => ({
          type: 'line',
          name: textOf(measure.title, locale),
          cursor: 'pointer',
          // every point drawn (ECharts thins them out otherwise), so that each day with few cases is marked
          showAllSymbol: true,
          labelLayout: { hideOverlap: true },
          // the first measure's target as a labelled line (the trend's measures share it as a rule: 100%)
          markLine:
            i === 0 && targetOf(measure) !== undefined
              ? {
                  symbol: 'none',
                  silent: true,
                  data: [{ yAxis: targetOf(measure) }],
                  label: {
                    formatter: `${t('dashboard.target')} ${axisText(percent, targetOf(measure)!)}`,
                    position: 'insideEndTop',
                    color: '#b91c1c',
                    fontSize: 11,
                  },
                  lineStyle: { type: 'dashed', color: '#b91c1c' },
                }
              : undefined,
          data: groups.map((g, i) => {
            const n = nValue(g, measure);
            const low = n !== null && n > 0 && n < LOW_N;
            // n is written beside a jump (30 points or more from a neighbouring day) that rests on few
            // cases — 0% ↔ 100% on a day with one visit — not beside every small day (the table has them all)
            const value = g.value(measure.key);
            const jump = [groups[i - 1], groups[i + 1]].some((other) => {
              const near = other ? other.value(measure.key) : null;
              return value !== null && near !== null && Math.abs(value - near) >= 0.3;
            });
            return {
              value,
              symbolSize: low ? 8 : 5,
              label: {
                show: low && jump,
                formatter: `n=${n}`,
                fontSize: 10,
                position: value !== null && value > 0.5 ? 'bottom' : 'top',
                color: '#6b7280',
              },
            };
          }),
        })),
      };
    }
    return {
      grid: { left: 40, right: 16, top: 36, bottom: 70 },
      legend: { top: 0 },
      tooltip: {
        trigger: 'axis',
        formatter: (params: { dataIndex: number }[]) => {
          const group = groups[params[0]?.dataIndex ?? 0];
          if (!group) return '';
          return [
            group.label,
            ...measures.map((m) => figure(textOf(m.title, locale), formatMeasure(m, group.value(m.key)))),
            t('dashboard.clickRows'),
          ].join('\n');
        },
      },
      xAxis: {
        type: 'category',
        data: groups.map((g) => short.get(g.label) ?? g.label),
        axisLabel: { rotate: 30, interval: 0, fontSize: 11 },
      },
      yAxis: { type: 'value', minInterval: 1 },
      series: measures.map((measure) => ({
        type: 'bar',
        cursor: 'pointer',
        barMaxWidth: 24,
        name: textOf(measure.title, locale),
        data: groups.map((g) => g.value(measure.key)),
      })),
    };
  }, [groups, measures, locale, by, nValue, short, t]);
  const scopeUnit = scope.unitIds?.[0] ?? null;
  /** The rows behind a group's figure: that unit, or that day (of the unit picked), the measure's rows. */
  const address = useCallback(
    (groupKey: string | null, measure: MeasureDefinition) =>
      ledgerAddress(ledgerKey, {
        unit: by === 'unit' ? groupKey : scopeUnit,
        from: by === 'day' && groupKey ? groupKey : scope.from,
        to: by === 'day' && groupKey ? groupKey : scope.to,
        measure: measure.key,
        back: drill.back,
      }),
    [ledgerKey, by, scopeUnit, scope.from, scope.to, drill.back],
  );
  const onClick = useCallback(
    (click: ChartClick) => {
      const group = groups[click.dataIndex ?? -1];
      const measure = measures[click.seriesIndex ?? -1];
      if (click.componentType === 'series' && group?.key && measure) void navigate(address(group.key, measure));
    },
    [groups, measures, navigate, address],
  );
  return (
    <article className="panel" data-testid={`${by === 'day' ? 'trend' : 'tracked'}-${ledgerKey}`}>
      <h4>
        <ExportLinks
          path={`statistics/${ledgerKey}`}
          params={{
            measures: measures.map((m) => m.key).join(','),
            groupBy: by,
            from: scope.from,
            to: scope.to,
            unitIds: scope.unitIds?.join(','),
          }}
        />
        {heading}
      </h4>
      {error && <p className="form-error">{error.message}</p>}
      <div className={by === 'unit' ? 'panel-body stacked' : 'panel-body trend-body'}>
        <EChart option={option} label={heading} onClick={onClick} />
        <table className="data-table">
          <thead>
            <tr>
              <th>{by === 'day' ? t('dashboard.day') : t('dashboard.unit')}</th>
              {measures.map((m) => (
                <th key={m.key}>{textOf(m.title, locale)}</th>
              ))}
              {by === 'day' &&
                measures.map((m) => {
                  const n = nOf.get(m.key);
                  return n ? (
                    <th key={`n-${m.key}`} title={t('dashboard.nHint')}>
                      {t('dashboard.nColumn').replace('{n}', textOf(n.title, locale))}
                    </th>
                  ) : null;
                })}
            </tr>
          </thead>
          <tbody>
            {groups.map((group) => (
              <tr
                key={group.key ?? group.label}
                data-unit={by === 'unit' ? group.label : undefined}
                data-day={by === 'day' ? group.key : undefined}
              >
                <td>{group.label}</td>
                {measures.map((m) => {
                  // a figure a correction after submission went into: marked, the correction as its tooltip
                  const corrected = correctionsOf(data?.statistics.corrections ?? [], by, group.key, m.key);
                  return (
                    <td
                      key={m.key}
                      className={corrected.length > 0 ? 'num stat-corrected' : 'num'}
                      data-measure={m.key}
                      data-corrected={corrected.length > 0 ? corrected.length : undefined}
                      title={correctionTitle(corrected, p) ?? t('dashboard.clickRows')}
                    >
                      {group.key ? (
                        <Link to={address(group.key, m)}>{formatMeasure(m, group.value(m.key))}</Link>
                      ) : (
                        formatMeasure(m, group.value(m.key))
                      )}
                      {corrected.length > 0 && <sup className="correction-sup"> ✎</sup>}
                    </td>
                  );
                })}
                {by === 'day' &&
                  measures.map((m) => {
                    if (!nOf.get(m.key)) return null;
                    const n = nValue(group, m);
                    const low = n !== null && n > 0 && n < LOW_N;
                    return (
                      <td key={`n-${m.key}`} className={low ? 'num n low-n' : 'num n'} data-n={m.key}>
                        {n ?? '—'}
                      </td>
                    );
                  })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <CorrectionsNote corrections={data?.statistics.corrections ?? []} />
      <OverridesNote overrides={data?.statistics.overrides ?? []} />
    </article>
  );
}
