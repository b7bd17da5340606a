import { Injectable, Logger } from '@nestjs/common';
import { notifyRowEvents, refreshedEvents } from '../common/live/row-events';
import {
  compileFormula,
  FROM_PUBLIC_PER_HOUR,
  message,
  periodOfRow,
  ROW_ID_TYPE,
  textOf,
  validateRow,
  unitFills,
  type FollowUpDefinition,
  type LedgerModel,
} from '@taizhang/ledger-core';
import { LedgerRegistry, type PublishedLedger } from '../ledgers/ledger-registry.service';
import { UnitsService } from '../units/units.service';
import type { RowTransaction } from '../ledger-tables/row-scope';
import { lockLedgerForWrite, readWriteGuard } from '../ledgers/ledger-locks';
import { derivedPlanOf, fillLookups, refreshDerived } from '../ledger-tables/row-derived';
import { noticeUnitClerks } from '../common/notices/unit-notices';
import { rejectMissingReferences } from './row-references';
import { rejectDuplicates } from './row-unique';
import { crossPeriodValues, usesCrossPeriod } from './row-cross-period';
import { insertRows, problem, type Planned, type RowOutcome, type WriteTarget } from '../ledger-tables/row-write';

/**
 * Rows made from anonymous answers in a ledger of a unit in the last hour: their history says a
 * follow-up made them with nobody signed in (only an anonymous answer writes with no author and
 * runs follow-ups; demo rows have their clerk, a definition's seed rows run none).
 */
const MADE_FROM_PUBLIC_SQL = `SELECT count(*)::int AS n FROM row_history
  WHERE ledger_key = $1 AND unit_id = $2 AND source = 'follow-up' AND op = 'insert' AND changed_by IS NULL
    AND changed_at > now() - interval '1 hour'`;

/** What a row says by its ledger's `display` field (a case's number), as text; null without one. */
function labelOf(model: LedgerModel, values: Record<string, unknown>): string | null {
  const key = model.definition.display;
  const value = key === undefined ? null : values[key];
  return value === null || value === undefined || value === '' ? null : String(value);
}

@Injectable()
export class RowFollowUps {
  private readonly logger = new Logger(RowFollowUps.name);

  constructor(
    private readonly registry: LedgerRegistry,
    private readonly units: UnitsService,
  ) {}

