import { message, textOf, type FieldDefinition, type LedgerModel } from '@taizhang/ledger-core';
import { FilesException } from './files.exception';
import { idColumnTitle, shownReferences } from './reference-cells';
import type { SheetCell, SheetData } from './sheet-reader';

/** A column of the file and the field it fills (null: not imported). */
export interface MappedColumn {
  /** 0-based. */
  index: number;
  /** The column's letter in Excel (A, B, … AA). */
  column: string;
  header: string;
  field: string | null;
  /** 'id': the column keeps the ids of the reference `field` (reference-cells.ts), not what it shows. */
  part?: 'id';
  /** The column names each row's unit (by name or code; `field` is null): an import across units. */
  unit?: true;
}

/** The mapping's target for the column that names each row's unit (docs/excel.md, "Across units"). */
export const UNIT_COLUMN = '@unit';

export interface HeaderMatch {
  /** 0-based index of the header row in the sheet. */
  headerIndex: number;
  columns: MappedColumn[];
}

/** How far down a title block may push the header. */
const HEADER_SEARCH_ROWS = 20;

/** "当日办件量 *", "Cases today" and "cases" all name one field. */
const normalize = (text: string) =>
  text
    .normalize('NFKC')
    .replace(/[\s*＊:：]/g, '')
    .toLowerCase();

/** The headers of a unit column: the export's own (单位 / Unit first when several units are merged), and its usual variants. */
const UNIT_HEADERS = new Set(
  ['单位', '单位名称', '单位编码', '填报单位', 'unit', 'unitname', 'unitcode'].map(normalize),
);

const isColumnReference = (key: string) => /^([A-Z]{1,3}|\d{1,3})$/.test(key);

export const columnLetter = (index: number): string =>
  index < 26 ? String.fromCharCode(65 + index) : columnLetter(Math.floor(index / 26) - 1) + columnLetter(index % 26);

const headerText = (cell: SheetCell | undefined): string =>
  cell === null || cell === undefined || typeof cell === 'object' ? '' : String(cell).trim();

/**
 * Finds the header row — the one among the first rows that names the most fields (by title in
 * either language, or by key), so title rows above it are skipped — and maps its columns to
 * fields. The user's `mapping` (column letter, 1-based number or header text → field key, or ""
 * to skip a column) overrides what the titles say.
 */
export function matchColumns(
  model: LedgerModel,
  sheet: SheetData,
  mapping: Record<string, string> | null,
): HeaderMatch {
  const names = new Map<string, FieldDefinition>();
  for (const field of model.fields) {
    for (const name of [textOf(field.title, 'zh-CN'), textOf(field.title, 'en'), field.key])
      names.set(normalize(name), field);
  }
  // a reference's kept-id column, known by its title in either language
  const idColumns = new Map<string, FieldDefinition>();
  for (const field of shownReferences(model)) {
    for (const locale of ['zh-CN', 'en'] as const) idColumns.set(normalize(idColumnTitle(field, locale)), field);
  }
  for (const target of Object.values(mapping ?? {})) {
    if (target !== '' && target !== UNIT_COLUMN && !model.byKey.has(target))
      throw FilesException.badMapping(message(`未知字段「${target}」`, `Unknown field "${target}"`));
  }
  // keys that name a header by its text (not by column letter or number) help find the header row
  const mappedHeaders = new Set(
    Object.keys(mapping ?? {})
      .filter((key) => !isColumnReference(key))
      .map(normalize),
  );

  let best = { index: -1, score: 0 };
  sheet.rows.slice(0, HEADER_SEARCH_ROWS).forEach((row, index) => {
    const texts = row.map((cell) => normalize(headerText(cell))).filter((text) => text !== '');
    const fields = texts.filter((text) => names.has(text) || idColumns.has(text) || mappedHeaders.has(text)).length;
    // a unit header helps find the row that names fields, never stands for one
    const score = fields === 0 ? 0 : fields + texts.filter((text) => UNIT_HEADERS.has(text) && !names.has(text)).length;
    if (score > best.score) best = { index, score };
  });
  if (best.index < 0) {
    const examples = model.fields
      .slice(0, 3)
      .map((f) => `「${textOf(f.title)}」`)
      .join('、');
    throw FilesException.noHeader(examples);
  }

  const header = sheet.rows[best.index];
  const columns: MappedColumn[] = Array.from(header, (cell, index) => {
    const text = headerText(cell);
    const letter = columnLetter(index);
    const chosen = mapping
      ? (mapping[letter] ??
        mapping[String(index + 1)] ??
        Object.entries(mapping).find(([k]) => k !== '' && normalize(k) === normalize(text))?.[1])
      : undefined;
    // a field's own title wins over a unit header (a ledger may have a field called 单位)
    if (
      chosen === UNIT_COLUMN ||
      (chosen === undefined && UNIT_HEADERS.has(normalize(text)) && !names.has(normalize(text)))
    )
      return { index, column: letter, header: text, field: null, unit: true as const };
    const keepsIdsOf = idColumns.get(normalize(text))?.key;
    const field = chosen !== undefined ? chosen || null : (names.get(normalize(text))?.key ?? keepsIdsOf ?? null);
    // the id column goes with its field: mapped to that field (as the import preview sends it back), it keeps its ids
    const part = field !== null && field === keepsIdsOf ? { part: 'id' as const } : {};
    return { index, column: letter, header: text, field, ...part };
  }).filter((c) => c.header !== '' || c.field !== null || c.unit);

  const units = columns.filter((c) => c.unit);
  if (units.length > 1)
    throw FilesException.badMapping(
      message(
        `第 ${units[0].column} 列和第 ${units[1].column} 列都是单位列`,
        `Columns ${units[0].column} and ${units[1].column} both name the unit`,
      ),
    );
  const seen = new Map<string, string>();
  for (const c of columns) {
    if (c.field === null) continue;
    const filled = c.part ? `${c.field}#${c.part}` : c.field;
    if (seen.has(filled))
      throw FilesException.badMapping(
        message(
          `第 ${seen.get(filled)} 列和第 ${c.column} 列都对应字段「${c.field}」`,
          `Columns ${seen.get(filled)} and ${c.column} both fill "${c.field}"`,
        ),
      );
    seen.set(filled, c.column);
  }
  return { headerIndex: best.index, columns };
}
