import { useQuery } from '@apollo/client';
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { currentPeriod, textOf, type MeasureDefinition } from '@taizhang/ledger-core';
import { roleOf, type CurrentUser } from '../features/auth/auth.graphql';
import { BoardPanel } from '../features/dashboard/board-panel';
import { DASHBOARD_LEDGERS, type DashboardLedger } from '../features/dashboard/dashboard.graphql';
import { shanghaiDaysAgo, targetOf } from '../features/dashboard/format';
import { IndicatorPanel, type DrillContext, type Scope } from '../features/dashboard/indicator-panel';
import { MeasuresPanel } from '../features/dashboard/measures-panel';
import { SurveyPanel } from '../features/dashboard/survey-panel';
import { UNITS_TO_PICK, type UnitChoice } from '../features/grid/grid.graphql';
import { useI18n } from '../i18n/i18n';

const hasTarget = (m: MeasureDefinition) => targetOf(m) !== undefined;
const isCount = (m: MeasureDefinition) => m.kind === 'count' || m.kind === 'countWhere';
const hasDate = (ledger: DashboardLedger) =>
  Boolean(ledger.definition.periodField) || (ledger.definition.dimensions ?? []).some((d) => d.kind === 'day');

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The county dashboard (admins, leaders; one unit when picked) and a clerk's unit dashboard.
 * Its sections are made from the ledger definitions: a new ledger's measures appear by
 * configuration alone (see docs/dashboards.md). Its range, unit and the ledgers chosen beyond
 * the usual ones live in its address (?from=&to=&unit=&show=), so a drill-down's 返回 comes back
 * to the same view.
 */
