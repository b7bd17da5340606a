import { specOf, textOf, type ExcelCell, type FieldValue, type LedgerModel, type Locale } from '@taizhang/ledger-core';
import type { RowRecord } from '../ledger-tables/row-sql';
import { idColumnTitle, shownReferences } from './reference-cells';

export type { ExcelCell } from '@taizhang/ledger-core';

/**
 * A cell that links to files of the product: the names, one a line, the first file's address as
 * the cell's hyperlink (a cell holds one), and, when there are several, every name and address in
 * the cell's note.
 */
export interface LinkCell {
  text: string;
  hyperlink: string;
  note?: string;
}
export type SheetCell = ExcelCell | LinkCell;

export const isLinkCell = (cell: SheetCell): cell is LinkCell =>
  typeof cell === 'object' && cell !== null && !(cell instanceof Date);

/** Files as a LinkCell, each path under `baseUrl` (the public address, without a trailing slash). */
export function linkCell(links: { text: string; path: string }[], baseUrl: string): LinkCell | null {
  if (links.length === 0) return null;
  const urls = links.map((link) => ({ text: link.text, url: `${baseUrl}${link.path}` }));
  return {
    text: urls.map((u) => u.text).join('\n'),
    hyperlink: urls[0].url,
    ...(urls.length > 1 ? { note: urls.map((u) => `${u.text}\n${u.url}`).join('\n\n') } : {}),
  };
}

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
  /** Hidden in xlsx (a reference's kept ids); CSV has no hidden columns and writes it. */
  hidden?: boolean;
  excel(row: T): SheetCell;
  text(row: T): string;
}

/** A ledger row as exported: the row and the name of its unit. */
export interface LedgerExportRow {
  row: RowRecord;
  unitName: string;
  /**
   * In an export with the files (a zip): for each file field, where each of its files is in the
   * zip, relative to the workbook; the cell links there instead of to the public address.
   */
  files?: Map<string, string[]>;
}

const PIXELS_PER_CHARACTER = 7;

/**
 * The ledger's fields as columns, with a unit column first when several units are merged. A
 * reference shown by a display field is what its row says, and the column after it keeps the
 * row's id (`#12`), so that the file imported again names exactly the same rows. A field whose
 * values name files (the spreadsheet spec's `links`) links each to `<baseUrl><path>` in xlsx, or,
 * in a zip with the files, to the file's path in the zip (the row's `files`); CSV writes the names.
 */
export function ledgerColumns(
  model: LedgerModel,
  withUnit: boolean,
  locale: Locale,
  baseUrl = '',
): SheetColumn<LedgerExportRow>[] {
  const unit: SheetColumn<LedgerExportRow>[] = withUnit
    ? [{ title: locale === 'en' ? 'Unit' : '单位', width: 24, excel: (r) => r.unitName, text: (r) => r.unitName }]
    : [];
  const byDisplay = new Set(shownReferences(model));
  return [
    ...unit,
    ...model.fields.flatMap((field): SheetColumn<LedgerExportRow>[] => {
      const spec = specOf(field);
      const width = Math.max(8, Math.round(spec.grid(field, locale).width / PIXELS_PER_CHARACTER));
      if (byDisplay.has(field)) {
        // the id as the reference type writes it ("#12"), which its parse reads back
        const id = (r: LedgerExportRow) => spec.format((r.row.values[field.key] ?? null) as FieldValue, field, locale);
        // a target whose display field is empty is shown by its id, as the grid shows it
        const says = (r: LedgerExportRow) => r.row.display?.[field.key] || id(r);
        return [
          { title: textOf(field.title, locale), width, excel: says, text: says },
          { title: idColumnTitle(field, locale), width: 10, hidden: true, excel: id, text: id },
        ];
      }
      const cells = spec.spreadsheet(field);
      // what leaders and exports may not see in full (an identity number) is shown redacted
      const shown = (r: LedgerExportRow): FieldValue => {
        const value = (r.row.values[field.key] ?? null) as FieldValue;
        return spec.redact && value !== null ? spec.redact(value, field) : value;
      };
      return [
        {
          title: textOf(field.title, locale),
          width,
          numFmt: cells.numFmt,
          excel: (r) => {
            const value = shown(r);
            if (!cells.links || value === null) return cells.cell(value, locale);
            const links = cells.links(value);
            const inZip = r.files?.get(field.key);
            return inZip
              ? linkCell(
                  links.map((link, i) => ({ text: link.text, path: inZip[i] })),
                  '',
                )
              : linkCell(links, baseUrl);
          },
          text: (r) => spec.format(shown(r), field, locale),
        },
      ];
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
