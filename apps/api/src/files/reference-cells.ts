import type { DataSource } from 'typeorm';
import {
  quoteIdent,
  specOf,
  tableNameOf,
  textOf,
  type FieldDefinition,
  type LedgerModel,
  type Locale,
} from '@taizhang/ledger-core';
import { readInUnitScope } from '../ledger-tables/row-scope';
import { displayedReferences } from '../ledger-tables/row-sql';

/**
 * References in files (docs/excel.md, "References"): a reference column shows what its row says
 * (the case number), and a second column beside it keeps the row's id as `#12` — hidden in xlsx,
 * a plain column in CSV — so that a file imported back names exactly the rows it named, even
 * when two rows say the same thing.
 */

/** The reference fields whose rows are read with a display text (row-sql.ts): those get a kept-id column. */
export function shownReferences(model: LedgerModel): FieldDefinition[] {
  return displayedReferences(model).map(({ key }) => model.byKey.get(key)!);
}

/** The title of the column keeping a reference's ids: the field's title and what the column holds. */
export function idColumnTitle(field: FieldDefinition, locale: Locale): string {
  return locale === 'en' ? `${textOf(field.title, 'en')} (row id)` : `${textOf(field.title, 'zh-CN')}（引用行号）`;
}

/** The id a kept-id cell holds ("#12", or "12" if a spreadsheet dropped the sign), else null. */
const keptId = (text: string | undefined): string | null => /^#?(\d{1,15})$/.exec(text?.trim() ?? '')?.[1] ?? null;

/** An imported row's cells as text by field, and the kept ids of its reference fields. */
export interface ImportedCells {
  texts: Record<string, string>;
  keptIds: Record<string, string>;
}

/**
 * Gives each imported reference the kept `#id` when the file still shows what that row says (the
 * row as exported: exact even when the text is ambiguous); when someone changed the shown text
 * they chose another row, and the text is resolved as typed; an emptied shown cell is no
 * reference; a file with only the id column gives the id. `shown`: the fields whose shown column
 * the file has.
 */
export async function useKeptIds(
  db: DataSource,
  model: LedgerModel,
  unitId: number,
  shown: Set<string>,
  rows: ImportedCells[],
): Promise<void> {
  for (const field of shownReferences(model)) {
    const target = specOf(field).target!(field)!;
    const kept = new Map<ImportedCells, string>();
    for (const row of rows) {
      const id = keptId(row.keptIds[field.key]);
      if (id !== null) kept.set(row, id);
    }
    if (kept.size === 0) continue;
    // what each kept row says now (a deleted one too: the write pipeline then says it was deleted)
    const found = await readInUnitScope(db, { units: [unitId] }, (tx) =>
      tx.query<{ id: string; label: string | null }>(
        `SELECT id::text, ${quoteIdent(target.display!)}::text AS label FROM ${quoteIdent(tableNameOf(target.ledger))}
          WHERE unit_id = $1 AND id = ANY($2::bigint[])`,
        [unitId, [...new Set(kept.values())]],
      ),
    );
    const says = new Map(found.map((r) => [r.id, r.label]));
    for (const [row, id] of kept) {
      const label = row.texts[field.key];
      if (!shown.has(field.key) || (label !== undefined && says.get(id) === label))
        row.texts[field.key] = model.spec(field).format(Number(id), field, 'zh-CN');
    }
  }
}
