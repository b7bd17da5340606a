import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { textOf, type Locale, type MeasureDefinition } from '@taizhang/ledger-core';
import { SHEET_STATE_LABELS } from '@taizhang/domain';
import { shanghaiMinuteText, shanghaiWallTime } from '../common/time/shanghai';
import type { Principal } from '../identity/principal';
import { LedgerAccess } from '../ledgers/ledger-access.service';
import type { SheetModel } from '../reporting/sheet.model';
import { SheetsService } from '../reporting/sheets.service';
import type { StatisticsModel } from '../statistics/statistics.model';
import { StatisticsService, type StatisticsQuery } from '../statistics/statistics.service';
import type { SheetColumn } from './export-layout';
import { sendTable, type SheetFormat } from './sheet-writers';

const text = (locale: Locale, zh: string, en: string) => (locale === 'en' ? en : zh);

/** The dimensions every ledger has (statistics.service.ts), titled for a header row. */
const BUILT_IN_DIMENSIONS: Record<string, [string, string]> = {
  unit: ['单位', 'Unit'],
  unitKind: ['单位类型', 'Unit kind'],
  day: ['日期', 'Day'],
  week: ['周', 'Week'],
  month: ['月份', 'Month'],
};

const PART_TITLES: Record<RatePart, [string, string]> = {
  numerator: ['（分子）', ' (numerator)'],
  denominator: ['（分母）', ' (denominator)'],
};

type RatePart = 'numerator' | 'denominator';

/**
 * The measures a statistics file shows, in order: each one asked for, and after a rate (kind
 * ratio) its numerator and denominator measures, so that 满意率 is read with 满意量（分子） and
 * 回访量（分母）. A part asked for on its own is shown once, beside its rate. A part that is a field
 * rather than a measure (the language allows it) has no statistics of its own and is left out.
 */
export function rateLayout(
  measures: readonly MeasureDefinition[],
  asked: readonly string[],
): { measure: string; part?: RatePart }[] {
  const byKey = new Map(measures.map((m) => [m.key, m]));
  const parts = new Set<string>();
  for (const key of asked) {
    const m = byKey.get(key);
    if (m?.kind === 'ratio') for (const part of [m.numerator, m.denominator]) if (byKey.has(part)) parts.add(part);
  }
  return asked.flatMap((key) => {
    const m = byKey.get(key);
    if (m?.kind === 'ratio')
      return [
        { measure: key },
        ...(byKey.has(m.numerator) ? [{ measure: m.numerator, part: 'numerator' as const }] : []),
        ...(byKey.has(m.denominator) ? [{ measure: m.denominator, part: 'denominator' as const }] : []),
      ];
    return parts.has(key) ? [] : [{ measure: key }];
  });
}

/** An instant as an Excel date cell: Shanghai wall time (Excel has no time zones). */
const wallTime = (date: Date | null) => (date ? shanghaiWallTime(date) : null);
const wallTimeText = (date: Date | null) => (date ? shanghaiMinuteText(date) : '');

type StatisticsRow = { index: number } | { total: true };

/**
 * The statistics view and the submission board as files. Both are answers of their own services
 * (with their own access rules: a clerk gets their unit), small enough to be written whole.
 */
@Injectable()
export class TableExport {
  constructor(
    private readonly ledgers: LedgerAccess,
    private readonly statistics: StatisticsService,
    private readonly sheets: SheetsService,
  ) {}

