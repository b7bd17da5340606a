import type { ChoiceOption } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import { moved } from './editable-rows';
import { MoveButtons } from './form-parts';

/** An option's names, by language (empty: the value is shown). */
export type OptionLabels = Record<string, { zh: string; en: string }>;

/** The values a choice's text lists, in order, each once. */
export const choiceValues = (text: string) => [
  ...new Set(
    text
      .split(/[,，、\n]+/)
      .map((o) => o.trim())
      .filter(Boolean),
  ),
];

/** The labels a definition's options say, by value. */
export function labelsOf(options: unknown): OptionLabels {
  if (!Array.isArray(options)) return {};
  return Object.fromEntries(
    (options as ChoiceOption[]).map((o) => [
      o.value,
      {
        zh: typeof o.label === 'string' ? o.label : (o.label?.zh ?? ''),
        en: typeof o.label === 'object' ? (o.label.en ?? '') : '',
      },
    ]),
  );
}

/** The definition's options: each value with its label, when it has one (zh alone as a plain text). */
export function optionsOf(text: string, labels: OptionLabels): ChoiceOption[] {
  return choiceValues(text).map((value) => {
    const { zh = '', en = '' } = labels[value] ?? {};
    if (!zh.trim() && !en.trim()) return { value };
    return { value, label: en.trim() ? { zh: zh.trim() || value, en: en.trim() } : zh.trim() };
  });
}

/**
 * A choice's options as rows: the value, its Chinese and English names, moved up or down or taken
 * out; the values themselves are typed (or pasted from Excel: one per line, name and English name
 * in the next columns) in the field's options box, which this keeps in step.
 */
export function OptionsEditor({
  text,
  labels,
  onChange,
}: {
  text: string;
  labels: OptionLabels;
  onChange(text: string, labels: OptionLabels): void;
}) {
  const { t, p } = useI18n();
  const values = choiceValues(text);
  if (values.length === 0) return null;
  const reorder = (next: string[]) => onChange(next.join(p.list), labels);
  const name = (value: string, language: 'zh' | 'en', typed: string) =>
    onChange(text, { ...labels, [value]: { ...(labels[value] ?? { zh: '', en: '' }), [language]: typed } });
  return (
    <table className="options-editor" data-testid="options-editor">
      <thead>
        <tr>
          <th>{t('designer.optionValue')}</th>
          <th>{t('designer.optionLabel')}</th>
          <th>{t('designer.optionLabelEn')}</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {values.map((value, i) => (
          <tr key={value} data-option={value}>
            <td>{value}</td>
            <td>
              <input
                name={`label-${value}`}
                value={labels[value]?.zh ?? ''}
                placeholder={value}
                onChange={(e) => name(value, 'zh', e.target.value)}
              />
            </td>
            <td>
              <input
                name={`label-en-${value}`}
                value={labels[value]?.en ?? ''}
                onChange={(e) => name(value, 'en', e.target.value)}
              />
            </td>
            <td className="field-actions">
              <MoveButtons index={i} count={values.length} onMove={(from, to) => reorder(moved(values, from, to))} />
              <button type="button" className="link-button" onClick={() => reorder(values.filter((v) => v !== value))}>
                {t('designer.remove')}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * Rows pasted from a spreadsheet into the options box: a value per line, its name and English name
 * in the next columns (tab-separated, as Excel copies them). Null when the paste is one plain line.
 */
export function pastedOptions(pasted: string): { values: string[]; labels: OptionLabels } | null {
  if (!/[\t\n]/.test(pasted.trim())) return null;
  const rows = pasted
    .split(/\r?\n/)
    .map((line) => line.split('\t').map((cell) => cell.trim()))
    .filter((cells) => cells[0]);
  return {
    values: rows.map((cells) => cells[0]),
    labels: Object.fromEntries(rows.map((cells) => [cells[0], { zh: cells[1] ?? '', en: cells[2] ?? '' }])),
  };
}
