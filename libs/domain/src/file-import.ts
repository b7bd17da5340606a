/**
 * The answer of POST /import/{ledgerKey} (the contract's file endpoint; docs/excel.md): the API
 * writes it, the web app's import preview reads it.
 */
export interface ImportedRow {
  /** The row's number in the file (as Excel shows it). */
  rowNumber: number;
  status: 'VALID' | 'SAVED' | 'REJECTED' | 'CONFLICT';
  /** Saved or valid: the row's values (computed ones included); rejected: the cells as read. */
  values: Record<string, unknown>;
  errors: { field: string; message: string }[];
  warnings: { field: string; message: string }[];
  id?: string;
  /** The row's unit, when the file has a unit column (an import across units; docs/excel.md). */
  unit?: { id: string; code: string; name: string };
}

export interface ImportedColumn {
  /** The column's letter in Excel (A, B, … AA). */
  column: string;
  header: string;
  /** The field it was matched to; null: not imported. */
  field: string | null;
  /** 'id': the column keeps the row ids of the reference `field` (docs/excel.md, "References"). */
  part?: 'id';
  /** The column names each row's unit (by name or code); `field` is null. */
  unit?: true;
}

export interface ImportAnswer {
  mode: 'preview' | 'commit';
  sheet: string;
  headerRow: number;
  columns: ImportedColumn[];
  rows: ImportedRow[];
  valid: number;
  saved: number;
  rejected: number;
}
