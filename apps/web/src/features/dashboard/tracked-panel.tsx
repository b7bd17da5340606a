import { useMemo } from 'react';
import { ExportLinks } from './export-links';
import { textOf, type MeasureDefinition } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import type { Statistics } from './dashboard.graphql';
import { EChart, type ChartOption } from './echart';
import { useStatistics } from './use-statistics';
import { formatMeasure } from './format';
import type { Scope } from './indicator-panel';

/** A tracked ledger (rectifications, tasks): its counted states unit by unit — open, overdue, closed on time. */
export function TrackedPanel({
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
    ['unit'],
    scope,
  );
  const rows = useMemo(
    () => (data?.statistics.rows ?? []).map((row) => ({ unit: row.keys[0]?.label ?? '', values: row.values })),
    [data],
  );
  const value = (values: Statistics['totals'], key: string) => values.find((v) => v.measure === key)?.value ?? null;
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 40, right: 16, top: 36, bottom: 90 },
      legend: { top: 0 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: rows.map((r) => r.unit), axisLabel: { rotate: 40, interval: 0, fontSize: 11 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: measures.map((m) => ({
        type: 'bar',
        name: textOf(m.title, locale),
        data: rows.map((r) => value(r.values, m.key)),
      })),
    }),
    [rows, measures, locale],
  );
  return (
    <article className="panel" data-testid={`tracked-${ledgerKey}`}>
      <h4>
        <ExportLinks
          path={`statistics/${ledgerKey}`}
          params={{
            measures: measures.map((m) => m.key).join(','),
            groupBy: 'unit',
            from: scope.from,
            to: scope.to,
            unitIds: scope.unitIds?.join(','),
          }}
        />
        {title}
      </h4>
      {error && <p className="form-error">{error.message}</p>}
      <div className="panel-body stacked">
        <EChart option={option} label={title} />
        <table className="data-table">
          <thead>
            <tr>
              <th>{t('dashboard.unit')}</th>
              {measures.map((m) => (
                <th key={m.key}>{textOf(m.title, locale)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.unit} data-unit={row.unit}>
                <td>{row.unit}</td>
                {measures.map((m) => (
                  <td key={m.key} className="num" data-measure={m.key}>
                    {formatMeasure(m, value(row.values, m.key))}
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
