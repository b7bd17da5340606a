import { useRef, useState } from 'react';
import type { LedgerModel } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import {
  exportUrl,
  hasFileFields,
  importFile,
  ImportRefused,
  type ImportAnswer,
  type SheetScope,
} from './file-endpoints';
import { ImportDialog } from './import-dialog';

interface Props {
  model: LedgerModel;
  scope: SheetScope;
  /** Import writes rows: only where the grid may be written. */
  canImport: boolean;
  onImported(): void;
}

/** Export the sheet to Excel or CSV, import a file into it, print it. */
export function ExcelToolbar({ model, scope, canImport, onImported }: Props) {
  const { t, locale } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const [pending, setPending] = useState<{ file: File; preview: ImportAnswer } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  // a ledger whose rows carry their own date imports them into their own periods
  const importScope = model.definition.periodField ? { ...scope, period: null } : scope;

  const choose = async (file: File | undefined) => {
    if (input.current) input.current.value = '';
    if (!file) return;
    setFailure(null);
    try {
      setPending({ file, preview: await importFile(importScope, file, { mode: 'preview', locale }) });
    } catch (error) {
      setFailure(error instanceof ImportRefused ? error.message : String(error));
    }
  };

  const printQuery = new URLSearchParams();
  if (scope.unitId) printQuery.set('unitId', scope.unitId);
  if (scope.period) printQuery.set('period', scope.period);
  return (
    <span className="excel-toolbar">
      <a className="button-link" href={exportUrl(scope, 'xlsx', locale)} download data-testid="export-xlsx">
        {t('excel.exportXlsx')}
      </a>
      {hasFileFields(model) && (
        <a
          className="button-link"
          href={exportUrl(scope, 'xlsx', locale, { zip: true })}
          download
          data-testid="export-zip"
        >
          {t('excel.exportZip')}
        </a>
      )}
      <a className="button-link" href={exportUrl(scope, 'csv', locale)} download data-testid="export-csv">
        {t('excel.exportCsv')}
      </a>
      <a
        className="button-link"
        href={`/ledgers/${model.definition.key}/print?${printQuery}`}
        target="_blank"
        rel="noreferrer"
      >
        {t('excel.print')}
      </a>
      {canImport && (
        <>
          <button type="button" onClick={() => input.current?.click()} data-testid="import-button">
            {t('excel.import')}
          </button>
          <input
            ref={input}
            type="file"
            hidden
            accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
            onChange={(event) => void choose(event.target.files?.[0])}
            data-testid="import-file"
          />
        </>
      )}
      {failure && (
        <span className="form-error" role="alert" data-testid="import-error">
          {failure}
        </span>
      )}
      {pending && (
        <ImportDialog
          model={model}
          scope={importScope}
          file={pending.file}
          preview={pending.preview}
          onClose={() => setPending(null)}
          onImported={onImported}
        />
      )}
    </span>
  );
}
