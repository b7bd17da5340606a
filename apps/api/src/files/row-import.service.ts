import type { ImportAnswer, ImportedRow } from '@taizhang/domain';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { textOf, unitFills, type Locale } from '@taizhang/ledger-core';
import type { Principal } from '../identity/principal';
import { RowAccess } from '../ledger-data/row-access.service';
import { RowWriter, MAX_CHANGES } from '../ledger-data/row-writer.service';
import { problem, type RowChange, type RowProblemText } from '../ledger-tables/row-write';
import { RowsException } from '../ledger-tables/rows.exception';
import type { PublishedLedger } from '../ledgers/ledger-registry.service';
import { UnitsService } from '../units/units.service';
import { cellText } from './cell-text';
import { matchColumns } from './column-mapping';
import { FilesException } from './files.exception';
import { useKeptIds, type ImportedCells } from './reference-cells';
import { readSheet, type SheetData } from './sheet-reader';
import { groupBy } from '../common/group-by';

export interface ImportQuery {
  ledger: string;
  unitId?: string | null;
  period?: string | null;
  mode: 'preview' | 'commit';
  /** Save the valid rows even when others are wrong (default: all or nothing). */
  keepValid: boolean;
  mapping: Record<string, string> | null;
  locale: Locale;
}

/**
 * A file's rows into a ledger: the sheet read, its header found and its columns matched, each
 * row's cells as text, then the same batch path as the grid's saveRows (RowWriter: the field
 * types' lenient parse, validateRow, uniques, locked periods, each row's period from its date).
 * A preview is that path's dry run.
 */
