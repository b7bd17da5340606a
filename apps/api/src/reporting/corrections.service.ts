import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { LocalizedText, Locale } from '@taizhang/domain';
import { isComputedField, textOf, type FieldDefinition, type FieldValue } from '@taizhang/ledger-core';
import type { Principal } from '../identity/principal';
import { seesRedactedValues } from '../identity/access-policy';
import { parseId } from '../common/graphql/ids';
import { Clock } from '../common/time/clock';
import type { PublishedLedger } from '../ledgers/ledger-registry.service';
import { LedgerAccess } from '../ledgers/ledger-access.service';
import { RowAccess } from '../ledger-data/row-access.service';
import { RowWriter } from '../ledger-data/row-writer.service';
import { readInUnitScope, type RowTransaction } from '../ledger-tables/row-scope';
import { rowColumns, rowFromDb, tableOf, valuesFor, type RowRecord } from '../ledger-tables/row-sql';
import type { RowOutcome } from '../ledger-tables/row-write';
import { RowsException } from '../ledger-tables/rows.exception';
import { CorrectionsException } from './corrections.exception';
import type { CorrectionModel, CorrectionState } from './correction.model';

/** What a clerk or an admin asks to change: one field of one row, to a value, for a reason. */
export interface CorrectionInput {
  ledger: string;
  unitId?: string | null;
  rowId: string;
  field: string;
  value: unknown;
  reason: string;
}

interface CorrectionRow {
  id: string;
  ledger_key: string;
  unit_id: number;
  unit_name: string;
  period: string;
  row_id: string;
  field: string;
  old_value: unknown;
  new_value: unknown;
  reason: string;
  state: CorrectionState;
  requested_by: string;
  requested_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  reject_reason: string | null;
  applied_version: number | null;
}

const MAX_REASON = 500;

const SELECT_CORRECTIONS = `SELECT c.id::text, c.ledger_key, c.unit_id, un.name AS unit_name, c.period, c.row_id::text, c.field,
        c.old_value, c.new_value, c.reason, c.state, rq.display_name AS requested_by, c.requested_at,
        dc.display_name AS decided_by, c.decided_at, c.reject_reason, c.applied_version
   FROM sheet_corrections c JOIN units un ON un.id = c.unit_id
   JOIN users rq ON rq.id = c.requested_by LEFT JOIN users dc ON dc.id = c.decided_by`;

function reasonOf(text: string, path: 'reason' | 'rejectReason'): string {
  const reason = text.trim();
  if (reason.length === 0 || [...reason].length > MAX_REASON) throw CorrectionsException.reasonRequired(path);
  return reason;
}

function titleOf(field: FieldDefinition): LocalizedText {
  return { 'zh-CN': textOf(field.title), en: textOf(field.title, 'en') };
}

/**
 * Corrections of a submitted sheet (更正, issue 24): one field of one row changes, with a reason,
 * and the sheet stays submitted. A clerk requests one for their unit's row; an admin approves it
 * (then it is applied) or rejects it with a reason, or corrects directly. Applying goes through
 * the one write pipeline (RowWriter, with its `correction` option): the whole row validated with
 * the new value, formulas and rules, a new version, a history entry (source `correction`), the
 * audit log; the correction row is written in the same transaction (sheet_corrections).
 */
