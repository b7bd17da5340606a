import { useI18n } from '../../i18n/i18n';

/** The key (an identifier) and the Chinese title every item of a definition starts with. */
export function KeyAndTitle({
  keyValue,
  title,
  onKey,
  onTitle,
}: {
  keyValue: string;
  title: string;
  onKey(key: string): void;
  onTitle(title: string): void;
}) {
  const { t } = useI18n();
  return (
    <>
      <label>
        {t('designer.fieldKey')}
        <input value={keyValue} onChange={(e) => onKey(e.target.value)} pattern="[a-z][a-z0-9_]*" required name="key" />
      </label>
      <label>
        {t('designer.fieldTitle')}
        <input value={title} onChange={(e) => onTitle(e.target.value)} required name="title" />
      </label>
    </>
  );
}
