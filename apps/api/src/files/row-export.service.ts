import path from 'node:path';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import type { DataSource } from 'typeorm';
import {
  ledgerDateField,
  ledgerDaySql,
  quoteIdent,
  strictDate,
  textOf,
  type LedgerModel,
  type Locale,
} from '@taizhang/ledger-core';
import type { Principal } from '../identity/principal';
import { logger } from '../common/http/logger';
import { RowAccess } from '../ledger-data/row-access.service';
import { readInUnitScope } from '../ledger-tables/row-scope';
import { rowColumns, rowFromDb, tableOf } from '../ledger-tables/row-sql';
import { rowConditions } from '../ledger-tables/row-filter';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.token';
import { SettingsService } from '../config/settings.service';
import { AttachmentsService } from '../attachments/attachments.service';
import { UnitsService } from '../units/units.service';
import { exportTitle, ledgerColumns, type LedgerExportRow } from './export-layout';
import { FilesException } from './files.exception';
import { ExportZip, sweepExportTemp } from './export-zip';
import { FIRST_DATA_ROW, startDownload, xlsxWriter, type SheetFormat, type SheetWriter } from './sheet-writers';

export interface ExportQuery {
  ledger: string;
  format: SheetFormat;
  unitId?: string | null;
  period?: string | null;
  from?: string | null;
  to?: string | null;
  filter?: unknown;
  locale: Locale;
  /** The request's own origin (`https://host`): the address of file links when no public address is set. */
  origin: string;
  /** `zip`: the workbook and the rows' files in one zip, the cells linking to the files in it (xlsx only). */
  files?: 'zip' | null;
}

/** Rows fetched from the cursor at a time: the most an export holds in memory. */
const BATCH = 1000;

/** How old a zip's temp workbook must be for the sweep at start to take it for a crash's leftover. */
const TEMP_MAX_AGE_MS = 3_600_000;

/**
 * A ledger's rows as a file, streamed: read through a server-side cursor in the caller's unit
 * scope (the same access check, conditions and row-level security as `rows`), written batch by
 * batch to the response, waiting whenever the client is slower than the database.
 */
@Injectable()
export class RowExport implements OnModuleInit {
  /** Where a zip's workbook is written while the files go into the zip: `DATA_DIR/exports`. */
  private readonly tempRoot: string;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: RowAccess,
    private readonly units: UnitsService,
    private readonly settings: SettingsService,
    private readonly attachments: AttachmentsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.tempRoot = path.join(config.dataDir, 'exports');
  }

  async onModuleInit(): Promise<void> {
    await sweepExportTemp(this.tempRoot, TEMP_MAX_AGE_MS);
  }

  async send(principal: Principal, query: ExportQuery, res: Response): Promise<void> {
    if (query.files === 'zip' && query.format !== 'xlsx') throw FilesException.zipOfXlsxOnly();
    const { ledger, scope } = await this.access.forRead(principal, query.ledger, query.unitId);
    const model = ledger.model;
    const params: unknown[] = [];
    const where = rowConditions(model, scope, query, params);
    const dateColumn = this.dateRange(model, query, params, where);
    const singleUnit = 'units' in scope && scope.units.length === 1 ? scope.units[0] : null;
    const unitName = singleUnit === null ? null : (await this.units.findById(singleUnit)).name;
    // attachment cells link to <public address>/attachments/<handle>: the admin's address, else the request's
    const baseUrl = ((await this.settings.publicBaseUrl()).url ?? query.origin).replace(/\/+$/, '');
    const columns = ledgerColumns(model, singleUnit === null, query.locale, baseUrl);
    const title = exportTitle(model, unitName, query, query.locale);
    const order = ['t.unit_id', ...(dateColumn ? [dateColumn] : []), 't.id'].join(', ');
    const sql = `SELECT ${rowColumns(model)}, u.name AS _unit_name FROM ${tableOf(model)} t JOIN units u ON u.id = t.unit_id
                  WHERE ${where.join(' AND ')} ORDER BY ${order}`;

    let clientGone = false;
    res.on('close', () => (clientGone = !res.writableFinished));
    let writer: SheetWriter<LedgerExportRow> | null = null;
    let zip: ExportZip | null = null;
    try {
      await readInUnitScope(this.db, scope, async (tx) => {
        await tx.query(`DECLARE export_rows NO SCROLL CURSOR FOR ${sql}`, params);
        const fullName = [textOf(model.definition.title, query.locale), unitName, query.period]
          .filter(Boolean)
          .join('-');
        const names = { ascii: model.definition.key, full: fullName };
        const layout = { title, sheetName: textOf(model.definition.title, query.locale), columns };
        if (query.files === 'zip') {
          // the files go into the zip as their rows come; the workbook, written beside, goes in last
          zip = await ExportZip.start(res, this.attachments.store, model, query.locale, names, this.tempRoot);
          writer = xlsxWriter<LedgerExportRow>(zip.workbook, layout);
        } else {
          writer = startDownload(res, query.format, names, layout);
        }
        let line = FIRST_DATA_ROW;
        for (;;) {
          const batch = (await tx.query(`FETCH ${BATCH} FROM export_rows`)) as Record<string, unknown>[];
          for (const raw of batch) {
            const record: LedgerExportRow = { row: rowFromDb(model, raw), unitName: String(raw._unit_name) };
            if (zip) record.files = await zip.addRow(record, line);
            line += 1;
            writer.add(record);
          }
          if (clientGone) return;
          await writer.drained();
          if (batch.length < BATCH) break;
        }
        await tx.query('CLOSE export_rows');
      });
      if (!clientGone) {
        await (writer as SheetWriter<LedgerExportRow> | null)?.end();
        await (zip as ExportZip | null)?.end();
      } else (zip as ExportZip | null)?.abort();
    } catch (error) {
      (zip as ExportZip | null)?.abort();
      // before the first byte our errors are answers (the exception filter); after it, the file is cut
      if (!res.headersSent) throw error;
      if (clientGone) return;
      logger.error({ err: error, ledger: query.ledger }, 'export failed after it had started');
      res.destroy(error as Error);
    }
  }

  /** from/to on the ledger's date (ledger-core's ledgerDateField: one rule with statistics). */
  private dateRange(model: LedgerModel, query: ExportQuery, params: unknown[], where: string[]): string | null {
    const field = ledgerDateField(model);
    const column = field ? `t.${quoteIdent(field.key)}` : null;
    for (const [name, operator] of [
      ['from', '>='],
      ['to', '<='],
    ] as const) {
      const value = query[name];
      if (value === null || value === undefined || value === '') continue;
      if (strictDate(value) === null) throw FilesException.badDate(name);
      params.push(value);
      // a datetime by its Shanghai calendar day; a ledger without dates by the day a row was made
      where.push(`${ledgerDaySql(model, 't')} ${operator} $${params.length}::date`);
    }
    return column;
  }
}
