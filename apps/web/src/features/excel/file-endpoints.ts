import type { ImportAnswer } from '@taizhang/domain';
import type { LedgerModel, Locale } from '@taizhang/ledger-core';
import type { SheetScope } from '../grid/grid-backend';

export type { ImportAnswer, ImportedRow } from '@taizhang/domain';
export type { SheetScope } from '../grid/grid-backend';

const query = (entries: Record<string, string | null | undefined>) => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(entries)) if (value) params.set(key, value);
  return params.toString();
};

/**
 * GET /export/{ledger}.{format}: the browser downloads it with the session cookie. `zip`: the
 * workbook and the rows' files in one zip (xlsx only; docs/excel.md).
 */
export function exportUrl(
  scope: SheetScope,
  format: 'xlsx' | 'csv',
  locale: Locale,
  options: { zip?: boolean } = {},
): string {
  return `/export/${encodeURIComponent(scope.ledger)}.${format}?${query({
    unitId: scope.unitId,
    period: scope.period,
    // the interface's language, not the browser's Accept-Language
    lang: locale,
    files: options.zip ? 'zip' : null,
  })}`;
}

/** Whether a ledger has files to export with its rows: a field whose values name files (its type's spreadsheet `links`). */
export const hasFileFields = (model: LedgerModel): boolean =>
  model.fields.some((field) => model.spec(field).spreadsheet(field).links !== undefined);

/** The API's message for a refused file or request (the contract's error shape). */
export class ImportRefused extends Error {}

export async function importFile(
  scope: SheetScope,
  file: File,
  options: {
    mode: 'preview' | 'commit';
    keepValid?: boolean;
    /** The user's choice: column letter → field key ("" to skip the column). */
    mapping?: Record<string, string> | null;
    locale: Locale;
  },
): Promise<ImportAnswer> {
  const form = new FormData();
  form.append('file', file);
  const response = await fetch(
    `/import/${encodeURIComponent(scope.ledger)}?${query({
      unitId: scope.unitId,
      period: scope.period,
      mode: options.mode,
      keepValid: options.keepValid ? 'true' : null,
      mapping: options.mapping ? JSON.stringify(options.mapping) : null,
    })}`,
    {
      method: 'POST',
      body: form,
      credentials: 'same-origin',
      headers: { 'Accept-Language': options.locale },
    },
  );
  const body = (await response.json().catch(() => null)) as (ImportAnswer & { errors?: { message: string }[] }) | null;
  if (!response.ok || !body || body.errors) throw new ImportRefused(body?.errors?.[0]?.message ?? response.statusText);
  return body;
}