@Injectable()
export class CorrectionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ledgers: LedgerAccess,
    private readonly rowAccess: RowAccess,
    private readonly writer: RowWriter,
    private readonly clock: Clock,
  ) {}

  /** A clerk's request: checked as it would be applied (a dry run of the pipeline), then kept as REQUESTED. */
  async request(principal: Principal, input: CorrectionInput, locale: Locale): Promise<CorrectionModel> {
    const { ledger, unitId } = await this.rowAccess.forWrite(principal, input.ledger, input.unitId);
    const reason = reasonOf(input.reason, 'reason');
    const { row, field } = await this.target(ledger, unitId, input);
    await this.assertSubmitted(ledger, unitId, row.period!);
    const [pending] = (await this.db.query(
      `SELECT 1 FROM sheet_corrections WHERE ledger_key = $1 AND unit_id = $2 AND row_id = $3 AND field = $4 AND state = 'REQUESTED'`,
      [ledger.key, unitId, row.id, field.key],
    )) as unknown[];
    if (pending) throw CorrectionsException.pending(titleOf(field));
    const [outcome] = await this.writer.saveAs(
      ledger,
      { actor: principal.userId, unitId, source: 'correction' },
      {
        ...this.change(ledger, row, field, input.value, reason),
        dryRun: true,
        correction: { rowId: Number(row.id), period: row.period!, applied: async () => undefined },
      },
    );
    this.assertWritten(outcome, field, 'VALID');
    // kept as the dry run read it: files named by their handles become what was stored for them
    // (name, size, kind), so the request shows them and the admin can open them
    const newValue = outcome.values && field.key in outcome.values ? outcome.values[field.key] : input.value;
    const [created] = (await this.db.query(
      `INSERT INTO sheet_corrections (ledger_key, unit_id, period, row_id, field, old_value, new_value, reason, state, requested_by, requested_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, 'REQUESTED', $9, $10) RETURNING id::text`,
      [
        ledger.key,
        unitId,
        row.period,
        row.id,
        field.key,
        JSON.stringify(row.values[field.key] ?? null),
        JSON.stringify(newValue ?? null),
        reason,
        principal.userId,
        this.clock.now(),
      ],
    )) as { id: string }[];
    return this.one(principal, created.id, locale);
  }

  /** An admin's correction, applied at once (requested and decided by the admin). */
  async correct(principal: Principal, input: CorrectionInput, locale: Locale): Promise<CorrectionModel> {
    const unitIdText = input.unitId ?? (await this.unitOfRow(principal, input.ledger, input.rowId));
    const { ledger, unitId } = await this.rowAccess.forWrite(principal, input.ledger, unitIdText);
    const reason = reasonOf(input.reason, 'reason');
    const { row, field } = await this.target(ledger, unitId, input);
    await this.assertSubmitted(ledger, unitId, row.period!);
    const now = this.clock.now();
    const id = await this.apply(ledger, unitId, row, field, input.value, reason, principal, async (tx, written) => {
      const [created] = await tx.query<{ id: string }>(
        `INSERT INTO sheet_corrections (ledger_key, unit_id, period, row_id, field, old_value, new_value, reason, state,
                                        requested_by, requested_at, decided_by, decided_at, applied_version)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, 'APPLIED', $9, $10, $9, $10, $11) RETURNING id::text`,
        [
          ledger.key,
          unitId,
          row.period,
          row.id,
          field.key,
          JSON.stringify(row.values[field.key] ?? null),
          JSON.stringify(written.values[field.key] ?? null),
          reason,
          principal.userId,
          now,
          written.version,
        ],
      );
      return created.id;
    });
    return this.one(principal, id, locale);
  }

  /** An admin approves a request: it is applied through the pipeline, or refused with the rule's message. */
  async approve(principal: Principal, idText: string, locale: Locale): Promise<CorrectionModel> {
    const correction = await this.requested(idText);
    const ledger = await this.ledgers.readableLedger(principal, correction.ledger_key);
    const field = ledger.model.byKey.get(correction.field);
    if (!field) throw CorrectionsException.unknownField(correction.field);
    const row = await this.rowOf(ledger, correction.unit_id, correction.row_id);
    if (!row) throw RowsException.rowNotFound(correction.row_id);
    await this.assertSubmitted(ledger, correction.unit_id, correction.period);
    const now = this.clock.now();
    await this.apply(
      ledger,
      correction.unit_id,
      row,
      field,
      correction.new_value,
      correction.reason,
      principal,
      async (tx, written) => {
        const decided = await tx.query(
          `UPDATE sheet_corrections SET state = 'APPLIED', old_value = $2::jsonb, new_value = $3::jsonb, decided_by = $4,
                decided_at = $5, applied_version = $6
          WHERE id = $1 AND state = 'REQUESTED' RETURNING id`,
          [
            correction.id,
            JSON.stringify(row.values[field.key] ?? null),
            JSON.stringify(written.values[field.key] ?? null),
            principal.userId,
            now,
            written.version,
          ],
        );
        // approved twice at once: the second finds it decided, and its write is undone
        if (decided.length === 0) throw CorrectionsException.decided(correction.id, 'APPLIED');
        return correction.id;
      },
    );
    return this.one(principal, correction.id, locale);
  }

  /** An admin rejects a request with a reason: nothing in the row changes. */
  async reject(principal: Principal, idText: string, rejectReason: string, locale: Locale): Promise<CorrectionModel> {
    const reason = reasonOf(rejectReason, 'rejectReason');
    const correction = await this.requested(idText);
    await this.ledgers.readableLedger(principal, correction.ledger_key);
    const decided = (await this.db.query(
      `UPDATE sheet_corrections SET state = 'REJECTED', reject_reason = $2, decided_by = $3, decided_at = $4
        WHERE id = $1 AND state = 'REQUESTED' RETURNING id`,
      [correction.id, reason, principal.userId, this.clock.now()],
    )) as unknown[];
    if (decided.length === 0) throw CorrectionsException.decided(correction.id, 'REJECTED');
    return this.one(principal, correction.id, locale);
  }

  /** The corrections of a ledger (of a unit, a period, a state), newest first; a clerk's: their own unit's. */
  async list(
    principal: Principal,
    query: { ledger: string; unitId?: string | null; period?: string | null; state?: CorrectionState | null },
    locale: Locale,
  ): Promise<CorrectionModel[]> {
    const { ledger, scope } = await this.rowAccess.forRead(principal, query.ledger, query.unitId);
    const params: unknown[] = [ledger.key];
    const where = ['c.ledger_key = $1'];
    if ('units' in scope) where.push(`c.unit_id = ANY($${params.push(scope.units)})`);
    if (query.period) where.push(`c.period = $${params.push(query.period)}`);
    if (query.state) where.push(`c.state = $${params.push(query.state)}`);
    const rows = (await this.db.query(
      `${SELECT_CORRECTIONS} WHERE ${where.join(' AND ')} ORDER BY c.requested_at DESC, c.id DESC LIMIT 500`,
      params,
    )) as CorrectionRow[];
    return rows.map((r) => this.toModel(ledger, r, principal, locale));
  }

  /** Per unit, a period's requests waiting and corrections applied (the submission board). */
  async countsOf(ledgerKey: string, period: string): Promise<Map<number, { pending: number; applied: number }>> {
    const rows = (await this.db.query(
      `SELECT unit_id, count(*) FILTER (WHERE state = 'REQUESTED')::int AS pending,
              count(*) FILTER (WHERE state = 'APPLIED')::int AS applied
         FROM sheet_corrections WHERE ledger_key = $1 AND period = $2 GROUP BY unit_id`,
      [ledgerKey, period],
    )) as { unit_id: number; pending: number; applied: number }[];
    return new Map(rows.map((r) => [Number(r.unit_id), { pending: r.pending, applied: r.applied }]));
  }

  /**
   * Writes the new value through the pipeline in a transaction that also records the correction
   * (`record`, given the row as written); a refusal of any kind leaves both as they were.
   */
  private async apply(
    ledger: PublishedLedger,
    unitId: number,
    row: RowRecord,
    field: FieldDefinition,
    value: unknown,
    reason: string,
    principal: Principal,
    record: (tx: RowTransaction, written: RowRecord) => Promise<string>,
  ): Promise<string> {
    let id = '';
    const [outcome] = await this.writer.saveAs(
      ledger,
      { actor: principal.userId, unitId, source: 'correction' },
      {
        ...this.change(ledger, row, field, value, reason),
        correction: {
          rowId: Number(row.id),
          period: row.period!,
          applied: async (tx, written, sheetLocked) => {
            // returned or withdrawn meanwhile: the sheet is open, the clerk edits it
            if (!sheetLocked) throw CorrectionsException.notSubmitted(row.period!, null);
            this.assertWritten(written, field, 'SAVED');
            id = await record(tx, written.row!);
          },
        },
      },
    );
    this.assertWritten(outcome, field, 'SAVED');
    return id;
  }

  private change(ledger: PublishedLedger, row: RowRecord, field: FieldDefinition, value: unknown, reason: string) {
    const definition = ledger.model.definition;
    // a derived figure corrected is set by hand, with the correction's reason (an override)
    const reasons = field.derive ? { reasons: { [field.key]: reason } } : {};
    return {
      changes: [
        { op: 'UPDATE' as const, id: row.id, version: row.version, values: { [field.key]: value }, ...reasons },
      ],
      // a periodic ledger without a date field names its period with every save
      period: definition.periodField ? null : row.period,
    };
  }

  private assertWritten(outcome: RowOutcome, field: FieldDefinition, status: 'SAVED' | 'VALID'): void {
    if (outcome.status === status) return;
    if (outcome.status === 'CONFLICT') throw CorrectionsException.rowChanged();
    throw CorrectionsException.refused(
      titleOf(field),
      (outcome.errors ?? []).map((e) => ({ path: e.path || field.key, message: e.message })),
    );
  }

  /** The row and the field a correction names: a field one may correct, a value that changes it. */
  private async target(
    ledger: PublishedLedger,
    unitId: number,
    input: CorrectionInput,
  ): Promise<{ row: RowRecord; field: FieldDefinition }> {
    const definition = ledger.model.definition;
    const field = ledger.model.byKey.get(input.field);
    if (!field) throw CorrectionsException.unknownField(input.field);
    // a derived figure may be corrected (it then holds the corrected figure, with the reason); a formula may not
    if ((isComputedField(field) && !field.derive) || field.formula)
      throw CorrectionsException.notCorrectable(titleOf(field), 'computed');
    if (field.key === definition.periodField) throw CorrectionsException.notCorrectable(titleOf(field), 'period');
    const row = await this.rowOf(ledger, unitId, input.rowId);
    if (!row) throw RowsException.rowNotFound(input.rowId);
    if ((definition.period ?? 'none') === 'none' || !row.period) throw CorrectionsException.notSubmitted('—', null);
    if (JSON.stringify(row.values[field.key] ?? null) === JSON.stringify(input.value ?? null))
      throw CorrectionsException.unchanged(titleOf(field));
    return { row, field };
  }

  private async rowOf(ledger: PublishedLedger, unitId: number, rowIdText: string): Promise<RowRecord | null> {
    const id = parseId(rowIdText, 'rowId');
    const model = ledger.model;
    const [raw] = await readInUnitScope(this.db, { units: [unitId] }, (tx) =>
      tx.query(
        `SELECT ${rowColumns(model)} FROM ${tableOf(model)} t WHERE t.unit_id = $1 AND t.id = $2 AND t.deleted_at IS NULL`,
        [unitId, id],
      ),
    );
    return raw ? rowFromDb(model, raw) : null;
  }

  /** An admin naming a row without its unit: the unit is the row's. */
  private async unitOfRow(principal: Principal, ledgerKey: string, rowIdText: string): Promise<string> {
    const ledger = await this.ledgers.readableLedger(principal, ledgerKey);
    const id = parseId(rowIdText, 'rowId');
    const [raw] = await readInUnitScope(this.db, { all: true }, (tx) =>
      tx.query<{ unit_id: number }>(
        `SELECT t.unit_id FROM ${tableOf(ledger.model)} t WHERE t.id = $1 AND t.deleted_at IS NULL`,
        [id],
      ),
    );
    if (!raw) throw RowsException.rowNotFound(rowIdText);
    return String(raw.unit_id);
  }

  private async assertSubmitted(ledger: PublishedLedger, unitId: number, period: string): Promise<void> {
    const [sheet] = (await this.db.query(
      `SELECT state FROM sheets WHERE ledger_key = $1 AND unit_id = $2 AND period = $3`,
      [ledger.key, unitId, period],
    )) as { state: string }[];
    if (sheet?.state !== 'submitted') throw CorrectionsException.notSubmitted(period, sheet?.state ?? null);
  }

  private async requested(idText: string): Promise<CorrectionRow> {
    const id = parseId(idText, 'id');
    const [row] = (await this.db.query(`${SELECT_CORRECTIONS} WHERE c.id = $1`, [id])) as CorrectionRow[];
    if (!row) throw CorrectionsException.notFound(idText);
    if (row.state !== 'REQUESTED') throw CorrectionsException.decided(row.id, row.state);
    return row;
  }

  private async one(principal: Principal, id: string, locale: Locale): Promise<CorrectionModel> {
    const [row] = (await this.db.query(`${SELECT_CORRECTIONS} WHERE c.id = $1`, [id])) as CorrectionRow[];
    const ledger = await this.ledgers.readableLedger(principal, row.ledger_key);
    return this.toModel(ledger, row, principal, locale);
  }

  private toModel(ledger: PublishedLedger, r: CorrectionRow, principal: Principal, locale: Locale): CorrectionModel {
    const field = ledger.model.byKey.get(r.field);
    const audience = seesRedactedValues(principal) ? 'redacted' : 'full';
    // a leader sees a value as the field's type shows it to readers outside the unit (masked)
    const shown = (value: unknown) => valuesFor(ledger.model, { [r.field]: value }, audience)?.[r.field] ?? null;
    const textOfValue = (value: unknown) =>
      field && value !== null ? ledger.model.spec(field).format(value as FieldValue, field, locale) : '';
    return {
      id: r.id,
      ledgerKey: r.ledger_key,
      unitId: String(r.unit_id),
      unitName: r.unit_name,
      period: r.period,
      rowId: r.row_id,
      field: r.field,
      fieldTitle: field ? textOf(field.title, locale) : r.field,
      oldValue: shown(r.old_value),
      newValue: shown(r.new_value),
      oldText: textOfValue(shown(r.old_value)),
      newText: textOfValue(shown(r.new_value)),
      reason: r.reason,
      state: r.state,
      requestedBy: r.requested_by,
      requestedAt: new Date(r.requested_at),
      decidedBy: r.decided_by,
      decidedAt: r.decided_at === null ? null : new Date(r.decided_at),
      rejectReason: r.reject_reason,
      appliedVersion: r.applied_version,
    };
  }
}