  /**
   * The closed loop: for each follow-up of the ledger whose `when` has just become true for a
   * saved row, a row in the follow-up's ledger of the same unit, from the follow-up's formulas.
   * One that cannot be made (its ledger missing, not filled by the unit, or its values invalid)
   * is a warning on the saved row, never a lost save. Returns how many rows were made.
   *
   * An anonymous answer (source `public`) is nobody's word: its rows take the follow-up's
   * `fromPublic.values` over the usual ones (the seed: status 待确认, source 公开问卷, so the unit
   * confirms one before it counts as open), and at most `fromPublic.perHour` are made per unit and
   * ledger in a rolling hour; past that the answer is saved and no row is made (logged).
   */
  async run(
    tx: RowTransaction,
    source: WriteTarget,
    writes: Planned[],
    outcomes: Map<number, RowOutcome>,
    now: Date,
  ): Promise<number> {
    let rowsMade = 0;
    for (const followUp of source.model.definition.followUps ?? []) {
      const when = compileFormula(followUp.when);
      const types = source.model.types;
      const due = writes.filter((p) => {
        const outcome = outcomes.get(p.index)!;
        if (p.op === 'DELETE' || outcome.status !== 'SAVED' || !outcome.row) return false;
        const before = p.old ? when.evaluate({ values: p.old.values, types, now }) === true : false;
        return !before && when.evaluate({ values: outcome.row.values, types, now }) === true;
      });
      if (due.length === 0) continue;
      const target = await this.registry.find(followUp.ledger);
      const unit = await this.units.findById(source.unitId);
      const warn = (p: Planned, zh: string, en: string) => {
        const outcome = outcomes.get(p.index)!;
        outcome.warnings = [...(outcome.warnings ?? []), problem('', zh, en)];
      };
      if (!target || !unitFills(target.definition, unit)) {
        for (const p of due)
          warn(
            p,
            `未能自动生成「${followUp.ledger}」记录：本单位不填报该台账`,
            `No "${followUp.ledger}" row was made: the unit does not fill that ledger`,
          );
        continue;
      }
      const anonymous = source.source === 'public';
      const given = anonymous ? { ...followUp.values, ...followUp.fromPublic?.values } : followUp.values;
      const formulas = Object.entries(given).map(([key, formula]) => [key, compileFormula(formula)] as const);
      const rows: Planned[] = [];
      const asked = due.map((p) => {
        const row = outcomes.get(p.index)!.row!;
        const env = {
          values: { ...row.values, id: Number(row.id) },
          types: { ...types, id: ROW_ID_TYPE },
          now,
        };
        return { p, row, values: Object.fromEntries(formulas.map(([key, formula]) => [key, formula.evaluate(env)])) };
      });
      const options = { input: 'json' as const, applyDefaults: true, now };
      // rules across periods judge the rows made as any batch of the target ledger (row-cross-period.ts)
      const crossPeriod = usesCrossPeriod(target.model)
        ? await crossPeriodValues(
            tx,
            target.model,
            source.unitId,
            asked.flatMap(({ p, values }) => {
              const checked = validateRow(target.model, values, options);
              if (checked.errors.length > 0) return [];
              const period = periodOfRow(target.definition, checked.values);
              return [{ index: p.index, id: null, period, values: checked.values }];
            }),
          )
        : undefined;
      for (const { p, row, values } of asked) {
        const checked = validateRow(target.model, values, { ...options, crossPeriod: crossPeriod?.get(p.index) });
        if (checked.errors.length > 0) {
          const first = checked.errors[0];
          warn(
            p,
            `未能自动生成「${textOf(target.definition.title)}」记录：${first.field} ${first.message['zh-CN']}`,
            `No follow-up row was made: ${first.field} ${first.message.en}`,
          );
          continue;
        }
        rows.push({
          index: p.index,
          op: 'INSERT',
          values: checked.values,
          period: periodOfRow(target.definition, checked.values),
          origin: { ledger: source.model.definition.key, id: row.id, label: labelOf(source.model, row.values) },
        });
      }
      // the target ledger's own checks, as any row of it passes them: its definition current,
      // its sheet not locked, its unique values, its references; a row refused is the source
      // row's warning, and the source row is saved all the same
      await lockLedgerForWrite(tx, target.key);
      const guard = await readWriteGuard(tx, target.key, source.unitId);
      const refused = new Map<number, RowOutcome>();
      for (const row of rows) {
        if (guard.version !== target.version)
          refused.set(row.index, {
            index: row.index,
            status: 'REJECTED',
            errors: [problem('', '台账定义刚刚更新', 'its definition was just changed')],
          });
        else if (row.period && guard.locked.includes(row.period))
          refused.set(row.index, {
            index: row.index,
            status: 'REJECTED',
            errors: [problem('', `${row.period} 的报表已提交并锁定`, `the sheet of ${row.period} is submitted`)],
          });
      }
      const derived = derivedPlanOf(
        (await this.registry.all()).map((l) => l.model),
        target.model,
      );
      await fillLookups(tx, derived, target.model, source.unitId, rows, refused, { now });
      await rejectDuplicates(tx, target.model, source.unitId, rows, refused);
      await rejectMissingReferences(tx, target.model, source.unitId, rows, refused);
      for (const p of due) {
        const why = refused.get(p.index)?.errors?.[0];
        if (why)
          warn(
            p,
            `未能自动生成「${textOf(target.definition.title)}」记录：${why.message['zh-CN']}`,
            `No follow-up row was made: ${why.message.en}`,
          );
      }
      let made = rows.filter((row) => !refused.has(row.index));
      if (anonymous && made.length > 0) made = await this.withinHourlyLimit(tx, source, followUp, target, made, warn);
      for (const row of made) {
        const text = followUp.message ?? `已自动生成「${textOf(target.definition.title)}」记录`;
        const outcome = outcomes.get(row.index)!;
        outcome.warnings = [
          ...(outcome.warnings ?? []),
          { path: '', message: message(textOf(text), textOf(text, 'en')) },
        ];
      }
      const inserted = await insertRows(
        tx,
        {
          model: target.model,
          unitId: source.unitId,
          actor: source.actor,
          defVersion: target.version,
          source: 'follow-up',
        },
        made,
      );
      const refreshed = await refreshDerived(
        tx,
        derived,
        source.unitId,
        inserted.map((row) => ({ id: Number(row.id), before: null, after: row.values, fresh: true })),
        now,
      );
      rowsMade += inserted.length;
      // the target ledger's open grids learn of the rows made, at COMMIT, as of any save, and the
      // rows whose roll-ups they moved (the source case's 整改数) of theirs (docs/live.md)
      await notifyRowEvents(tx, [
        ...inserted.map((row) => ({
          ledger: target.key,
          unitId: source.unitId,
          period: row.period ?? null,
          kind: 'SAVED' as const,
          ids: [String(row.id)],
          versions: [row.version],
        })),
        ...refreshedEvents(refreshed),
      ]);
      // the unit's clerks learn of each new row, and what made it, with the row
      const [sourceTitle, targetTitle] = [source.model.definition.title, target.definition.title];
      await noticeUnitClerks(
        tx,
        inserted.map((row) => {
          const label = labelOf(target.model, row.values) ?? `#${row.id}`;
          const origin = row.origin?.label ?? `#${row.origin?.id}`;
          return {
            unitIds: [source.unitId],
            kind: 'FOLLOW_UP',
            title: {
              'zh-CN': `新的「${textOf(targetTitle)}」记录：${label}`,
              en: `New "${textOf(targetTitle, 'en')}" row: ${label}`,
            },
            body: {
              'zh-CN': `由「${textOf(sourceTitle)}」${origin} 自动生成`,
              en: `Made from "${textOf(sourceTitle, 'en')}" ${origin}`,
            },
            ledgerKey: target.key,
            period: row.period ?? null,
            rowId: row.id,
            createdAt: now,
          };
        }),
      );
    }
    return rowsMade;
  }

