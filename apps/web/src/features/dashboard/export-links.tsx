import { useI18n } from '../../i18n/i18n';

/** Links to the same numbers as a file (the API's /export endpoints: xlsx, CSV with BOM). */
export function ExportLinks({ path, params }: { path: string; params: Record<string, string | null | undefined> }) {
  const { t, locale } = useI18n();
  const query = new URLSearchParams(
    Object.entries({ ...params, lang: locale === 'en' ? 'en' : null }).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '',
    ),
  ).toString();
  return (
    <span className="export-links">
      <a href={`/export/${path}.xlsx?${query}`} download>
        {t('dashboard.exportXlsx')}
      </a>
      <a href={`/export/${path}.csv?${query}`} download>
        CSV
      </a>
    </span>
  );
}
