import { useState } from 'react';
import { textOf, type FieldValue, type LedgerModel } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import { importFile, ImportRefused, type ImportAnswer, type ImportedRow, type SheetScope } from './file-endpoints';

interface Props {
  model: LedgerModel;
  scope: SheetScope;
  file: File;
  preview: ImportAnswer;
  onClose(): void;
  onImported(answer: ImportAnswer): void;
}

/** The mapping's target of a unit column (the API's column-mapping.ts). */
const UNIT_COLUMN = '@unit';

/** The preview of an import: the columns it matched, each row's result, then the commit. */
export function ImportDialog({ model, scope, file, preview, onClose, onImported }: Props) {
  const { t, tf, locale, p } = useI18n();
  const [answer, setAnswer] = useState(preview);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [mapping, setMapping] = useState<Record<string, string> | null>(null);
  const fields = model.fields.filter((f) => answer.columns.some((c) => c.field === f.key) || f.formula);
  // a file with a unit column (an import across units): each row's unit as the API found it
  const byUnit = answer.columns.some((c) => c.unit);
  /** The value a column shows in its mapping: its field, the unit, or nothing. */
  const mappedTo = (c: ImportAnswer['columns'][number]) => (c.unit ? UNIT_COLUMN : (c.field ?? ''));
  // a row that passed carries the typed values; a refused one the cells as read
  const show = (row: ImportedRow, key: string) => {
    const field = model.byKey.get(key)!;
    const value = row.values[key] ?? null;
    return row.status === 'VALID' || row.status === 'SAVED'
      ? model.spec(field).format(value as FieldValue, field, locale)
      : String(value ?? '');
  };

  const run = async (options: { mode: 'preview' | 'commit'; keepValid?: boolean; mapping: typeof mapping }) => {
    setBusy(true);
    setFailure(null);
    try {
      const result = await importFile(scope, file, { ...options, locale });
      setAnswer(result);
      if (result.saved > 0) onImported(result);
    } catch (error) {
      setFailure(error instanceof ImportRefused ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };
  const commit = (keepValid: boolean) => run({ mode: 'commit', keepValid, mapping });
  /** The user chose another field for a column: preview again with every column as now shown. */
  const remap = (column: string, field: string) => {
    const next = Object.fromEntries(answer.columns.map((c) => [c.column, c.column === column ? field : mappedTo(c)]));
    setMapping(next);
    void run({ mode: 'preview', mapping: next });
  };

  const committed = answer.mode === 'commit';
  return (
    <div className="import-dialog" role="dialog" aria-labelledby="import-title" data-testid="import-dialog">
      <h3 id="import-title">
        {t('excel.importTitle')} · {file.name}
      </h3>
      <p className="muted">
        {t('excel.headerFound').replace('{row}', String(answer.headerRow))}{' '}
        {answer.columns.map((c) => (
          <label key={c.column} className={c.field || c.unit ? 'import-column' : 'import-column unmatched'}>
            {c.column} {c.header} →{' '}
            <select
              value={mappedTo(c)}
              disabled={busy || committed}
              onChange={(event) => remap(c.column, event.target.value)}
              data-testid={`import-map-${c.column}`}
            >
              <option value="">{t('excel.skipped')}</option>
              <option value={UNIT_COLUMN}>{t('excel.unit')}</option>
              {model.editable.map((f) => (
                <option key={f.key} value={f.key}>
                  {textOf(f.title, locale)}
                </option>
              ))}
            </select>
          </label>
        ))}
      </p>
      <p data-testid="import-summary">
        {committed
          ? tf('excel.savedSummary', { saved: answer.saved, rejected: answer.rejected })
          : tf('excel.previewSummary', { valid: answer.valid, rejected: answer.rejected })}
      </p>
      {failure && (
        <p className="form-error" role="alert">
          {failure}
        </p>
      )}
      <div className="import-rows">
        <table>
          <thead>
            <tr>
              <th>{t('excel.rowNumber')}</th>
              <th>{t('excel.result')}</th>
              {byUnit && <th>{t('excel.unit')}</th>}
              {fields.map((f) => (
                <th key={f.key}>{textOf(f.title, locale)}</th>
              ))}
              <th>{t('excel.problems')}</th>
            </tr>
          </thead>
          <tbody>
            {answer.rows.map((row) => (
              <tr key={row.rowNumber} className={row.errors.length ? 'import-bad' : undefined} data-testid="import-row">
                <td>{row.rowNumber}</td>
                <td>{t(`excel.status.${row.status}`)}</td>
                {byUnit && (
                  <td
                    className={row.errors.some((e) => e.field === 'unitId') ? 'cell-invalid' : undefined}
                    data-testid="import-row-unit"
                  >
                    {row.unit?.name ?? ''}
                  </td>
                )}
                {fields.map((f) => (
                  <td key={f.key} className={row.errors.some((e) => e.field === f.key) ? 'cell-invalid' : undefined}>
                    {show(row, f.key)}
                  </td>
                ))}
                <td>
                  {row.errors
                    .map((e) =>
                      e.field === 'unitId'
                        ? `${t('excel.unit')}${p.colon}${e.message}`
                        : e.field
                          ? `${textOf(model.byKey.get(e.field)?.title, locale) || e.field}${p.colon}${e.message}`
                          : e.message,
                    )
                    .join(p.semi)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="dialog-actions">
        {!committed && (
          <>
            <button
              type="button"
              disabled={busy || answer.valid === 0 || answer.rejected > 0}
              onClick={() => commit(false)}
              data-testid="import-commit"
            >
              {t('excel.commit')}
            </button>
            {answer.rejected > 0 && answer.valid > 0 && (
              <button type="button" disabled={busy} onClick={() => commit(true)} data-testid="import-keep-valid">
                {tf('excel.commitValid', { n: answer.valid })}
              </button>
            )}
          </>
        )}
        <button type="button" onClick={onClose} data-testid="import-close">
          {committed ? t('excel.close') : t('excel.cancel')}
        </button>
      </div>
    </div>
  );
}