  async sendStatistics(
    principal: Principal,
    query: StatisticsQuery,
    format: SheetFormat,
    locale: Locale,
    res: Response,
  ): Promise<void> {
    const ledger = await this.ledgers.readableLedger(principal, query.ledger);
    const definition = ledger.definition;
    // a rate is read with what it rests on: its numerator and denominator beside it
    const layout = rateLayout(definition.measures ?? [], query.measures);
    const answer: StatisticsModel = await this.statistics.statistics(
      principal,
      { ...query, measures: layout.map((c) => c.measure) },
      locale,
    );
    // the answer's columns follow the measures asked for, a distribution giving one per option
    let at = -1;
    const parts = answer.valueColumns.map((column) => {
      const continues = column.measure.includes(':') && layout[at]?.measure === column.measure.split(':')[0];
      if (!continues || at < 0) at += 1;
      return layout[at]?.part;
    });
    const measureFormat = (key: string) => definition.measures?.find((m) => m.key === key.split(':')[0])?.format;
    const isTotal = (row: StatisticsRow): row is { total: true } => 'total' in row;
    const totals = new Map(answer.totals.map((t) => [t.measure, t.value]));

    const keyColumns = answer.keyColumns.map((column, position): SheetColumn<StatisticsRow> => {
      const declared = definition.dimensions?.find((d) => d.key === column.dimension);
      const builtIn = BUILT_IN_DIMENSIONS[column.dimension];
      const labels = new Map(column.labels.map((l) => [l.value, l.label]));
      const cell = (row: StatisticsRow) => {
        if (isTotal(row)) return position === 0 ? text(locale, '合计', 'Total') : '';
        const value = column.values[row.index];
        return value === null ? '' : (labels.get(value) ?? value);
      };
      return {
        title: declared ? textOf(declared.title, locale) : builtIn ? text(locale, ...builtIn) : column.dimension,
        width: column.dimension === 'unit' ? 24 : 14,
        excel: cell,
        text: cell,
      };
    });
    const valueColumns = answer.valueColumns.map((column, i): SheetColumn<StatisticsRow> => {
      const part = parts[i];
      const percent = !part && measureFormat(column.measure) === 'percent';
      const value = (row: StatisticsRow) =>
        isTotal(row) ? (totals.get(column.measure) ?? null) : (column.values[row.index] ?? null);
      return {
        title: part ? `${column.title}${text(locale, ...PART_TITLES[part])}` : column.title,
        width: 14,
        numFmt: percent ? '0.0%' : undefined,
        excel: value,
        text: (row) => {
          const v = value(row);
          return v === null ? '' : percent ? `${Number((v * 100).toFixed(1))}%` : String(v);
        },
      };
    });
    const count = answer.valueColumns[0]?.values.length ?? answer.keyColumns[0]?.values.length ?? 0;
    const rows: StatisticsRow[] = [...Array.from({ length: count }, (_, index) => ({ index })), { total: true }];
    const range = query.from || query.to ? `${query.from ?? ''} ~ ${query.to ?? ''}` : '';
    const title = [textOf(definition.title, locale), text(locale, '统计', 'statistics'), range].filter(Boolean);
    await sendTable(
      res,
      format,
      { ascii: `${definition.key}-statistics`, full: title.join('-') },
      {
        title: title.join('　'),
        sheetName: text(locale, '统计', 'Statistics'),
        columns: [...keyColumns, ...valueColumns],
      },
      rows,
    );
  }

  async sendBoard(
    principal: Principal,
    ledgerKey: string,
    period: string,
    format: SheetFormat,
    locale: Locale,
    res: Response,
  ): Promise<void> {
    const ledger = await this.ledgers.readableLedger(principal, ledgerKey);
    const board = await this.sheets.board(principal, ledgerKey, period);
    const columns: SheetColumn<SheetModel>[] = [
      { title: text(locale, '单位', 'Unit'), width: 28, excel: (s) => s.unit.name, text: (s) => s.unit.name },
      {
        title: text(locale, '状态', 'State'),
        width: 16,
        // the board's own words (草稿, 未开始…): one list for the screen and the file
        excel: (s) => SHEET_STATE_LABELS[s.state][locale],
        text: (s) => SHEET_STATE_LABELS[s.state][locale],
      },
      {
        title: text(locale, '提交时间', 'Submitted at'),
        width: 18,
        numFmt: 'yyyy-mm-dd hh:mm',
        excel: (s) => wallTime(s.submittedAt),
        text: (s) => wallTimeText(s.submittedAt),
      },
      {
        title: text(locale, '截止时间', 'Due'),
        width: 18,
        numFmt: 'yyyy-mm-dd hh:mm',
        excel: (s) => wallTime(s.deadline),
        text: (s) => wallTimeText(s.deadline),
      },
      {
        title: text(locale, '行数', 'Rows'),
        width: 8,
        numFmt: '0',
        excel: (s) => s.rowCount,
        text: (s) => String(s.rowCount),
      },
      {
        title: text(locale, '退回原因', 'Reason returned'),
        width: 30,
        excel: (s) => s.returnedReason ?? '',
        text: (s) => s.returnedReason ?? '',
      },
    ];
    const title = [textOf(ledger.definition.title, locale), text(locale, '报送情况', 'submissions'), period];
    await sendTable(
      res,
      format,
      { ascii: `${ledger.key}-board-${period}`, full: title.join('-') },
      { title: title.join('　'), sheetName: text(locale, '报送情况', 'Submissions'), columns },
      board.sheets,
    );
  }
}