export function DashboardPage({ user }: { user: CurrentUser }) {
  const { t, locale } = useI18n();
  const role = roleOf(user);
  const [params, setParams] = useSearchParams();
  const asked = (name: string) => {
    const value = params.get(name);
    return value && DATE.test(value) ? value : null;
  };
  const from = asked('from') ?? shanghaiDaysAgo(29);
  const to = asked('to') ?? shanghaiDaysAgo(0);
  const unitId = role === 'clerk' ? '' : (params.get('unit') ?? '');
  const shown = useMemo(() => new Set((params.get('show') ?? '').split(',').filter(Boolean)), [params]);
  const setParam = useCallback(
    (name: string, value: string) =>
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          if (value) next.set(name, value);
          else next.delete(name);
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );
  const setFrom = (value: string) => setParam('from', value);
  const setTo = (value: string) => setParam('to', value);
  const setUnitId = (value: string) => setParam('unit', value);
  const ledgers = useQuery<{ ledgers: DashboardLedger[] }>(DASHBOARD_LEDGERS);
  const units = useQuery<{ units: UnitChoice[] }>(UNITS_TO_PICK, { skip: role === 'clerk' });
  const scope = useMemo<Scope>(() => ({ from, to, unitIds: unitId ? [unitId] : null }), [from, to, unitId]);
  const published = ledgers.data?.ledgers ?? [];
  // a ledger whose definition says dashboard: false (one being tried out) only when chosen
  const optional = published.filter((ledger) => ledger.definition.dashboard === false);
  const all = published.filter((ledger) => ledger.definition.dashboard !== false || shown.has(ledger.key));
  const unitName = unitId ? (units.data?.units.find((u) => u.id === unitId)?.name ?? '') : '';
  const drill = useMemo<DrillContext>(() => {
    const back = new URLSearchParams({ from, to });
    if (unitId) back.set('unit', unitId);
    if (shown.size > 0) back.set('show', [...shown].join(','));
    const oneUnit = role === 'clerk' || Boolean(unitId);
    return {
      back: `/dashboard?${back.toString()}`,
      scopeLabel: role === 'clerk' ? (user.unit?.name ?? '') : unitId ? unitName : t('dashboard.county'),
      overallLabel: oneUnit ? t('dashboard.overall') : t('dashboard.county'),
    };
  }, [from, to, unitId, shown, role, user.unit, unitName, t]);
  const toggleShown = (key: string, on: boolean) => {
    const next = new Set(shown);
    if (on) next.add(key);
    else next.delete(key);
    setParam('show', [...next].join(','));
  };
  const title = (ledger: DashboardLedger) => textOf(ledger.definition.title, locale);
  const now = new Date();

  return (
    <section className="dashboard" aria-labelledby="dashboard-title">
      <div className="dashboard-head">
        <h2 id="dashboard-title">{role === 'clerk' ? t('dashboard.unitTitle') : t('dashboard.countyTitle')}</h2>
        <label className="inline-field">
          {t('dashboard.from')}
          <input
            type="date"
            value={from}
            onChange={(e) => e.target.value && setFrom(e.target.value)}
            data-testid="range-from"
          />
        </label>
        <label className="inline-field">
          {t('dashboard.to')}
          <input
            type="date"
            value={to}
            onChange={(e) => e.target.value && setTo(e.target.value)}
            data-testid="range-to"
          />
        </label>
        {role !== 'clerk' && (
          <label className="inline-field">
            {t('grid.unit')}
            <select value={unitId} onChange={(e) => setUnitId(e.target.value)} data-testid="dashboard-unit">
              <option value="">{t('shell.allUnits')}</option>
              {units.data?.units
                .filter((u) => u.active)
                .map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
            </select>
          </label>
        )}
        {optional.length > 0 && (
          <details className="ledger-chooser" data-testid="ledger-chooser">
            <summary>{t('dashboard.moreLedgers').replace('{n}', String(optional.length))}</summary>
            {optional.map((ledger) => (
              <label key={ledger.key} className="inline-field">
                <input
                  type="checkbox"
                  checked={shown.has(ledger.key)}
                  onChange={(e) => toggleShown(ledger.key, e.target.checked)}
                />
                {title(ledger)}
              </label>
            ))}
          </details>
        )}
      </div>
      {ledgers.error && <p className="form-error">{ledgers.error.message}</p>}

      <h3>{t('dashboard.todaySheets')}</h3>
      <div className="panels">
        {all
          .filter((ledger) => ledger.period !== 'none')
          .map((ledger) => (
            <BoardPanel
              key={ledger.key}
              ledgerKey={ledger.key}
              title={title(ledger)}
              period={currentPeriod(ledger.period, now) ?? ''}
              canRemind={role === 'admin' || role === 'leader'}
              canCorrect={role === 'admin'}
            />
          ))}
      </div>

      <h3>{t('dashboard.indicators')}</h3>
      <div className="panels">
        {all.flatMap((ledger) =>
          (ledger.definition.measures ?? [])
            .filter(hasTarget)
            .map((measure) => (
              <IndicatorPanel
                key={`${ledger.key}.${measure.key}`}
                ledgerKey={ledger.key}
                ledgerTitle={title(ledger)}
                measure={measure}
                measures={ledger.definition.measures ?? []}
                scope={scope}
                drill={drill}
              />
            )),
        )}
      </div>

      <h3>{t('dashboard.trends')}</h3>
      <div className="panels">
        {all
          .filter((ledger) => hasDate(ledger) && (ledger.definition.measures ?? []).some(hasTarget))
          .map((ledger) => (
            <MeasuresPanel
              by="day"
              key={ledger.key}
              ledgerKey={ledger.key}
              title={title(ledger)}
              measures={(ledger.definition.measures ?? []).filter(hasTarget)}
              allMeasures={ledger.definition.measures ?? []}
              scope={scope}
              drill={drill}
            />
          ))}
      </div>

      {all.some((ledger) => ledger.definition.tracking) && <h3>{t('dashboard.tracked')}</h3>}
      <div className="panels">
        {all
          .filter((ledger) => ledger.definition.tracking)
          .map((ledger) => (
            <MeasuresPanel
              by="unit"
              key={ledger.key}
              ledgerKey={ledger.key}
              title={title(ledger)}
              measures={(ledger.definition.measures ?? []).filter(isCount)}
              allMeasures={ledger.definition.measures ?? []}
              scope={scope}
              drill={drill}
            />
          ))}
      </div>

      {all.some((ledger) => ledger.definition.public) && <h3>{t('dashboard.survey')}</h3>}
      {all
        .filter((ledger) => ledger.definition.public)
        .map((ledger) => (
          <SurveyPanel key={ledger.key} ledgerKey={ledger.key} title={title(ledger)} scope={scope} />
        ))}
    </section>
  );
}
