import { useCallback, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ExportLinks } from './export-links';
import { textOf, type MeasureDefinition } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import { ledgerAddress, type DrillPart } from '../ledgers/ledger-address';
import { correctionsOf, correctionTitle, CorrectionsNote, OverridesNote } from './correction-marks';
import { EChart, type ChartClick, type ChartOption } from './echart';
import { useStatistics } from './use-statistics';
import { axisText, formatMeasure, LOW_N, shortNames, targetOf, valueAxisOf } from './format';
import { measuresWithParts, ratioParts } from './measure-parts';

export interface Scope {
  from: string;
  to: string;
  unitIds: string[] | null;
}

/** Where a panel's drill-downs lead and how they come back (docs/dashboards.md, "Drill-down"). */
export interface DrillContext {
  /** The dashboard's own address with its range and unit: the grid's 返回统计看板. */
  back: string;
  /** Whose numbers the panel shows: 全县, or the unit picked (a clerk's own unit). */
  scopeLabel: string;
  /** The word for the overall value: 全县 for the county, 总体 for one unit. */
  overallLabel: string;
}

interface UnitValue {
  unit: string;
  unitId: string | null;
  value: number | null;
  met: boolean | null;
  /** What the rate rests on (its denominator), when it is a ratio of measures. */
  n: number | null;
  /** Its numerator. */
  hits: number | null;
  /** The rate rests on fewer than LOW_N cases: its bar is pale, its n marked. */
  low: boolean;
}

/**
 * One measure with a target, unit by unit: horizontal bars sorted by value (lowest first: the
 * units to act on), coloured met / not met, the target as a labelled line, the value axis zoomed
 * to the spread (said so), n beside each rate; a table of every unit beside. A bar, a unit's
 * value and its 未达标 open the rows behind them in the ledger's grid.
 */
