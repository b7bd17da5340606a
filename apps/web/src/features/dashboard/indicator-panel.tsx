import { useMemo } from 'react';
import { ExportLinks } from './export-links';
import { textOf, type MeasureDefinition } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import { correctionsOf, correctionTitle, CorrectionsNote, OverridesNote } from './correction-marks';
import { EChart, type ChartOption } from './echart';
import { useStatistics } from './use-statistics';
import { formatMeasure, targetOf } from './format';

export interface Scope {
  from: string;
  to: string;
  unitIds: string[] | null;
}

/** One measure with a target, unit by unit: bars coloured met / not met, the target as a line, a table beside. */
export function IndicatorPanel({
  ledgerKey,
  measure,
  scope,
}: {
  ledgerKey: string;
  measure: MeasureDefinition;
  scope: Scope;
}) {
  const { t, locale } = useI18n();
  const { data, error } = useStatistics(ledgerKey, [measure.key], ['unit'], scope);
  const title = textOf(measure.title, locale);
  const rows = useMemo(
    () =>
      (data?.statistics.rows ?? []).map((row) => ({
        unit: row.keys[0]?.label ?? '',
        unitId: row.keys[0]?.value ?? null,
        value: row.values[0]?.value ?? null,
        met: row.values[0]?.met ?? null,
      })),
    [data],
  );
  const total = data?.statistics.totals[0] ?? null;
  const percent = measure.format === 'percent';
  const target = targetOf(measure);
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 48, right: 16, top: 24, bottom: 90 },
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => formatMeasure(measure, v) },
      xAxis: { type: 'category', data: rows.map((r) => r.unit), axisLabel: { rotate: 40, interval: 0, fontSize: 11 } },
      yAxis: {
        type: 'value',
        axisLabel: { formatter: (v: number) => (percent ? `${Math.round(v * 100)}%` : String(v)) },
      },
      series: [
        {
          type: 'bar',
          name: title,
          data: rows.map((r) => ({ value: r.value, itemStyle: { color: r.met === false ? '#dc2626' : '#16a34a' } })),
          markLine:
            target !== undefined
              ? {
                  symbol: 'none',
                  data: [{ yAxis: target, name: t('dashboard.target') }],
                  lineStyle: { type: 'dashed', color: '#b91c1c' },
                }
              : undefined,
        },
      ],
    }),
    [rows, measure, title, percent, t, target],
  );
  return (
    <article className="panel" data-testid={`indicator-${ledgerKey}-${measure.key}`}>
      <h4>
        <ExportLinks
          path={`statistics/${ledgerKey}`}
          params={{
            measures: measure.key,
            groupBy: 'unit',
            from: scope.from,
            to: scope.to,
            unitIds: scope.unitIds?.join(','),
          }}
        />
        {title}
        {target !== undefined && (
          <span className="muted">
            {' '}
            · {t('dashboard.target')} {formatMeasure(measure, target)}
          </span>
        )}
        {total && (
          <span className={total.met === false ? 'form-error' : 'ok'} data-testid="indicator-total">
            {' '}
            · {t('dashboard.overall')} {formatMeasure(measure, total.value)}
          </span>
        )}
      </h4>
      {error && <p className="form-error">{error.message}</p>}
      <div className="panel-body">
        <EChart option={option} label={title} />
        <table className="data-table">
          <thead>
            <tr>
              <th>{t('dashboard.unit')}</th>
              <th>{title}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.unit} data-unit={row.unit} className={row.met === false ? 'unmet' : undefined}>
                <td>{row.unit}</td>
                {(() => {
                  const corrected = correctionsOf(data?.statistics.corrections ?? [], 'unit', row.unitId, measure.key);
                  return (
                    <td
                      className={corrected.length > 0 ? 'num stat-corrected' : 'num'}
                      data-corrected={corrected.length > 0 ? corrected.length : undefined}
                      title={correctionTitle(corrected)}
                    >
                      {formatMeasure(measure, row.value)}
                      {corrected.length > 0 && <sup className="correction-sup"> ✎</sup>}
                    </td>
                  );
                })()}
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
