import { useQuery } from '@apollo/client';
import { useMemo, useState } from 'react';
import { currentPeriod, textOf, type MeasureDefinition } from '@taizhang/ledger-core';
import { roleOf, type CurrentUser } from '../features/auth/auth.graphql';
import { BoardPanel } from '../features/dashboard/board-panel';
import { DASHBOARD_LEDGERS, type DashboardLedger } from '../features/dashboard/dashboard.graphql';
import { shanghaiDaysAgo, targetOf } from '../features/dashboard/format';
import { IndicatorPanel, type Scope } from '../features/dashboard/indicator-panel';
import { MeasuresPanel } from '../features/dashboard/measures-panel';
import { SurveyPanel } from '../features/dashboard/survey-panel';
import { UNITS_TO_PICK, type UnitChoice } from '../features/grid/grid.graphql';
import { useI18n } from '../i18n/i18n';

const hasTarget = (m: MeasureDefinition) => targetOf(m) !== undefined;
const isCount = (m: MeasureDefinition) => m.kind === 'count' || m.kind === 'countWhere';
const hasDate = (ledger: DashboardLedger) =>
  Boolean(ledger.definition.periodField) || (ledger.definition.dimensions ?? []).some((d) => d.kind === 'day');

/**
 * The county dashboard (admins, leaders; one unit when picked) and a clerk's unit dashboard.
 * Its sections are made from the ledger definitions: a new ledger's measures appear by
 * configuration alone (see docs/dashboards.md).
 */
export function DashboardPage({ user }: { user: CurrentUser }) {
  const { t, locale } = useI18n();
  const role = roleOf(user);
  const [from, setFrom] = useState(() => shanghaiDaysAgo(29));
  const [to, setTo] = useState(() => shanghaiDaysAgo(0));
  const [unitId, setUnitId] = useState('');
  const ledgers = useQuery<{ ledgers: DashboardLedger[] }>(DASHBOARD_LEDGERS);
  const units = useQuery<{ units: UnitChoice[] }>(UNITS_TO_PICK, { skip: role === 'clerk' });
  const scope = useMemo<Scope>(() => ({ from, to, unitIds: unitId ? [unitId] : null }), [from, to, unitId]);
  const all = ledgers.data?.ledgers ?? [];
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
                measure={measure}
                scope={scope}
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
              scope={scope}
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
              scope={scope}
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