export function IndicatorPanel({
  ledgerKey,
  ledgerTitle,
  measure,
  measures,
  scope,
  drill,
}: {
  ledgerKey: string;
  ledgerTitle: string;
  measure: MeasureDefinition;
  /** All measures of the ledger: a ratio's sides are among them. */
  measures: MeasureDefinition[];
  scope: Scope;
  drill: DrillContext;
}) {
  const { t, locale, p } = useI18n();
  const navigate = useNavigate();
  const parts = ratioParts(measure, measures);
  const { data, error } = useStatistics(ledgerKey, measuresWithParts(measure, measures), ['unit'], scope);
  const title = textOf(measure.title, locale);
  const nTitle = parts.n ? textOf(parts.n.title, locale) : null;
  const [fromZero, setFromZero] = useState(false);
  const rows = useMemo<UnitValue[]>(
    () =>
      (data?.statistics.rows ?? []).map((row) => {
        const of = (key: string | undefined) =>
          key === undefined ? null : (row.values.find((v) => v.measure === key)?.value ?? null);
        const own = row.values.find((v) => v.measure === measure.key);
        const n = of(parts.n?.key);
        return {
          unit: row.keys[0]?.label ?? '',
          unitId: row.keys[0]?.value ?? null,
          value: own?.value ?? null,
          met: own?.met ?? null,
          n,
          hits: of(parts.met?.key),
          low: n !== null && n > 0 && n < LOW_N,
        };
      }),
    [data, measure.key, parts.n?.key, parts.met?.key],
  );
  // the chart: lowest first (top), units without a value last
  const sorted = useMemo(
    () =>
      [...rows].sort((a, b) =>
        a.value === null ? (b.value === null ? 0 : 1) : b.value === null ? -1 : a.value - b.value,
      ),
    [rows],
  );
  const total = data?.statistics.totals.find((v) => v.measure === measure.key) ?? null;
  const totalN = parts.n ? (data?.statistics.totals.find((v) => v.measure === parts.n!.key)?.value ?? null) : null;
  const percent = measure.format === 'percent';
  const target = targetOf(measure);
  const axis = valueAxisOf(
    rows.map((r) => r.value),
    target,
    percent,
    fromZero,
  );
  const address = useCallback(
    (unitId: string | null, part: DrillPart) =>
      ledgerAddress(ledgerKey, {
        unit: unitId,
        from: scope.from,
        to: scope.to,
        measure: measure.key,
        part,
        back: drill.back,
      }),
    [ledgerKey, scope.from, scope.to, measure.key, drill.back],
  );
  const short = useMemo(() => shortNames(sorted.map((r) => r.unit)), [sorted]);
  const option = useMemo<ChartOption>(() => {
    const figure = (name: string, value: string) =>
      t('dashboard.figure').replace('{title}', name).replace('{value}', value);
    const nText = (r: UnitValue) => (parts.n && r.n !== null ? `n=${r.n}` : '');
    return {
      grid: { left: 8, right: 64, top: 24, bottom: 8, containLabel: true },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (params: { dataIndex: number }[]) => {
          const r = sorted[params[0]?.dataIndex ?? 0];
          if (!r) return '';
          const lines = [r.unit, figure(title, formatMeasure(measure, r.value))];
          if (parts.n) {
            const ratio = r.hits !== null && r.n !== null ? `${r.hits} / ${r.n}` : '—';
            lines.push(figure(`${parts.met ? textOf(parts.met.title, locale) : ''} / ${nTitle}`, ratio));
          }
          if (r.low) lines.push(t('dashboard.lowN').replace('{n}', String(LOW_N)));
          lines.push(t('dashboard.clickRows'));
          return lines.join('\n');
        },
      },
      xAxis: {
        type: 'value',
        min: axis.min,
        max: axis.max,
        splitNumber: 4,
        axisLabel: { formatter: (v: number) => axisText(percent, v), hideOverlap: true },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        triggerEvent: true,
        data: sorted.map((r) => short.get(r.unit) ?? r.unit),
        axisLabel: { fontSize: 12, color: '#1f2937' },
      },
      series: [
        {
          type: 'bar',
          name: title,
          barMaxWidth: 18,
          cursor: 'pointer',
          data: sorted.map((r) => ({
            value: r.value,
            itemStyle: {
              color: r.met === false ? '#dc2626' : '#16a34a',
              opacity: r.low ? 0.35 : 1,
            },
            label: {
              show: r.value !== null,
              position: 'right',
              fontSize: 11,
              color: '#374151',
              formatter: () => `${formatMeasure(measure, r.value)}${r.low ? ` ${nText(r)}` : ''}`,
            },
          })),
          markLine:
            target !== undefined
              ? {
                  symbol: 'none',
                  silent: true,
                  data: [{ xAxis: target }],
                  label: {
                    formatter: `${t('dashboard.target')} ${axisText(percent, target)}`,
                    // above the bars (the y-axis runs top down), clear of the value axis' ticks
                    position: 'start',
                    color: '#b91c1c',
                    fontSize: 11,
                  },
                  lineStyle: { type: 'dashed', color: '#b91c1c' },
                }
              : undefined,
        },
      ],
    };
  }, [sorted, short, measure, title, percent, t, target, axis.min, axis.max, parts.n, parts.met, nTitle, locale]);
  const onClick = useCallback(
    (click: ChartClick) => {
      const row =
        click.componentType === 'series'
          ? sorted[click.dataIndex ?? -1]
          : sorted.find((r) => (short.get(r.unit) ?? r.unit) === click.value);
      if (row?.unitId) void navigate(address(row.unitId, 'COUNTED'));
    },
    [sorted, short, navigate, address],
  );
  const scopeUnit = scope.unitIds?.[0] ?? null;
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
        <span data-testid="indicator-title">
          {title} · {ledgerTitle}
        </span>
      </h4>
      <p className="panel-sub">
        <span data-testid="indicator-scope">{drill.scopeLabel}</span>
        {target !== undefined && (
          <span className="muted">
            {' '}
            · {t('dashboard.target')} {formatMeasure(measure, target)}
          </span>
        )}
        {total && (
          <Link
            to={address(scopeUnit, 'COUNTED')}
            className={total.met === false ? 'form-error' : total.met === true ? 'ok' : 'muted'}
            data-testid="indicator-total"
          >
            {' '}
            · {drill.overallLabel} {formatMeasure(measure, total.value)}
            {parts.n && totalN !== null ? t('dashboard.withN').replace('{n}', String(totalN)) : ''}
          </Link>
        )}
      </p>
      {error && <p className="form-error">{error.message}</p>}
      <div className="panel-body indicator-body">
        <div>
          <EChart
            option={option}
            height={Math.max(120, sorted.length * 24 + 40)}
            label={`${title} · ${ledgerTitle}`}
            onClick={onClick}
          />
          <p className="axis-note muted">
            {data && rows.every((r) => r.value === null) && <span data-testid="no-data">{t('dashboard.noData')} </span>}
            {axis.zoomed && (
              <span data-testid="axis-note">
                {t('dashboard.axisZoomed').replace('{min}', axisText(percent, axis.min))}{' '}
              </span>
            )}
            {(axis.zoomed || fromZero) && (
              <button type="button" className="link-button" onClick={() => setFromZero(!fromZero)}>
                {fromZero ? t('dashboard.zoomAxis') : t('dashboard.axisFromZero')}
              </button>
            )}
            {rows.some((r) => r.low) && <span> {t('dashboard.lowNNote').replace('{n}', String(LOW_N))}</span>}
          </p>
        </div>
        <table className="data-table">
          <thead>
            <tr>
              <th>{t('dashboard.unit')}</th>
              <th>{title}</th>
              {nTitle && <th title={t('dashboard.nHint')}>{t('dashboard.nColumn').replace('{n}', nTitle)}</th>}
              {parts.n && <th>{t('dashboard.missedRows')}</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const corrected = correctionsOf(data?.statistics.corrections ?? [], 'unit', row.unitId, measure.key);
              return (
                <tr
                  key={row.unitId ?? row.unit}
                  data-unit={row.unit}
                  className={row.met === false ? 'unmet' : undefined}
                >
                  {/* the short name as on the chart's axis, the full one on hover */}
                  <td title={row.unit}>{short.get(row.unit) ?? row.unit}</td>
                  <td
                    className={corrected.length > 0 ? 'num stat-corrected' : 'num'}
                    data-corrected={corrected.length > 0 ? corrected.length : undefined}
                    title={correctionTitle(corrected, p) ?? t('dashboard.clickRows')}
                  >
                    {row.unitId && row.value !== null ? (
                      <Link to={address(row.unitId, 'COUNTED')} data-testid="drill-value">
                        {formatMeasure(measure, row.value)}
                      </Link>
                    ) : (
                      formatMeasure(measure, row.value)
                    )}
                    {corrected.length > 0 && <sup className="correction-sup"> ✎</sup>}
                  </td>
                  {nTitle && (
                    <td className={row.low ? 'num n low-n' : 'num n'} data-testid="unit-n">
                      {row.n ?? '—'}
                    </td>
                  )}
                  {parts.n && (
                    <td className="num">
                      {row.unitId && row.value !== null && (row.met === false || row.value < 1) ? (
                        <Link to={address(row.unitId, 'MISSED')} data-testid="drill-missed">
                          {parts.missedIsRows && row.n !== null && row.hits !== null
                            ? row.n - row.hits
                            : t('dashboard.view')}
                        </Link>
                      ) : (
                        ''
                      )}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <CorrectionsNote corrections={data?.statistics.corrections ?? []} />
      <OverridesNote overrides={data?.statistics.overrides ?? []} />
    </article>
  );
}
