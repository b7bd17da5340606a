import { useMemo } from 'react';
import { ExportLinks } from './export-links';
import { textOf, type MeasureDefinition } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import { EChart, type ChartOption } from './echart';
import { useStatistics } from './use-statistics';
import { formatMeasure } from './format';
import type { Scope } from './indicator-panel';

/** A ledger's target measures day by day over the range (each day's value is Σ ÷ Σ over the units shown). */
export function TrendPanel({
  ledgerKey,
  title,
  measures,
  scope,
}: {
  ledgerKey: string;
  title: string;
  measures: MeasureDefinition[];
  scope: Scope;
}) {
  const { t, locale } = useI18n();
  const { data, error } = useStatistics(
    ledgerKey,
    measures.map((m) => m.key),
    ['day'],
    scope,
  );
  const days = useMemo(
    () => (data?.statistics.rows ?? []).map((row) => ({ day: row.keys[0]?.label ?? '', values: row.values })),
    [data],
  );
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 48, right: 16, top: 36, bottom: 40 },
      legend: { top: 0 },
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => formatMeasure(measures[0], v) },
      xAxis: { type: 'category', data: days.map((d) => d.day) },
      yAxis: {
        type: 'value',
        axisLabel: {
          formatter: (v: number) => (measures[0]?.format === 'percent' ? `${Math.round(v * 100)}%` : String(v)),
        },
      },
      series: measures.map((measure) => ({
        type: 'line',
        name: textOf(measure.title, locale),
        data: days.map((d) => d.values.find((v) => v.measure === measure.key)?.value ?? null),
        connectNulls: false,
      })),
    }),
    [days, measures, locale],
  );
  return (
    <article className="panel" data-testid={`trend-${ledgerKey}`}>
      <h4>
        <ExportLinks
          path={`statistics/${ledgerKey}`}
          params={{
            measures: measures.map((m) => m.key).join(','),
            groupBy: 'day',
            from: scope.from,
            to: scope.to,
            unitIds: scope.unitIds?.join(','),
          }}
        />
        {title} · {t('dashboard.byDay')}
      </h4>
      {error && <p className="form-error">{error.message}</p>}
      <div className="panel-body">
        <EChart option={option} label={`${title} ${t('dashboard.byDay')}`} />
        <table className="data-table">
          <thead>
            <tr>
              <th>{t('dashboard.day')}</th>
              {measures.map((m) => (
                <th key={m.key}>{textOf(m.title, locale)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {days.map((d) => (
              <tr key={d.day}>
                <td>{d.day}</td>
                {measures.map((m) => (
                  <td key={m.key} className="num">
                    {formatMeasure(m, d.values.find((v) => v.measure === m.key)?.value ?? null)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </article>
  );
}
