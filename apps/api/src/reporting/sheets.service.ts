import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { RowTransaction } from '../ledger-tables/row-scope';
import {
  formulaToSql,
  isFuturePeriod,
  isPeriod,
  periodDeadline,
  periodOfDate,
  strictDate,
  textOf,
  validateRow,
} from '@taizhang/ledger-core';
import type { Locale } from '@taizhang/domain';
import { seesAllUnits } from '../identity/access-policy';
import type { Principal } from '../identity/principal';
import { parseId } from '../common/graphql/ids';
import { Clock } from '../common/time/clock';
import { shanghaiMinuteText } from '../common/time/shanghai';
import { noticeUnitClerks } from '../common/notices/unit-notices';
import { notifyRowEvents } from '../common/live/row-events';
import { writeWebhookEvents } from '../common/webhooks/webhook-outbox';
import { unitFills } from '@taizhang/ledger-core';
import { LedgerAccess } from '../ledgers/ledger-access.service';
import { lockSheetsForSubmit } from '../ledgers/ledger-locks';
import { LedgerRegistry, type PublishedLedger } from '../ledgers/ledger-registry.service';
import { RowAccess } from '../ledger-data/row-access.service';
import { inUnitScope } from '../ledger-tables/row-scope';
import { rowColumns, rowFromDb, tableOf } from '../ledger-tables/row-sql';
import { RowsException } from '../ledger-tables/rows.exception';
import { UnitModel } from '../units/unit.model';
import type { UnitEntity } from '../units/unit.entity';
import { UnitsService } from '../units/units.service';
import { UserModel } from '../users/user.model';
import { UsersService } from '../users/users.service';
import { ReportingException } from './reporting.exception';
import { FigureChecks } from './figure-checks.service';
import { figureKey, writeFigures } from '../ledger-tables/derived-figures';
import {
  SheetStateEnum,
  type BoardClerkModel,
  type BoardCountsModel,
  type FigureDifferenceModel,
  type SheetModel,
  type SheetState,
  type SubmissionBoardModel,
  type ReminderModel,
  type TrackedCountModel,
} from './sheet.model';

interface SheetRow {
  unit_id: number;
  state: 'draft' | 'submitted' | 'returned';
  submitted_at: Date | null;
  late: boolean;
  returned_reason: string | null;
  reminded_at: Date | null;
  reminded_by: string | null;
  reminder_read_at: Date | null;
  withdrawn_count: number;
  withdrawn_at: Date | null;
  submitted_warnings: number | null;
}

interface SheetEvent {
  ledgerKey: string;
  unitId: number;
  period: string;
  event: 'submitted' | 'returned' | 'withdrawn';
  late: boolean | null;
  reason: string | null;
  /** At a submit: the reminders the rows had (counted here), and the count the submitter confirmed. */
  warnings?: number | null;
  acknowledgedWarnings?: number | null;
  userId: number;
  at: Date;
}

/** The sheet's state, its row locked until the transaction ends (null: no sheet yet). */
async function lockSheet(
  tx: EntityManager | RowTransaction,
  ledgerKey: string,
  unitId: number,
  period: string,
): Promise<string | null> {
  return (await lockSheetRow(tx, ledgerKey, unitId, period))?.state ?? null;
}

async function lockSheetRow(
  tx: EntityManager | RowTransaction,
  ledgerKey: string,
  unitId: number,
  period: string,
): Promise<{ state: string; late: boolean } | null> {
  const [sheet] = (await tx.query(
    `SELECT state, late FROM sheets WHERE ledger_key = $1 AND unit_id = $2 AND period = $3 FOR UPDATE`,
    [ledgerKey, unitId, period],
  )) as { state: string; late: boolean }[];
  return sheet ?? null;
}

/**
 * 撤回 is open for a submission made on time, until the deadline: before it, the county does not
 * compile the period and a clerk's correction costs nobody anything; from it on, the county works
 * with the figures and only an admin's 退回 reopens the sheet. A sheet returned is already open.
 */
