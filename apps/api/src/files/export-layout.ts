import {
  FIELD_TYPE_REGISTRY,
  textOf,
  type FieldDefinition,
  type FieldType,
  type FieldValue,
  type LedgerModel,
  type Locale,
} from '@taizhang/ledger-core';
import type { RowRecord } from '../rows/row-sql';

/** What a typed xlsx cell holds. */
export type ExcelCell = string | number | boolean | Date | null;

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
    ...model.fields.map((field): SheetColumn<LedgerExportRow> => ({
      title: textOf(field.title, locale),
      width: Math.max(8, Math.round(FIELD_TYPE_REGISTRY[field.type].grid(field, locale).width / PIXELS_PER_CHARACTER)),
      numFmt: numberFormatOf(field),
      excel: (r) => excelCell(field, (r.row.values[field.key] ?? null) as FieldValue, locale),
      text: (r) => csvText(field, (r.row.values[field.key] ?? null) as FieldValue, locale),
    })),
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

function numberFormatOf(field: FieldDefinition): string | undefined {
  const type: FieldType = field.type;
  switch (type) {
    case 'integer':
      return '0';
    case 'decimal':
      return field.scale === 0 ? '0' : `0.${'0'.repeat(field.scale ?? 2)}`;
    case 'percent':
      return `0.${'0'.repeat(field.scale ?? 2)}%`;
    case 'date':
      return 'yyyy-mm-dd';
    case 'datetime':
      return 'yyyy-mm-dd hh:mm';
    case 'text':
    case 'longtext':
    case 'time':
    case 'choice':
    case 'multichoice':
    case 'boolean':
    case 'phone':
    case 'reference':
      return undefined;
    default:
      return exhaustive(type);
  }
}

const SHANGHAI_MS = 8 * 3_600_000;

/**
 * A value as a typed Excel cell: numbers stay numbers (a percent the fraction, shown by its
 * format), dates and datetimes become date cells (Shanghai wall time; Excel has no time zones),
 * everything else the field type's own display text.
 */
function excelCell(field: FieldDefinition, value: FieldValue, locale: Locale): ExcelCell {
  if (value === null) return null;
  const type: FieldType = field.type;
  switch (type) {
    case 'integer':
    case 'decimal':
    case 'percent':
      return Number(value);
    case 'date':
      return new Date(`${String(value)}T00:00:00Z`);
    case 'datetime':
      return new Date(Date.parse(String(value)) + SHANGHAI_MS);
    case 'text':
    case 'longtext':
    case 'time':
    case 'choice':
    case 'multichoice':
    case 'boolean':
    case 'phone':
    case 'reference':
      return FIELD_TYPE_REGISTRY[type].format(value, field, locale);
    default:
      return exhaustive(type);
  }
}

/** The same value as CSV text: the field type's display format. */
const csvText = (field: FieldDefinition, value: FieldValue, locale: Locale): string =>
  FIELD_TYPE_REGISTRY[field.type].format(value, field, locale);

function exhaustive(type: never): never {
  throw new Error(`unhandled field type ${String(type)}`);
}
