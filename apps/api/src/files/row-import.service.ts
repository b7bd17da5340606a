import type { ImportAnswer, ImportedRow } from '@taizhang/domain';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Locale } from '@taizhang/ledger-core';
import type { Principal } from '../identity/principal';
import { RowAccess } from '../ledger-data/row-access.service';
import { RowWriter, MAX_CHANGES } from '../ledger-data/row-writer.service';
import type { RowChange, RowProblemText } from '../ledger-tables/row-write';
import { cellText } from './cell-text';
import { matchColumns } from './column-mapping';
import { FilesException } from './files.exception';
import { useKeptIds, type ImportedCells } from './reference-cells';
import { readSheet, type SheetData } from './sheet-reader';

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
  ) {}

  async run(principal: Principal, query: ImportQuery, bytes: Buffer): Promise<ImportAnswer> {
    // who may write where is settled before the file is read
    const { ledger, unitId } = await this.access.forWrite(principal, query.ledger, query.unitId);
    const model = ledger.model;
    const sheet = await readSheet(bytes);
    const { headerIndex, columns } = matchColumns(model, sheet, query.mapping);
    assertNoMergedCells(sheet, headerIndex);

    const mapped = columns.filter((c) => c.field !== null);
    const fileRows: (ImportedCells & { rowNumber: number; problems: RowProblemText[] })[] = [];
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
      fileRows.push({ rowNumber: index + 1, texts, keptIds, problems });
    });
    if (fileRows.length === 0) throw FilesException.empty();
    if (fileRows.length > MAX_CHANGES) throw FilesException.tooManyRows(MAX_CHANGES);
    const shown = new Set(mapped.filter((c) => c.part === undefined).map((c) => c.field!));
    await useKeptIds(this.db, model, unitId, shown, fileRows);

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
        changes: readable.map((r): RowChange => ({ op: 'INSERT', values: r.texts })),
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
}

/** Merged cells are allowed in the title rows above the header only: below, a value would be lost. */
function assertNoMergedCells(sheet: SheetData, headerIndex: number): void {
  const below = sheet.merges.filter((range) => {
    const rowsOf = range.match(/\d+/g)?.map(Number) ?? [];
    return Math.max(...rowsOf) > headerIndex;
  });
  if (below.length > 0) throw FilesException.mergedCells(below.slice(0, 5));
}
