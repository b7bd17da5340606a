import { useApolloClient, useMutation, useQuery } from '@apollo/client';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { currentPeriod, isPeriod, rowSearchOf, textOf, type LedgerModel } from '@taizhang/ledger-core';
import type { CurrentUser } from '../features/auth/auth.graphql';
import { roleOf } from '../features/auth/auth.graphql';
import '../features/grid/handsontable-setup';
import { apolloGridBackend } from '../features/grid/grid-backend';
import { GridController, type GridSnapshot } from '../features/grid/grid-controller';
import {
  SHEET_STATUS,
  SUBMIT_SHEET,
  UNITS_TO_PICK,
  WITHDRAW_SHEET,
  type SheetStatus,
  type UnitChoice,
} from '../features/grid/grid.graphql';
import { LedgerGrid } from '../features/grid/ledger-grid';
import { localQueueStore, sheetQueueKey } from '../features/grid/save-queue';
import { GridSidePanel } from '../features/grid/grid-side-panel';
import { RecycleBin } from '../features/grid/recycle-bin';
import { RecordPane } from '../features/grid/record-pane';
import { browserStorage, ColumnLayoutStore, layoutKey, type ViewLayout } from '../features/grid/column-layout';
import { SaveStatus } from '../features/grid/save-status';
import { GridSearchBox } from '../features/grid/grid-search-box';
import { GoToRow, PositionBar, spansMoreThanWindow } from '../features/grid/grid-position';
import { SheetBar } from '../features/grid/sheet-bar';
import { ValueFilter } from '../features/grid/value-filter';
import { ExcelToolbar } from '../features/excel/excel-toolbar';
import { ViewPicker } from '../features/views/view-picker';
import { openingQueryOf } from '../features/views/views.graphql';
import { AttachmentLayer } from '../features/attachments/attachment-layer';
import { CorrectionDialog, type CorrectionTarget } from '../features/corrections/correction-dialog';
import {
  CorrectionRequests,
  correctionValueText,
  RejectedCorrections,
} from '../features/corrections/correction-requests';
import { CORRECTIONS, type Correction } from '../features/corrections/corrections.graphql';
import { drillOf, ledgerAddress, type LedgerDrill } from '../features/ledgers/ledger-address';
import { useLiveRows } from '../features/live/use-live-rows';
import { usePresence } from '../features/live/use-presence';
import { PresenceBar } from '../features/live/presence-bar';
import { useLedgerModel } from '../features/ledgers/use-ledger-model';
import { UnitOptions } from '../features/ledgers/unit-options';
import { useI18n } from '../i18n/i18n';

/** One ledger: its sheet for the chosen unit and period, in the grid, saved as you type. */
export function LedgerPage({ user }: { user: CurrentUser }) {
  const { key = '' } = useParams();
  const { locale } = useI18n();
  const ledger = useLedgerModel(key);
  if (ledger.placeholder) return ledger.placeholder;
  // keyed by the ledger only: a republished definition (read again after a save met
  // DEFINITION_CHANGED) changes the grid's columns, not the grid and its unsaved edits
  return (
    <LedgerSheet
      key={key}
      user={user}
      model={ledger.model}
      reloadModel={ledger.reload}
      title={textOf(ledger.model.definition.title, locale)}
    />
  );
}

interface LedgerSheetProps {
  user: CurrentUser;
  model: LedgerModel;
  reloadModel(): Promise<LedgerModel>;
  title: string;
}

