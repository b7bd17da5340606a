import { specOf, textOf, type ExcelCell, type FieldValue, type LedgerModel, type Locale } from '@taizhang/ledger-core';
import type { RowRecord } from '../ledger-tables/row-sql';

export type { ExcelCell } from '@taizhang/ledger-core';

/**
 * One column of an exported sheet, whatever the rows are (ledger rows, statistics groups, a
 * board's sheets): its title and width, and how a row becomes a typed xlsx cell or CSV text.
 */
export interface SheetColumn<T> {
  title: string;
  /** Excel's width unit is about one Latin character. */
  width: number;
  /** An Excel number format for typed cells. */
  numFmt?: string;
  excel(row: T): ExcelCell;
  text(row: T): string;
}

/** A ledger row as exported: the row and the name of its unit. */
export interface LedgerExportRow {
  row: RowRecord;
  unitName: string;
}

const PIXELS_PER_CHARACTER = 7;

/** The ledger's fields as columns, with a unit column first when several units are merged. */
export function ledgerColumns(model: LedgerModel, withUnit: boolean, locale: Locale): SheetColumn<LedgerExportRow>[] {
  const unit: SheetColumn<LedgerExportRow>[] = withUnit
    ? [{ title: locale === 'en' ? 'Unit' : '单位', width: 24, excel: (r) => r.unitName, text: (r) => r.unitName }]
    : [];
  return [
    ...unit,
    ...model.fields.map((field): SheetColumn<LedgerExportRow> => {
      const spec = specOf(field);
      const cells = spec.spreadsheet(field);
      // what leaders and exports may not see in full (an identity number) is shown redacted
      const shown = (r: LedgerExportRow): FieldValue => {
        const value = (r.row.values[field.key] ?? null) as FieldValue;
        return spec.redact && value !== null ? spec.redact(value, field) : value;
      };
      return {
        title: textOf(field.title, locale),
        width: Math.max(8, Math.round(spec.grid(field, locale).width / PIXELS_PER_CHARACTER)),
        numFmt: cells.numFmt,
        excel: (r) => cells.cell(shown(r), locale),
        text: (r) => spec.format(shown(r), field, locale),
      };
    }),
  ];
}

/** The sheet's title row: the ledger, the unit, the period or date range. */
export function exportTitle(
  model: LedgerModel,
  unitName: string | null,
  range: { period?: string | null; from?: string | null; to?: string | null },
  locale: Locale,
): string {
  const when = range.period ? range.period : range.from || range.to ? `${range.from ?? ''} ~ ${range.to ?? ''}` : null;
  const unit = unitName ?? (locale === 'en' ? 'All units' : '全部单位');
  return [textOf(model.definition.title, locale), unit, when].filter(Boolean).join('　');
}