@Injectable()
export class RowImport {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: RowAccess,
    private readonly writer: RowWriter,
    private readonly units: UnitsService,
  ) {}

  async run(principal: Principal, query: ImportQuery, bytes: Buffer): Promise<ImportAnswer> {
    // who may write where is settled before the file is read; an admin naming no unit may give
    // each row's unit in a unit column instead (checked below, once the columns are known)
    const clerk = principal.role === 'clerk';
    const anyUnit = !clerk && (query.unitId === null || query.unitId === undefined);
    const { ledger, unitId } = anyUnit
      ? { ...(await this.access.forWriteAcross(principal, query.ledger, null, [])), unitId: null }
      : await this.access.forWrite(principal, query.ledger, query.unitId);
    const model = ledger.model;
    const sheet = await readSheet(bytes);
    const { headerIndex, columns } = matchColumns(model, sheet, query.mapping);
    assertNoMergedCells(sheet, headerIndex);
    const unitColumn = columns.find((c) => c.unit);
    if (unitId === null && !unitColumn) throw RowsException.unitRequired();
    const unitOf = unitColumn ? await this.unitsNamed(principal, ledger, unitId) : null;

    const mapped = columns.filter((c) => c.field !== null);
    const fileRows: (ImportedCells & { rowNumber: number; problems: RowProblemText[]; unit: FileUnit | null })[] = [];
    sheet.rows.forEach((row, index) => {
      if (index <= headerIndex || mapped.every((c) => row[c.index] === null || row[c.index] === undefined)) return;
      const texts: Record<string, string> = {};
      const keptIds: Record<string, string> = {};
      const problems: RowProblemText[] = [];
      for (const c of mapped) {
        const cell = row[c.index] ?? null;
        if (cell !== null && typeof cell === 'object' && 'problem' in cell)
          problems.push({ path: c.field!, message: cell.problem });
        else {
          const text = cellText(cell, model.byKey.get(c.field!)!).trim();
          if (text !== '') (c.part === 'id' ? keptIds : texts)[c.field!] = text;
        }
      }
      let unit: FileUnit | null = null;
      if (unitOf) {
        const cell = row[unitColumn!.index];
        const found = unitOf(cell === null || cell === undefined || typeof cell === 'object' ? '' : String(cell));
        if ('problem' in found) problems.push(found.problem);
        else unit = found;
      }
      fileRows.push({ rowNumber: index + 1, texts, keptIds, problems, unit });
    });
    if (fileRows.length === 0) throw FilesException.empty();
    if (fileRows.length > MAX_CHANGES) throw FilesException.tooManyRows(MAX_CHANGES);
    const shown = new Set(mapped.filter((c) => c.part === undefined).map((c) => c.field!));
    // the kept ids of references are each row's unit's rows
    const byUnit = groupBy(fileRows, (r) => r.unit?.id ?? unitId);
    for (const [id, rows] of byUnit) if (id !== null) await useKeptIds(this.db, model, id, shown, rows);

    // cells that could not be read make their row wrong before the writer sees it
    const readable = fileRows.filter((r) => r.problems.length === 0);
    const refusedEarly = readable.length < fileRows.length;
    // a preview shows each row's own result; a commit is all or nothing unless asked to keep the valid rows
    const allOrNothing = query.mode === 'commit' && !query.keepValid;
    const outcomes = await this.writer.save(
      principal,
      {
        ledger: query.ledger,
        unitId: query.unitId,
        period: query.period,
        // a row with its unit named goes there (one batch across units, one transaction); a clerk's are all his own
        changes: readable.map((r): RowChange => ({
          op: 'INSERT',
          values: r.texts,
          ...(r.unit && !clerk ? { unitId: String(r.unit.id) } : {}),
        })),
        allOrNothing,
        input: 'text',
        dryRun: query.mode === 'preview' || (allOrNothing && refusedEarly),
      },
      'import',
    );

    const byRow = new Map(readable.map((r, i) => [r, outcomes[i]]));
    const localized = (list: RowProblemText[] | undefined) =>
      (list ?? []).map((p) => ({ field: p.path, message: p.message[query.locale] }));
    const rows = fileRows.map((r): ImportedRow => {
      const outcome = byRow.get(r);
      if (!outcome)
        return {
          rowNumber: r.rowNumber,
          status: 'REJECTED',
          values: r.texts,
          errors: localized(r.problems),
          warnings: [],
          ...(r.unit ? { unit: r.unit.shown } : {}),
        };
      const notSaved =
        query.mode === 'commit' && outcome.status === 'VALID'
          ? localized([
              {
                path: '',
                message: {
                  'zh-CN': '文件中其他行有错误，本行未保存',
                  en: 'Not saved: other rows of the file have errors',
                },
              },
            ])
          : [];
      return {
        rowNumber: r.rowNumber,
        status: notSaved.length > 0 ? 'REJECTED' : outcome.status,
        values: outcome.row?.values ?? outcome.values ?? r.texts,
        errors: [...localized(outcome.errors), ...notSaved],
        warnings: localized(outcome.warnings),
        ...(outcome.row ? { id: outcome.row.id } : {}),
        ...(r.unit ? { unit: r.unit.shown } : {}),
      };
    });
    return {
      mode: query.mode,
      sheet: sheet.name,
      headerRow: headerIndex + 1,
      columns: columns.map(({ index: _index, ...c }) => c),
      rows,
      valid: rows.filter((r) => r.status === 'VALID').length,
      saved: rows.filter((r) => r.status === 'SAVED').length,
      rejected: rows.filter((r) => r.status !== 'VALID' && r.status !== 'SAVED').length,
    };
  }

  /**
   * How a unit column's cell names a unit: by its name or its code. An empty cell is the
   * import's own unit (the clerk's, or the admin's unitId), if any. A clerk's file may name only
   * his own unit: any other is the row's error, never a move into that unit; an admin's may name
   * any unit that fills the ledger.
   */
  private async unitsNamed(
    principal: Principal,
    ledger: PublishedLedger,
    defaultUnit: number | null,
  ): Promise<(text: string) => FileUnit | { problem: RowProblemText }> {
    const clerk = principal.role === 'clerk';
    const units = await this.units.list(clerk ? [principal.unitId!] : null);
    const byText = new Map<string, (typeof units)[number]>();
    // a code first, then names (a name that is also another unit's code names that unit by its code)
    for (const u of units) byText.set(normalizeUnit(u.name), u);
    for (const u of units) byText.set(normalizeUnit(u.code), u);
    const byId = new Map(units.map((u) => [u.id, u]));
    const fileUnit = (u: (typeof units)[number]): FileUnit => ({
      id: u.id,
      shown: { id: String(u.id), code: u.code, name: u.name },
    });
    const refuse = (zh: string, en: string) => ({ problem: problem('unitId', zh, en) });
    return (text) => {
      const given = text.trim();
      if (given === '') {
        const own = defaultUnit === null ? undefined : byId.get(defaultUnit);
        return own
          ? fileUnit(own)
          : refuse(
              '「单位」为空：请填写这一行的单位（名称或编码）',
              '"Unit" is empty: give the row\'s unit (its name or code)',
            );
      }
      const unit = byText.get(normalizeUnit(given));
      if (clerk && !unit) {
        const own = byId.get(principal.unitId!);
        return refuse(
          `只能导入本单位（${own?.name ?? ''}）的行，这一行的单位是「${given}」`,
          `Only rows of your own unit (${own?.name ?? ''}) can be imported; this row's unit is "${given}"`,
        );
      }
      if (!unit)
        return refuse(
          `找不到单位「${given}」（请填写单位的名称或编码）`,
          `No unit "${given}" (give a unit's name or code)`,
        );
      if (!unitFills(ledger.definition, unit))
        return refuse(
          `台账「${textOf(ledger.definition.title)}」不由「${unit.name}」填报`,
          `"${textOf(ledger.definition.title, 'en')}" is not filled by "${unit.name}"`,
        );
      return fileUnit(unit);
    };
  }
}

/** A unit as a file names it: its name or code, loose about width and case. */
const normalizeUnit = (text: string) => text.normalize('NFKC').replace(/\s+/g, '').toLowerCase();

/** The unit a file's row goes to, and how the answer shows it. */
interface FileUnit {
  id: number;
  shown: { id: string; code: string; name: string };
}

/** Merged cells are allowed in the title rows above the header only: below, a value would be lost. */
function assertNoMergedCells(sheet: SheetData, headerIndex: number): void {
  const below = sheet.merges.filter((range) => {
    const rowsOf = range.match(/\d+/g)?.map(Number) ?? [];
    return Math.max(...rowsOf) > headerIndex;
  });
  if (below.length > 0) throw FilesException.mergedCells(below.slice(0, 5));
}