function withdrawOpen(sheet: { state: string; late: boolean } | undefined | null, deadline: Date | null, now: Date) {
  return sheet?.state === 'submitted' && !sheet.late && (deadline === null || now.getTime() <= deadline.getTime());
}

/** The open grids of the sheet hear of it at COMMIT (docs/live.md): a returned or withdrawn sheet unlocks there. */
const LIVE_KIND = { submitted: 'SUBMITTED', returned: 'RETURNED', withdrawn: 'WITHDRAWN' } as const;

async function recordSheetEvent(tx: EntityManager | RowTransaction, e: SheetEvent): Promise<void> {
  await notifyRowEvents(tx, [
    {
      ledger: e.ledgerKey,
      unitId: e.unitId,
      period: e.period,
      kind: LIVE_KIND[e.event],
      ids: [],
      versions: [],
      reason: e.reason,
    },
  ]);
  await tx.query(
    `INSERT INTO sheet_events (ledger_key, unit_id, period, event, late, reason, user_id, at, warnings, acknowledged_warnings)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      e.ledgerKey,
      e.unitId,
      e.period,
      e.event,
      e.late,
      e.reason,
      e.userId,
      e.at,
      e.warnings ?? null,
      e.acknowledgedWarnings ?? null,
    ],
  );
}

/**
 * Sheets of periodic ledgers: a unit submits (提交) a period, which locks it; after the deadline
 * the submission counts as late; an admin returns (退回) it with a reason, which unlocks it; the
 * unit may withdraw (撤回) a submission made on time until the deadline (withdrawOpen).
 * Every submission, return and withdrawal is also written to sheet_events.
 */
@Injectable()
export class SheetsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ledgers: LedgerAccess,
    private readonly rowAccess: RowAccess,
    private readonly units: UnitsService,
    private readonly clock: Clock,
    private readonly registry: LedgerRegistry,
    private readonly users: UsersService,
    private readonly figureChecks: FigureChecks,
  ) {}

  private checkPeriodic(ledger: PublishedLedger, period: string): void {
    if ((ledger.definition.period ?? 'none') === 'none') throw ReportingException.notPeriodic(ledger.key);
    if (!isPeriod(ledger.definition.period, period)) throw RowsException.badPeriod(period);
  }

  /** One unit's sheet of a period: the caller's own unit, or (for those who see others) the one named. */
  async sheet(principal: Principal, ledgerKey: string, unitId: string | null, period: string): Promise<SheetModel> {
    const { ledger, scope } = await this.rowAccess.forRead(principal, ledgerKey, unitId);
    this.checkPeriodic(ledger, period);
    if (!('units' in scope)) throw RowsException.unitRequired();
    return this.sheetOf(ledger, scope.units[0], period);
  }

  async submit(
    principal: Principal,
    ledgerKey: string,
    period: string,
    acknowledgedWarnings: number | null = null,
  ): Promise<SheetModel> {
    const { ledger, unitId } = await this.rowAccess.forWrite(principal, ledgerKey, null);
    this.checkPeriodic(ledger, period);
    if (
      acknowledgedWarnings !== null &&
      (!Number.isSafeInteger(acknowledgedWarnings) || acknowledgedWarnings < 0 || acknowledgedWarnings > 100_000)
    )
      throw ReportingException.badWarningCount();
    const now = this.clock.now();
    if (isFuturePeriod(ledger.definition.period, period, now)) throw ReportingException.futurePeriod(period);
    const deadline = periodDeadline(ledger.definition, period);
    const late = deadline !== null && now.getTime() > deadline.getTime();
    await inUnitScope(this.db, { units: [unitId] }, async (tx) => {
      // saves under way finish first; saves after this wait, then find the sheet submitted
      await lockSheetsForSubmit(tx, ledger.key, unitId);
      const state = await lockSheet(tx, ledgerKey, unitId, period);
      if (state === 'submitted') throw ReportingException.alreadySubmitted(period);
      // derived figures as the sources say at this moment: what the submission freezes
      const model = ledger.model;
      await writeFigures(tx, model, await this.figureChecks.figuresOf(ledger), unitId, [period], now);
      // rows saved under an older definition are checked again against the current one
      const rows = (
        (await tx.query(
          `SELECT ${rowColumns(model)} FROM ${tableOf(model)} t WHERE t.unit_id = $1 AND t.period = $2 AND t.deleted_at IS NULL ORDER BY t.id`,
          [unitId, period],
        )) as Record<string, unknown>[]
      ).map((raw) => rowFromDb(model, raw));
      if (rows.length === 0) throw ReportingException.empty(period);
      const checked = rows.map((row) => ({ row, result: validateRow(model, row.values, { input: 'json', now }) }));
      const problems = checked.flatMap(({ row, result }) =>
        result.errors.map((e) => ({ path: `rows/${row.id}/${e.field}`, message: e.message })),
      );
      if (problems.length > 0) throw ReportingException.rowsInvalid(problems);
      // the reminders (提醒) the rows still have, counted by the same rules the grid shows them with
      const warnings = checked.reduce((sum, { result }) => sum + result.warnings.length, 0);
      await tx.query(
        `INSERT INTO sheets (ledger_key, unit_id, period, state, submitted_at, submitted_by, late, row_count, submitted_warnings, updated_at)
         VALUES ($1, $2, $3, 'submitted', $4, $5, $6, $7, $8, now())
         ON CONFLICT (ledger_key, unit_id, period) DO UPDATE
           SET state = 'submitted', submitted_at = $4, submitted_by = $5, late = $6, row_count = $7,
               submitted_warnings = $8, updated_at = now()`,
        [ledgerKey, unitId, period, now, principal.userId, late, rows.length, warnings],
      );
      await recordSheetEvent(tx, {
        ledgerKey,
        unitId,
        period,
        event: 'submitted',
        late,
        reason: null,
        userId: principal.userId,
        at: now,
        warnings,
        acknowledgedWarnings,
      });
      await writeWebhookEvents(tx, [
        {
          event: 'sheet.submitted',
          ledgerKey,
          unitId,
          period,
          data: {
            late,
            rowCount: rows.length,
            warnings,
            deadline: deadline?.toISOString() ?? null,
            submittedBy: { id: String(principal.userId), username: principal.username },
          },
          occurredAt: now,
        },
      ]);
    });
    return this.sheetOf(ledger, unitId, period);
  }

  /**
   * 撤回: the unit takes back its submission, which makes the sheet a draft again (editable). Under
   * the sheet lock, exclusively, as a submit: a save that began before is in the rows as they are,
   * a save after finds the sheet open. Refused once the deadline has passed, for a late submission,
   * and for a sheet an admin has returned (it is open already).
   */
  async withdraw(principal: Principal, ledgerKey: string, period: string): Promise<SheetModel> {
    const { ledger, unitId } = await this.rowAccess.forWrite(principal, ledgerKey, null);
    this.checkPeriodic(ledger, period);
    const deadline = periodDeadline(ledger.definition, period);
    await inUnitScope(this.db, { units: [unitId] }, async (tx) => {
      await lockSheetsForSubmit(tx, ledger.key, unitId);
      const sheet = await lockSheetRow(tx, ledger.key, unitId, period);
      // read after the lock: a withdraw that waited behind a submit or a return sees their outcome
      const now = this.clock.now();
      if (sheet?.state !== 'submitted')
        throw ReportingException.notSubmittedToWithdraw(period, sheet?.state === 'returned');
      if (sheet.late) throw ReportingException.withdrawLate(period);
      if (!withdrawOpen(sheet, deadline, now))
        throw ReportingException.withdrawTooLate(period, shanghaiMinuteText(deadline!));
      await tx.query(
        `UPDATE sheets SET state = 'draft', withdrawn_count = withdrawn_count + 1, withdrawn_at = $4, updated_at = now()
          WHERE ledger_key = $1 AND unit_id = $2 AND period = $3`,
        [ledger.key, unitId, period, now],
      );
      await recordSheetEvent(tx, {
        ledgerKey: ledger.key,
        unitId,
        period,
        event: 'withdrawn',
        late: null,
        reason: null,
        userId: principal.userId,
        at: now,
      });
    });
    return this.sheetOf(ledger, unitId, period);
  }

  async return(
    principal: Principal,
    ledgerKey: string,
    unitIdText: string,
    period: string,
    reason: string,
  ): Promise<SheetModel> {
    const ledger = await this.ledgers.readableLedger(principal, ledgerKey);
    this.checkPeriodic(ledger, period);
    const unitId = parseId(unitIdText, 'unitId');
    await this.units.findById(unitId);
    const text = reason.trim();
    if (text.length === 0 || [...text].length > 500) throw ReportingException.reasonRequired();
    await this.db.transaction(async (tx) => {
      const state = await lockSheet(tx, ledgerKey, unitId, period);
      if (state !== 'submitted') throw ReportingException.notSubmitted(period);
      const now = this.clock.now();
      await tx.query(
        `UPDATE sheets SET state = 'returned', returned_at = $4, returned_by = $5, returned_reason = $6, updated_at = now()
          WHERE ledger_key = $1 AND unit_id = $2 AND period = $3`,
        [ledgerKey, unitId, period, now, principal.userId, text],
      );
      await noticeUnitClerks(tx, [
        {
          unitIds: [unitId],
          kind: 'RETURNED',
          title: {
            'zh-CN': `退回：「${textOf(ledger.definition.title)}」${period} 已被退回，请修改后重新提交`,
            en: `Returned: "${textOf(ledger.definition.title, 'en')}" ${period} was returned — correct it and submit again`,
          },
          body: { 'zh-CN': text, en: text },
          ledgerKey,
          period,
          createdAt: now,
        },
      ]);
      await recordSheetEvent(tx, {
        ledgerKey,
        unitId,
        period,
        event: 'returned',
        late: null,
        reason: text,
        userId: principal.userId,
        at: now,
      });
      await writeWebhookEvents(tx, [
        {
          event: 'sheet.returned',
          ledgerKey,
          unitId,
          period,
          data: { reason: text, returnedBy: { id: String(principal.userId), username: principal.username } },
          occurredAt: now,
        },
      ]);
    });
    // open again: its derived figures follow the sources from now on, starting with what they say now
    const figures = await this.figureChecks.figuresOf(ledger);
    if (figures.length > 0)
      await inUnitScope(this.db, { units: [unitId] }, async (tx) => {
        await lockSheetsForSubmit(tx, ledger.key, unitId);
        if ((await lockSheet(tx, ledger.key, unitId, period)) !== 'submitted')
          await writeFigures(tx, ledger.model, figures, unitId, [period], this.clock.now());
      });
    return this.sheetOf(ledger, unitId, period);
  }

  /**
   * 催报: the units that have not submitted the period (not started, draft or returned), or those
   * of them named by `unitIds`, each with its active clerks to call, every one of them recorded as
   * reminded now, and each clerk given a REMINDER notice in the same transaction, with the
   * reminder.issued webhook event (each unit with its clerks' names and phones, for an SMS gateway).
   * `scheduled`: the ledger's own reminder (`reminder.at`), run at most once per period: a second
   * run (another API process, the next minute) finds its scheduled_once row and does nothing.
   */
  async remind(
    principal: Principal,
    ledgerKey: string,
    period: string,
    unitIds: string[] | null = null,
    scheduled = false,
  ): Promise<ReminderModel> {
    const named = unitIds === null ? null : new Set(unitIds.map((id) => String(parseId(id, 'unitIds'))));
    const board = await this.board(principal, ledgerKey, period);
    const missing = board.sheets.filter(
      (s) =>
        (s.state === 'NOT_STARTED' || s.state === 'DRAFT' || s.state === 'RETURNED') &&
        (named === null || named.has(s.unit.id)),
    );
    const now = this.clock.now();
    const reminded = missing.map((s) => Number(s.unit.id));
    const clerks = (await this.users.list(reminded)).filter((u) => u.role === 'clerk' && u.active);
    const ledger = await this.ledgers.readableLedger(principal, ledgerKey);
    const deadline = periodDeadline(ledger.definition, period);
    const remindedBy = scheduled ? null : principal.userId;
    let ran = true;
    let webhooks = 0;
    await this.db.transaction(async (tx) => {
      if (scheduled) {
        const claimed = (await tx.query(
          `INSERT INTO scheduled_once (kind, ledger_key, subject, ran_at) VALUES ('reminder', $1, $2, $3)
           ON CONFLICT DO NOTHING RETURNING subject`,
          [ledgerKey, period, now],
        )) as unknown[];
        if (claimed.length === 0) {
          ran = false;
          return;
        }
      }
      if (reminded.length === 0) return;
      await tx.query(
        `INSERT INTO sheet_reminders (ledger_key, unit_id, period, state, reminded_by, reminded_at)
         SELECT $1, u, $2, s, $3, $4 FROM unnest($5::int[], $6::text[]) AS x(u, s)`,
        [ledgerKey, period, remindedBy, now, reminded, missing.map((s) => s.state)],
      );
      const title = {
        'zh-CN': `催报：「${textOf(ledger.definition.title)}」${period} 尚未提交`,
        en: `Reminder: "${textOf(ledger.definition.title, 'en')}" ${period} is not submitted yet`,
      };
      const body = deadline
        ? {
            'zh-CN': `请在 ${shanghaiMinuteText(deadline)} 前提交`,
            en: `Please submit by ${shanghaiMinuteText(deadline)}`,
          }
        : { 'zh-CN': '请尽快提交', en: 'Please submit soon' };
      await noticeUnitClerks(tx, [
        { unitIds: reminded, kind: 'REMINDER', title, body, ledgerKey, period, createdAt: now },
      ]);
      webhooks = await writeWebhookEvents(tx, [
        {
          event: 'reminder.issued',
          ledgerKey,
          unitId: null,
          period,
          data: {
            ledgerTitle: textOf(ledger.definition.title),
            deadline: deadline?.toISOString() ?? null,
            scheduled,
            message: `${title['zh-CN']}，${body['zh-CN']}`,
            units: missing.map((sheet) => ({
              unit: { id: sheet.unit.id, code: sheet.unit.code, name: sheet.unit.name },
              state: sheet.state,
              clerks: clerks
                .filter((c) => String(c.unitId) === sheet.unit.id)
                .map((c) => ({ name: c.displayName, phone: c.phone ?? null })),
            })),
          },
          occurredAt: now,
        },
      ]);
    });
    return {
      ledgerKey,
      period,
      remindedAt: now,
      webhooks,
      units: ran
        ? missing.map((sheet) => ({
            unit: sheet.unit,
            state: sheet.state,
            clerks: clerks.filter((c) => String(c.unitId) === sheet.unit.id).map(UserModel.of),
          }))
        : [],
    };
  }

  /** For a ledger and a period, every unit that must fill it, with its sheet's state. */
  async board(principal: Principal, ledgerKey: string, period: string): Promise<SubmissionBoardModel> {
    const ledger = await this.ledgers.readableLedger(principal, ledgerKey);
    this.checkPeriodic(ledger, period);
    const everyUnit = await this.units.list(
      seesAllUnits(principal) ? null : principal.unitId === null ? [] : [principal.unitId],
    );
    const units = everyUnit.filter((unit) => unit.active && unitFills(ledger.definition, unit));
    const sheets = await this.sheets(
      ledger,
      units.map((u) => u.id),
      period,
    );
    const deadline = periodDeadline(ledger.definition, period);
    const tracked = await this.trackedCounts(units);
    const figures = await this.figuresOf(
      ledger,
      units.map((u) => u.id),
      period,
      sheets,
      seesAllUnits(principal),
    );
    const clerks = await this.clerksOf(principal, units);
    const list = units.map((unit) => ({
      ...this.toModel(ledger, UnitModel.of(unit), period, sheets.get(unit.id), deadline),
      tracked: tracked.perUnit(unit.id),
      ...figures.get(unit.id),
      clerks: clerks?.get(unit.id) ?? (clerks ? [] : null),
    }));
    const counts: BoardCountsModel = {
      overridden: list.filter((s) => s.figures?.some((f) => f.overridden)).length,
      differing: list.filter((s) => s.figures?.some((f) => f.difference !== null)).length,
      notStarted: 0,
      draft: 0,
      submitted: 0,
      submittedLate: 0,
      returned: 0,
      overdue: 0,
      withdrawn: 0,
    };
    const keys: Record<SheetState, keyof BoardCountsModel> = {
      NOT_STARTED: 'notStarted',
      DRAFT: 'draft',
      SUBMITTED: 'submitted',
      SUBMITTED_LATE: 'submittedLate',
      RETURNED: 'returned',
    };
    for (const sheet of list) {
      counts[keys[sheet.state]] += 1;
      if (sheet.overdue) counts.overdue += 1;
      if (sheet.withdrawnCount > 0) counts.withdrawn += 1;
    }
    return { ledgerKey: ledger.key, period, sheets: list, counts, tracked: tracked.totals };
  }

  /**
   * The units' active clerks with their phones, for those who call them (admins, leaders); null
   * for a clerk, who gets no other unit's phones (nor their own unit's here: it is their board).
   */
  private async clerksOf(principal: Principal, units: UnitEntity[]): Promise<Map<number, BoardClerkModel[]> | null> {
    if (!seesAllUnits(principal)) return null;
    const byUnit = new Map<number, BoardClerkModel[]>();
    const users = await this.users.list(units.map((u) => u.id));
    for (const user of users) {
      if (user.role !== 'clerk' || !user.active || user.unitId === null) continue;
      const list = byUnit.get(user.unitId) ?? [];
      list.push({ name: user.displayName, phone: user.phone ?? null });
      byUnit.set(user.unitId, list);
    }
    return byUnit;
  }

  /**
   * Open and overdue rows of every ledger that declares `tracking`, per unit: the formulas run on
   * the rows now, with the clock's today(), so "overdue" is never a stale stored value.
   */
  private async trackedCounts(
    units: UnitEntity[],
  ): Promise<{ perUnit(unitId: number): TrackedCountModel[]; totals: TrackedCountModel[] }> {
    const unitIds = units.map((u) => u.id);
    // only the tracked ledgers that these units fill: a township's board shows no section tasks
    const ledgers = (await this.registry.all()).filter(
      (l) => l.definition.tracking && units.some((u) => unitFills(l.definition, u)),
    );
    const now = this.clock.now();
    const counts = new Map<string, Map<number, { open: number; overdue: number }>>();
    if (unitIds.length > 0) {
      await inUnitScope(this.db, { units: unitIds }, async (tx) => {
        for (const ledger of ledgers) {
          // counted in the database, with today() from the clock: the same formulas the evaluator runs
          const params: unknown[] = [unitIds];
          const context = { alias: 't', types: ledger.model.types, params, now };
          const tracking = ledger.definition.tracking!;
          const open = formulaToSql(tracking.open, context);
          const overdue = tracking.overdue ? formulaToSql(tracking.overdue, context) : 'FALSE';
          const rows = (await tx.query(
            `SELECT t.unit_id, count(*) FILTER (WHERE ${open})::int AS open, count(*) FILTER (WHERE ${overdue})::int AS overdue
               FROM ${tableOf(ledger.model)} t WHERE t.unit_id = ANY($1) AND t.deleted_at IS NULL GROUP BY t.unit_id`,
            params,
          )) as { unit_id: number; open: number; overdue: number }[];
          const byUnit = new Map(rows.map((r) => [Number(r.unit_id), { open: r.open, overdue: r.overdue }]));
          counts.set(ledger.key, byUnit);
        }
      });
    }
    const model = (ledger: (typeof ledgers)[number], value: { open: number; overdue: number }): TrackedCountModel => ({
      ledgerKey: ledger.key,
      title: textOf(ledger.definition.title),
      ...value,
    });
    return {
      perUnit: (unitId) => ledgers.map((l) => model(l, counts.get(l.key)?.get(unitId) ?? { open: 0, overdue: 0 })),
      totals: ledgers.map((l) =>
        model(
          l,
          [...(counts.get(l.key)?.values() ?? [])].reduce(
            (sum, c) => ({ open: sum.open + c.open, overdue: sum.overdue + c.overdue }),
            { open: 0, overdue: 0 },
          ),
        ),
      ),
    };
  }

  private async sheets(
    ledger: PublishedLedger,
    unitIds: number[],
    period: string,
  ): Promise<Map<number, SheetRow & { rows: number }>> {
    if (unitIds.length === 0) return new Map();
    const model = ledger.model;
    const rows = (await inUnitScope(this.db, { units: unitIds }, (tx) =>
      tx.query(
        `SELECT u.id AS unit_id, s.state, s.submitted_at, coalesce(s.late, false) AS late, s.returned_reason,
                coalesce(s.withdrawn_count, 0) AS withdrawn_count, s.withdrawn_at, s.submitted_warnings,
                (SELECT max(r.reminded_at) FROM sheet_reminders r WHERE r.ledger_key = $3 AND r.unit_id = u.id AND r.period = $2) AS reminded_at,
                -- who reminded last (催报 is open to leaders and admins: the board says which)
                (SELECT ru.display_name FROM sheet_reminders r JOIN users ru ON ru.id = r.reminded_by
                  WHERE r.ledger_key = $3 AND r.unit_id = u.id AND r.period = $2
                  ORDER BY r.reminded_at DESC LIMIT 1) AS reminded_by,
                -- when a clerk of the unit first read a reminder of this sheet
                (SELECT min(n.read_at) FROM notices n WHERE n.kind = 'REMINDER' AND n.ledger_key = $3 AND n.unit_id = u.id AND n.period = $2) AS reminder_read_at,
                -- a submitted sheet: the rows it was submitted with; else the rows as they are
                CASE WHEN s.state = 'submitted' AND s.row_count IS NOT NULL THEN s.row_count
                     ELSE (SELECT count(*)::int FROM ${tableOf(model)} t WHERE t.unit_id = u.id AND t.period = $2 AND t.deleted_at IS NULL)
                END AS rows
           FROM unnest($1::int[]) AS u(id)
           LEFT JOIN sheets s ON s.ledger_key = $3 AND s.unit_id = u.id AND s.period = $2`,
        [unitIds, period, ledger.key],
      ),
    )) as (SheetRow & { rows: number })[];
    return new Map(rows.map((r) => [r.unit_id, r]));
  }

  private async sheetOf(ledger: PublishedLedger, unitId: number, period: string): Promise<SheetModel> {
    const entity = await this.units.findById(unitId);
    const unit = UnitModel.of(entity);
    const sheet = (await this.sheets(ledger, [unitId], period)).get(unitId);
    const tracked = await this.trackedCounts([entity]);
    const figures = await this.figuresOf(ledger, [unitId], period, new Map(sheet ? [[unitId, sheet]] : []));
    return {
      ...this.toModel(ledger, unit, period, sheet, periodDeadline(ledger.definition, period)),
      tracked: tracked.perUnit(unitId),
      ...figures.get(unitId),
    };
  }

  /**
   * Reconciliation: the submitted sheets of the days from–to (of the caller's units, or the one
   * named) whose derived figures differ from what their source ledgers say now, each with the
   * source rows changed since the submission. Newest period first, then the units in their order.
   */
  async reconciliation(
    principal: Principal,
    ledgerKey: string,
    from: string,
    to: string,
    unitId: string | null,
    locale: Locale,
  ): Promise<FigureDifferenceModel[]> {
    const ledger = await this.ledgers.readableLedger(principal, ledgerKey);
    if ((ledger.definition.period ?? 'none') === 'none') throw ReportingException.notPeriodic(ledger.key);
    const days =
      from && to && strictDate(from) && strictDate(to) ? (Date.parse(to) - Date.parse(from)) / 86_400_000 : -1;
    if (days < 0 || days > 366) throw ReportingException.badRange(from, to);
    const named = (unitId ?? null) === null ? null : parseId(unitId!, 'unitId');
    const visible = seesAllUnits(principal) ? named : principal.unitId;
    if (!seesAllUnits(principal) && named !== null && named !== principal.unitId) return [];
    const units = (await this.units.list(visible === null ? null : [visible])).filter(
      (u) => u.active && unitFills(ledger.definition, u),
    );
    const periods = new Set<string>();
    for (let day = 0; day <= days; day += 1) {
      const date = new Date(Date.parse(from) + day * 86_400_000).toISOString().slice(0, 10);
      const period = periodOfDate(ledger.definition.period, date);
      if (period) periods.add(period);
    }
    const unitIds = units.map((u) => u.id);
    if (unitIds.length === 0) return [];
    const everyUnit = seesAllUnits(principal) && named === null;
    const found = await this.figureChecks.differences(ledger, unitIds, everyUnit, [...periods], locale);
    const order = new Map(units.map((u, i) => [u.id, i]));
    found.sort((a, b) =>
      a.period === b.period ? order.get(a.unitId)! - order.get(b.unitId)! : a.period < b.period ? 1 : -1,
    );
    const byId = new Map(units.map((u) => [u.id, u]));
    const changed = new Map<string, FigureDifferenceModel['changedRows']>();
    const differences: FigureDifferenceModel[] = [];
    for (const { unitId, period, submittedAt, figure } of found) {
      const key = figureKey(unitId, period);
      if (!changed.has(key))
        changed.set(key, await this.figureChecks.changedSince(ledger, unitId, period, submittedAt));
      differences.push({
        unit: UnitModel.of(byId.get(unitId)!),
        period,
        submittedAt,
        figure,
        changedRows: changed.get(key)!,
      });
    }
    return differences;
  }

  /** Each unit's derived figures of the period (live, held, differing): nothing for a ledger without. */
  private async figuresOf(
    ledger: PublishedLedger,
    unitIds: number[],
    period: string,
    sheets: Map<number, SheetRow>,
    everyUnit = false,
  ): Promise<Map<number, Pick<SheetModel, 'derived' | 'figures'>>> {
    const submitted = new Map<string, Date>();
    for (const [unitId, sheet] of sheets)
      if (sheet.state === 'submitted' && sheet.submitted_at)
        submitted.set(figureKey(unitId, period), sheet.submitted_at);
    const checked = await this.figureChecks.check(ledger, unitIds, [period], submitted, 'zh-CN', everyUnit);
    return new Map(
      unitIds.map((unitId) => {
        const sheet = checked.get(figureKey(unitId, period));
        return [unitId, { derived: sheet?.live ?? null, figures: sheet?.figures ?? [] }];
      }),
    );
  }

  private toModel(
    ledger: PublishedLedger,
    unit: UnitModel,
    period: string,
    sheet: (SheetRow & { rows: number }) | undefined,
    deadline: Date | null,
  ): Omit<SheetModel, 'tracked'> {
    let state: SheetState = SheetStateEnum.NOT_STARTED;
    if (sheet?.state === 'submitted') state = sheet.late ? 'SUBMITTED_LATE' : 'SUBMITTED';
    else if (sheet?.state === 'returned') state = 'RETURNED';
    else if (sheet?.state === 'draft' || (sheet?.rows ?? 0) > 0) state = 'DRAFT';
    const now = this.clock.now();
    const submitted = sheet?.state === 'submitted';
    return {
      ledgerKey: ledger.key,
      unit,
      period,
      state,
      submittedAt: sheet?.state === 'submitted' ? sheet.submitted_at : null,
      returnedReason: sheet?.state === 'returned' ? sheet.returned_reason : null,
      deadline,
      rowCount: sheet?.rows ?? 0,
      remindedAt: sheet?.reminded_at ?? null,
      lastReminder: sheet?.reminded_at ? { at: sheet.reminded_at, by: sheet.reminded_by ?? null } : null,
      reminderReadAt: sheet?.reminder_read_at ?? null,
      overdue: !submitted && deadline !== null && now.getTime() > deadline.getTime(),
      future: isFuturePeriod(ledger.definition.period, period, now),
      canWithdraw: withdrawOpen(sheet, deadline, now),
      withdrawnCount: sheet?.withdrawn_count ?? 0,
      withdrawnAt: sheet?.withdrawn_at ?? null,
      submittedWarnings: submitted ? (sheet.submitted_warnings ?? null) : null,
    };
  }
}
