import { textOf, type LedgerDefinition } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';

/**
 * A new ledger as a copy of an existing one (the five seed ledgers are the gallery): every field,
 * rule, measure and follow-up, under a new key and title; its seed rows are the original's data
 * and are left behind.
 */
export function copyOfLedger(template: LedgerDefinition, copyTitle: (title: string) => string): LedgerDefinition {
  const { seedRows: _left, ...rest } = structuredClone(template);
  const key = `${template.key.slice(0, 35)}_copy`;
  const title =
    typeof template.title === 'string'
      ? copyTitle(template.title)
      : { zh: copyTitle(template.title.zh), ...(template.title.en ? { en: `${template.title.en} (copy)` } : {}) };
  return { ...rest, key, title };
}

export function TemplatePicker({
  templates,
  onPick,
}: {
  templates: LedgerDefinition[];
  onPick(copy: LedgerDefinition): void;
}) {
  const { t, tf, locale } = useI18n();
  return (
    <label className="template-picker">
      {t('designer.fromTemplate')}{' '}
      <select
        value=""
        data-testid="template"
        onChange={(e) => {
          const template = templates.find((l) => l.key === e.target.value);
          if (template) onPick(copyOfLedger(template, (title) => tf('designer.copyTitle', { title })));
        }}
      >
        <option value="">{t('designer.pickTemplate')}</option>
        {templates.map((l) => (
          <option key={l.key} value={l.key}>
            {textOf(l.title, locale)}
          </option>
        ))}
      </select>
    </label>
  );
}