  /**
   * The rows of anonymous answers that fit in the unit's hourly allowance for the follow-up's
   * ledger; the rest are warnings on their answers (which are saved) and a line in the log.
   * Counted in the database (any API process may have made some) under an exclusive lock per
   * (ledger, unit), held until commit: the writes' own locks are shared (writers never wait for
   * one another), so without it two answers at once could both see room for one more.
   */
  private async withinHourlyLimit(
    tx: RowTransaction,
    source: WriteTarget,
    followUp: FollowUpDefinition,
    target: PublishedLedger,
    rows: Planned[],
    warn: (p: Planned, zh: string, en: string) => void,
  ): Promise<Planned[]> {
    const limit = followUp.fromPublic?.perHour ?? FROM_PUBLIC_PER_HOUR;
    const ledgerKey = target.key;
    const title = textOf(target.definition.title);
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1), $2)`, [`public-follow-up:${ledgerKey}`, source.unitId]);
    const [{ n }] = (await tx.query(MADE_FROM_PUBLIC_SQL, [ledgerKey, source.unitId])) as { n: number }[];
    const room = Math.max(0, limit - n);
    for (const row of rows.slice(room)) {
      warn(
        row,
        `未能自动生成「${title}」记录：本单位本小时由匿名答卷生成的记录已达上限 ${limit} 条（答卷已保存）`,
        `No "${textOf(target.definition.title, 'en')}" row was made: anonymous answers reached the unit's limit of ${limit} an hour (the answer is saved)`,
      );
      this.logger.warn(
        `follow-up ${source.model.definition.key}.${followUp.key} skipped for unit ${source.unitId}: ` +
          `${n} "${ledgerKey}" rows made from anonymous answers in the last hour, limit ${limit}`,
      );
    }
    return rows.slice(0, room);
  }
}