function LedgerSheet({ user, model, reloadModel, title }: LedgerSheetProps) {
  const { t, tf, p, locale } = useI18n();
  const client = useApolloClient();
  const role = roleOf(user);
  const ledger = model.definition.key;
  const periodic = (model.definition.period ?? 'none') !== 'none';
  // ?period= opens that period's sheet (a notice's or a board's link); the current period otherwise
  const [searchParams] = useSearchParams();
  const navigate = useNavigate();
  const askedPeriod = searchParams.get('period');
  // a dashboard's drill-down (?from=&to=&measure=&part=): the rows behind a statistic, across the
  // periods of the range (not one day's sheet), read-only; 清除 returns to the sheet
  const drillKey = JSON.stringify(drillOf(searchParams));
  const drill = useMemo(() => JSON.parse(drillKey) as LedgerDrill | null, [drillKey]);
  const [period, setPeriod] = useState<string | null>(() =>
    askedPeriod && periodic && isPeriod(model.definition.period, askedPeriod)
      ? askedPeriod
      : currentPeriod(model.definition.period, new Date()),
  );
  useEffect(() => {
    if (askedPeriod && periodic && isPeriod(model.definition.period, askedPeriod)) setPeriod(askedPeriod);
  }, [askedPeriod, periodic, model.definition.period]);
  // the sheet's period; none in a drill-down, whose rows span the range's periods
  const sheetPeriod = periodic && !drill ? period : null;
  // ?unit= opens that unit's sheet (a board's link) for those who choose a unit; all units otherwise
  const askedUnit = searchParams.get('unit');
  const [unitId, setUnitId] = useState<string | null>(role === 'clerk' ? null : (askedUnit ?? ''));
  useEffect(() => {
    if (askedUnit && role !== 'clerk') setUnitId(askedUnit);
  }, [askedUnit, role]);
  const drillMeasure = drill?.measure
    ? ((model.definition.measures ?? []).find((m) => m.key === drill.measure) ?? null)
    : null;
  // which rows of the measure: a ratio's COUNTED rows are its denominator's (已回访 for 满意率)
  const drillDenominator =
    drillMeasure?.kind === 'ratio'
      ? (model.definition.measures ?? []).find((m) => m.key === drillMeasure.denominator)
      : undefined;
  const drillPartText =
    drill?.part === 'MET'
      ? t('drill.met')
      : drill?.part === 'MISSED'
        ? t('drill.missed')
        : drillDenominator
          ? t('drill.countedOf').replace('{n}', textOf(drillDenominator.title, locale))
          : t('drill.counted');
  const [historyOf, setHistoryOf] = useState<string | null>(null);
  const [binOpen, setBinOpen] = useState(false);
  const [valueFilterOf, setValueFilterOf] = useState<string | null>(null);
  const [snapshot, setSnapshot] = useState<GridSnapshot | null>(null);
  /** The row open in the record pane, by its key. */
  const [recordOf, setRecordOf] = useState<string | null>(null);
  // widths and order of the columns as this user left them in this browser (column-layout.ts)
  const layout = useMemo(() => new ColumnLayoutStore(browserStorage(), layoutKey(user.id, ledger)), [user.id, ledger]);
  // the chosen saved view's columns and rows (features/views, docs/views.md); null: none
  const [viewLayout, setViewLayout] = useState<ViewLayout | null>(null);

  const units = useQuery<{ units: UnitChoice[] }>(UNITS_TO_PICK, { skip: role === 'clerk' });
  const sheetQuery = useQuery<{ submissionBoard: { sheets: SheetStatus[] } }>(SHEET_STATUS, {
    variables: { ledger, period },
    skip: !periodic || !period || Boolean(drill),
    fetchPolicy: 'network-only',
  });
  const unitNames = useMemo(() => new Map((units.data?.units ?? []).map((u) => [u.id, u.name])), [units.data]);
  const sheetUnit = role === 'clerk' ? user.unit?.id : unitId;
  const sheet = sheetQuery.data?.submissionBoard.sheets.find((s) => s.unit.id === sheetUnit) ?? null;
  const locked = sheet?.state === 'SUBMITTED' || sheet?.state === 'SUBMITTED_LATE';
  const scopeUnit = role === 'clerk' ? null : unitId || null;
  // a period still to come is read-only: the server refuses its rows (docs/grid.md)
  const readOnly =
    role === 'leader' || (role === 'admin' && !scopeUnit) || locked || Boolean(sheet?.future) || Boolean(drill);
  const daily = model.definition.period === 'daily';
  // 更正 of a submitted sheet: a clerk asks for one, an admin (with a unit chosen) corrects at once
  const correctionMode = !locked
    ? null
    : role === 'clerk'
      ? 'request'
      : role === 'admin' && scopeUnit
        ? 'correct'
        : null;
  const [correcting, setCorrecting] = useState<CorrectionTarget | null>(null);
  const [correctionNote, setCorrectionNote] = useState<string | null>(null);
  const applied = useQuery<{ corrections: Correction[] }>(CORRECTIONS, {
    variables: { ledger, unitId: scopeUnit, period, state: 'APPLIED' },
    skip: !periodic || !period || !locked,
    fetchPolicy: 'network-only',
  });
  /** The cells corrected after submission, newest correction first: `<row id>/<field>` → its tooltip. */
  const corrected = useMemo(() => {
    const marks = new Map<string, string>();
    for (const c of applied.data?.corrections ?? []) {
      const key = `${c.rowId}/${c.field}`;
      if (marks.has(key)) continue;
      marks.set(
        key,
        t('correction.cellMark')
          .replace('{old}', correctionValueText(c.oldValue, p))
          .replace('{new}', correctionValueText(c.newValue, p))
          .replace('{reason}', c.reason)
          .replace('{requestedBy}', c.requestedBy)
          .replace('{decidedBy}', c.decidedBy ?? '—'),
      );
    }
    return marks;
  }, [applied.data, t, p]);

  // who else has the sheet open, and where (docs/live.md, Presence); the grid says where this user is
  const presence = usePresence(drill ? null : { ledger, unitId: scopeUnit, period: sheetPeriod });
  const movePresence = useRef(presence.move);
  movePresence.current = presence.move;

  // A new model goes to the controller (setModel), not into a new controller; one made for
  // another unit or period starts from the newest.
  const latestModel = useRef(model);
  // the ledger opens with its default view, but not in a drill-down or on a link to a row (they
  // set their own rows); as it is when a controller is made (a link followed later makes none)
  const linkedRow = searchParams.get('row');
  const openDefault = !drill && !linkedRow;
  const opensDefault = useRef(openDefault);
  opensDefault.current = openDefault;
  const controller = useMemo(
    () =>
      new GridController({
        model: latestModel.current,
        locale,
        periodDate: daily ? sheetPeriod : null,
        period: sheetPeriod,
        redacted: role === 'leader',
        backend: apolloGridBackend(client, { ledger, unitId: scopeUnit, period: sheetPeriod, drill }),
        store: localQueueStore(sheetQueueKey(user, ledger, scopeUnit, sheetPeriod ?? (drill ? 'drill' : ''))),
        onChange: setSnapshot,
        unitNames: role !== 'clerk' && !scopeUnit ? unitNames : null,
        reloadDefinition: reloadModel,
        onRowSelected: (rowId) => movePresence.current(rowId),
        // the default view's rows read once, in its order (not the ledger's first, then the view's)
        opening: opensDefault.current ? openingQueryOf(client, latestModel.current) : undefined,
        confirmDelete: (count) => window.confirm(tf('grid.confirmDelete', { n: count })),
      }),
    [daily, locale, client, ledger, scopeUnit, sheetPeriod, drill, user, role, unitNames, reloadModel, tf],
  );
  useEffect(() => {
    latestModel.current = model;
    controller.setModel(model);
  }, [controller, model]);
  // a sheet's derived figures (当日办件量 from the window cases) show in its new row at once
  const figures = sheet?.derived ?? null;
  useEffect(() => controller.setSheetFigures(figures), [controller, figures]);
  useEffect(() => {
    setHistoryOf(null);
    setBinOpen(false);
    setValueFilterOf(null);
    setRecordOf(null);
  }, [controller]);
  // a link to a row (来源, 后续, a notice: ?row=<id>) opens the sheet with that row selected, in the record pane
  useEffect(() => {
    if (!linkedRow) return;
    let live = true;
    void controller.findRow(linkedRow).then((rowKey) => {
      if (!live || !rowKey) return;
      controller.showRow(rowKey);
      setRecordOf(rowKey);
    });
    return () => {
      live = false;
    };
  }, [controller, linkedRow]);
  const openRecord = useCallback(
    (visualRow: number | null) => setRecordOf(controller.rowKeyAt(visualRow ?? controller.selectedRow() ?? 0)),
    [controller],
  );
  const words = useMemo(
    () => ({
      sortAscending: t('grid.sortAscending'),
      sortDescending: t('grid.sortDescending'),
      sortNone: t('grid.sortNone'),
      history: t('grid.history'),
      unit: t('grid.unit'),
      filterByValue: t('grid.filterByValue'),
      clearCells: t('grid.clearCells'),
      openRecord: t('record.openMenu'),
    }),
    [t],
  );

  // the day's sheet starts with its row ready: the date filled, the cursor on the first number
  const sheetKnown = !periodic || !sheetQuery.loading;
  useEffect(() => {
    if (!daily || readOnly || !sheetKnown) return;
    let live = true;
    void controller.firstLoad.then(() => {
      if (live && controller.snapshot().loaded === 0) controller.addRow();
    });
    return () => {
      live = false;
    };
  }, [controller, daily, readOnly, sheetKnown]);

  const [submitSheet, submitting] = useMutation(SUBMIT_SHEET);
  const submit = useCallback(async () => {
    await controller.flush();
    const now = controller.snapshot();
    if (now.errors.length > 0 || now.pending > 0 || !period) return;
    // the reminders the clerk was shown and confirmed go with the submission (the server counts its own too)
    const submitted = await submitSheet({
      variables: { ledger, period, acknowledgedWarnings: now.warnings.length },
    }).catch(() => null);
    await sheetQuery.refetch();
    // the locked sheet shows what was submitted: not the blank row Enter opened below the last one
    if (submitted?.data) void controller.reload();
  }, [controller, period, ledger, submitSheet, sheetQuery]);
  const [withdrawSheet, withdrawing] = useMutation(WITHDRAW_SHEET);
  const withdraw = useCallback(async () => {
    if (!period) return;
    submitting.reset();
    await withdrawSheet({ variables: { ledger, period } }).catch(() => undefined);
    await sheetQuery.refetch();
  }, [period, ledger, withdrawSheet, sheetQuery, submitting]);

  /** The correction dialog for a cell of the sheet (its row by key, the field by key). */
  const openCorrection = useCallback(
    (rowKey: string | null, field: string) => {
      const row = rowKey ? controller.rowByKey(rowKey) : null;
      const definition = model.byKey.get(field);
      if (!row?.__id || !definition) return;
      setCorrectionNote(null);
      setCorrecting({
        rowId: row.__id,
        field,
        value: row[field],
        shown: controller.cellText(definition, row[field]),
      });
    },
    [controller, model],
  );
  const gridCorrection = useMemo(
    () =>
      correctionMode && {
        label: t(correctionMode === 'request' ? 'correction.request' : 'correction.correct'),
        onCorrect: (visualRow: number, field: string) => openCorrection(controller.rowKeyAt(visualRow), field),
      },
    [correctionMode, t, openCorrection, controller],
  );
  const correctionDone = useCallback(
    async (correction: Correction) => {
      setCorrecting(null);
      setCorrectionNote(correction.state === 'APPLIED' ? t('correction.done') : t('correction.requested'));
      await Promise.all([sheetQuery.refetch(), applied.refetch()]);
      if (correction.state === 'APPLIED') await controller.reload();
    },
    [t, sheetQuery, applied, controller],
  );

  const othersRows = useMemo(
    () => new Set(presence.others.flatMap((p) => (p.rowId ? [p.rowId] : []))),
    [presence.others],
  );
  useEffect(() => controller.setPresence(othersRows), [controller, othersRows]);

  // others' work on this sheet, live (docs/live.md): their rows laid in, the sheet's state read
  // again (a returned sheet unlocks with its reason), a republished definition taken
  useLiveRows(drill ? null : { ledger, unitId: scopeUnit, period: sheetPeriod }, {
    event: (event) => {
      if (event.kind === 'SAVED' || event.kind === 'DELETED' || event.kind === 'RESTORED')
        void controller.applyLiveRows(event.kind, event.ids, event.versions);
      else if (event.kind === 'REFRESHED') void controller.applyLiveRefresh(event.ids);
      else if (event.kind === 'DEFINITION') void reloadModel();
      else if (periodic) void sheetQuery.refetch();
    },
    // what was saved while the connection was down was not heard: the window is read again
    reconnected: () => void controller.reload(),
  });

  return (
    <section className="ledger-page" aria-labelledby="ledger-title">
      <div className="ledger-head">
        {drill?.back ? (
          <Link to={drill.back} className="back-link" data-testid="drill-back">
            ← {t('drill.back')}
          </Link>
        ) : (
          <Link to="/" className="back-link">
            ← {t('grid.back')}
          </Link>
        )}
        <h2 id="ledger-title">{title}</h2>
        <PresenceBar others={presence.others} rowNumber={(id) => controller.rowNumberOfId(id)} />
        {role !== 'leader' && <Link to={`/ledgers/${ledger}/new`}>{t('rowForm.link')}</Link>}
        {role !== 'clerk' && (
          <label className="inline-field">
            {t('grid.unit')}
            <select value={unitId ?? ''} onChange={(event) => setUnitId(event.target.value)} data-testid="unit-picker">
              <option value="">{t('grid.allUnits')}</option>
              <UnitOptions units={units.data?.units} />
            </select>
          </label>
        )}
        {periodic && !drill && (
          <SheetBar
            period={model.definition.period ?? 'none'}
            value={period}
            onPeriod={setPeriod}
            sheet={sheet}
            canSubmit={role === 'clerk'}
            submitting={submitting.loading}
            submitError={withdrawing.error?.message ?? submitting.error?.message ?? null}
            snapshot={snapshot}
            onSubmit={() => {
              withdrawing.reset();
              void submit();
            }}
            onPrepareSubmit={async () => {
              await controller.flush();
              await sheetQuery.refetch();
            }}
            maxPeriod={currentPeriod(model.definition.period, new Date())}
            withdrawing={withdrawing.loading}
            onWithdraw={() => void withdraw()}
          />
        )}
      </div>
      {correctionMode && period && (
        <div className="correction-bar" data-testid="correction-bar">
          <span className="muted">
            {t(correctionMode === 'request' ? 'correction.lockedHint' : 'correction.adminHint')}
          </span>
          {correctionNote && (
            <span className="correction-note" role="status" data-testid="correction-note">
              {correctionNote}
            </span>
          )}
          <CorrectionRequests
            key={`${sheet?.pendingCorrections ?? 0}/${sheet?.appliedCorrections ?? 0}`}
            ledger={ledger}
            period={period}
            unitId={scopeUnit ?? sheetUnit ?? null}
            canDecide={role === 'admin'}
            onDecided={() => {
              void sheetQuery.refetch();
              void applied.refetch();
              void controller.reload();
            }}
          />
          {role === 'clerk' && (
            <RejectedCorrections key={`${sheet?.pendingCorrections ?? 0}`} ledger={ledger} period={period} />
          )}
        </div>
      )}
      {drill && (
        <div className="drill-bar" role="status" data-testid="drill-bar">
          <span data-testid="drill-text">
            {t('drill.from')}
            {[
              drillMeasure
                ? t('drill.measurePart')
                    .replace('{measure}', textOf(drillMeasure.title, locale))
                    .replace('{part}', drillPartText)
                : null,
              scopeUnit
                ? (unitNames.get(scopeUnit) ?? '')
                : role === 'clerk'
                  ? (user.unit?.name ?? '')
                  : t('drill.county'),
              drill.from || drill.to
                ? t('drill.range')
                    .replace('{from}', drill.from ?? '…')
                    .replace('{to}', drill.to ?? '…')
                : null,
            ]
              .filter(Boolean)
              .join(' · ')}
          </span>
          <span
            className="drill-count"
            data-testid="drill-count"
            data-total={snapshot && !snapshot.loading ? snapshot.total : undefined}
          >
            {tf('drill.count', { n: snapshot ? snapshot.total : '…' })}
          </span>
          <button
            type="button"
            onClick={() => void navigate(ledgerAddress(ledger, { unit: scopeUnit }))}
            data-testid="drill-clear"
          >
            {t('drill.clear')}
          </button>
        </div>
      )}
      <div className="grid-toolbar">
        {!readOnly && (
          <button type="button" onClick={() => controller.addRow()} data-testid="add-row">
            + {t('grid.addRow')}
          </button>
        )}
        {!readOnly && (
          <button type="button" onClick={() => setBinOpen(true)} data-testid="open-bin">
            {t('bin.open')}
          </button>
        )}
        <button
          type="button"
          onClick={() => openRecord(null)}
          disabled={!snapshot || snapshot.loaded === 0}
          title={t('record.openHint')}
          data-testid="open-record"
        >
          {t('record.open')}
        </button>
        {/* exports are of sheets and whole ledgers: not offered for a drill-down's rows, which they would not match */}
        {!drill && (
          <ExcelToolbar
            model={model}
            scope={{ ledger, unitId: scopeUnit, period: periodic ? period : null }}
            // an admin on every unit's rows imports a file whose unit column says each row's unit (docs/excel.md)
            canImport={!readOnly || (role === 'admin' && !scopeUnit && !sheet?.future)}
            onImported={() => void controller.reload()}
          />
        )}
        <ViewPicker
          model={model}
          controller={controller}
          canShare={role === 'admin'}
          layout={viewLayout}
          onLayout={setViewLayout}
          applyDefault={openDefault}
        />
        {spansMoreThanWindow(snapshot) && <GoToRow snapshot={snapshot} controller={controller} />}
        {rowSearchOf(model) && (
          // a new sheet (unit, period) is a new grid: its box starts empty
          <GridSearchBox
            key={`${ledger}/${scopeUnit ?? ''}/${period ?? ''}`}
            onSearch={(text) => void controller.searchFor(text)}
          />
        )}
        <SaveStatus
          snapshot={snapshot}
          readOnly={readOnly}
          onRetry={() => controller.retry()}
          onClearFilters={() => void controller.clearFilters()}
        />
      </div>
      <div className="ledger-body">
        <LedgerGrid
          controller={controller}
          model={model}
          locale={locale}
          readOnly={readOnly}
          words={words}
          onHistory={setHistoryOf}
          onValueFilter={setValueFilterOf}
          layout={layout}
          onRecord={openRecord}
          correction={gridCorrection || null}
          corrected={corrected}
          view={viewLayout}
        />
        {spansMoreThanWindow(snapshot) && <PositionBar snapshot={snapshot} controller={controller} />}
        {recordOf && (
          <RecordPane
            model={model}
            controller={controller}
            snapshot={snapshot}
            rowKey={recordOf}
            readOnly={readOnly}
            onMove={setRecordOf}
            onClose={() => setRecordOf(null)}
            correction={
              correctionMode && {
                label: t(correctionMode === 'request' ? 'correction.request' : 'correction.correct'),
                onCorrect: (field) => openCorrection(recordOf, field),
                marks: (field) => {
                  const id = controller.rowByKey(recordOf)?.__id;
                  return id ? (corrected.get(`${id}/${field}`) ?? null) : null;
                },
              }
            }
          />
        )}
        <AttachmentLayer
          controller={controller}
          model={model}
          snapshot={snapshot}
          ledger={ledger}
          unitId={scopeUnit}
          readOnly={readOnly}
        />
        {valueFilterOf && (
          <ValueFilter
            model={model}
            controller={controller}
            field={valueFilterOf}
            onClose={() => setValueFilterOf(null)}
          />
        )}
        {correcting && correctionMode && (
          <CorrectionDialog
            model={model}
            mode={correctionMode}
            unitId={scopeUnit}
            target={correcting}
            onDone={(correction) => void correctionDone(correction)}
            onClose={() => setCorrecting(null)}
          />
        )}
        <GridSidePanel
          model={model}
          controller={controller}
          snapshot={snapshot}
          historyOf={historyOf}
          onCloseHistory={() => setHistoryOf(null)}
          readOnly={readOnly}
          besideRecord={recordOf !== null}
          bin={
            binOpen && (
              <RecycleBin
                model={model}
                unitId={scopeUnit}
                period={periodic ? period : null}
                onRestored={() => void controller.reload()}
                onClose={() => setBinOpen(false)}
              />
            )
          }
        />
      </div>
    </section>
  );
}
