import { useMemo } from 'react';
import { textOf, type MeasureDefinition } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import { correctionsOf, correctionTitle, CorrectionsNote, OverridesNote } from './correction-marks';
import { EChart, type ChartOption } from './echart';
import { ExportLinks } from './export-links';
import { formatMeasure } from './format';
import type { Scope } from './indicator-panel';
import { useStatistics } from './use-statistics';

interface MeasuresPanelProps {
  ledgerKey: string;
  title: string;
  measures: MeasureDefinition[];
  scope: Scope;
  /**
   * day: a trend — the measures day by day as lines (each day's value is Σ ÷ Σ over the units shown);
   * unit: a tracked ledger's counted states (open, overdue, closed on time) unit by unit as bars.
   */
  by: 'day' | 'unit';
}

/** Several measures of one ledger grouped by one key, as a chart with the same numbers in a table. */
export function MeasuresPanel({ ledgerKey, title, measures, scope, by }: MeasuresPanelProps) {
  const { t, locale } = useI18n();
  const keys = measures.map((m) => m.key);
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
  const heading = by === 'day' ? `${title} · ${t('dashboard.byDay')}` : title;
  const option = useMemo<ChartOption>(() => {
    const series = measures.map((measure) => ({
      type: by === 'day' ? 'line' : 'bar',
      name: textOf(measure.title, locale),
      data: groups.map((g) => g.value(measure.key)),
    }));
    return by === 'day'
      ? {
          grid: { left: 48, right: 16, top: 36, bottom: 40 },
          legend: { top: 0 },
          tooltip: { trigger: 'axis', valueFormatter: (v: number) => formatMeasure(measures[0], v) },
          xAxis: { type: 'category', data: groups.map((g) => g.label) },
          yAxis: {
            type: 'value',
            axisLabel: {
              formatter: (v: number) => (measures[0]?.format === 'percent' ? `${Math.round(v * 100)}%` : String(v)),
            },
          },
          series,
        }
      : {
          grid: { left: 40, right: 16, top: 36, bottom: 90 },
          legend: { top: 0 },
          tooltip: { trigger: 'axis' },
          xAxis: {
            type: 'category',
            data: groups.map((g) => g.label),
            axisLabel: { rotate: 40, interval: 0, fontSize: 11 },
          },
          yAxis: { type: 'value', minInterval: 1 },
          series,
        };
  }, [groups, measures, locale, by]);
  return (
    <article className="panel" data-testid={`${by === 'day' ? 'trend' : 'tracked'}-${ledgerKey}`}>
      <h4>
        <ExportLinks
          path={`statistics/${ledgerKey}`}
          params={{
            measures: keys.join(','),
            groupBy: by,
            from: scope.from,
            to: scope.to,
            unitIds: scope.unitIds?.join(','),
          }}
        />
        {heading}
      </h4>
      {error && <p className="form-error">{error.message}</p>}
      <div className={by === 'unit' ? 'panel-body stacked' : 'panel-body'}>
        <EChart option={option} label={heading} />
        <table className="data-table">
          <thead>
            <tr>
              <th>{by === 'day' ? t('dashboard.day') : t('dashboard.unit')}</th>
              {measures.map((m) => (
                <th key={m.key}>{textOf(m.title, locale)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {groups.map((group) => (
              <tr key={group.label} data-unit={by === 'unit' ? group.label : undefined}>
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
                      title={correctionTitle(corrected)}
                    >
                      {formatMeasure(m, group.value(m.key))}
                      {corrected.length > 0 && <sup className="correction-sup"> ✎</sup>}
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
