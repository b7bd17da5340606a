import { useEffect, useState } from 'react';
import { FIELD_TYPE_REGISTRY, textOf, type LedgerDefinition } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import { bilingual, textIn } from './bilingual';

const PERIODS = ['none', 'daily', 'weekly', 'monthly'] as const;

const LEDGER_KEY = /^[a-z][a-z0-9_]{0,39}$/;

/**
 * A new ledger's key as it is typed: only a well-formed key reaches the definition (a half-typed
 * one would make the whole definition invalid and take the forms away while it is typed).
 */
function LedgerKeyInput({ value, onChange }: { value: string; onChange(key: string): void }) {
  const [text, setText] = useState(value);
  // the key changed elsewhere (the JSON): show it
  useEffect(() => setText((now) => (LEDGER_KEY.test(now) ? value : now)), [value]);
  return (
    <input
      name="ledgerKey"
      value={text}
      pattern="[a-z][a-z0-9_]*"
      aria-invalid={!LEDGER_KEY.test(text) || undefined}
      onChange={(e) => {
        setText(e.target.value);
        if (LEDGER_KEY.test(e.target.value)) onChange(e.target.value);
      }}
    />
  );
}

/**
 * The ledger's own settings by clicks: a new ledger's key, its titles and description in both languages, how often
 * it is filled and by which date field, the daily deadline, and whether citizens may answer
 * through a public link. Each change re-prints the JSON; the designer's checks say what does
 * not fit (a deadline without a period, a period field that is not a required date).
 */
export function LedgerSettings({
  definition,
  isNew,
  onChange,
}: {
  definition: LedgerDefinition | null;
  /** A ledger not yet published: its key (its table's name) may still be chosen. */
  isNew: boolean;
  onChange(next: LedgerDefinition): void;
}) {
  const { t, locale } = useI18n();
  if (!definition) return null;
  const set = (patch: Partial<LedgerDefinition>, drop: (keyof LedgerDefinition)[] = []) => {
    const next = { ...definition, ...patch };
    for (const key of drop) delete next[key];
    onChange(next);
  };
  // the field a period is read from must be filled: it is made required with it
  const byField = (key: string) => ({
    periodField: key,
    fields: definition.fields.map((f) => (f.key === key ? { ...f, required: true } : f)),
  });
  const dateFields = definition.fields.filter((f) => FIELD_TYPE_REGISTRY[f.type]?.valueKind === 'date');
  const period = definition.period ?? 'none';
  return (
    <fieldset className="add-field ledger-settings" data-testid="ledger-settings">
      <legend>{t('designer.settings')}</legend>
      {isNew && (
        <label>
          {t('designer.fieldKey')}
          <LedgerKeyInput value={definition.key} onChange={(key) => set({ key })} />
        </label>
      )}
      <label>
        {t('designer.fieldTitle')}
        <input
          name="ledgerTitle"
          value={textIn(definition.title, 'zh')}
          onChange={(e) => set({ title: bilingual(e.target.value, textIn(definition.title, 'en')) })}
        />
      </label>
      <label>
        {t('designer.titleEn')}
        <input
          name="ledgerTitleEn"
          value={textIn(definition.title, 'en')}
          onChange={(e) => set({ title: bilingual(textIn(definition.title, 'zh'), e.target.value) })}
        />
      </label>
      <label>
        {t('designer.period')}
        <select
          name="period"
          value={period}
          onChange={(e) => {
            const next = e.target.value as (typeof PERIODS)[number];
            if (next === 'none')
              set({ period: next }, ['periodField', 'deadline', 'deadlineNoticeMinutes', 'reminder']);
            else
              set({
                period: next,
                ...(definition.periodField === undefined && dateFields[0] ? byField(dateFields[0].key) : {}),
              });
          }}
        >
          {PERIODS.map((p) => (
            <option key={p} value={p}>
              {t(`ledgers.period.${p}`)}
            </option>
          ))}
        </select>
      </label>
      {period !== 'none' && (
        <>
          <label>
            {t('designer.periodField')}
            <select
              name="periodField"
              value={definition.periodField ?? ''}
              onChange={(e) => (e.target.value ? set(byField(e.target.value)) : set({}, ['periodField']))}
            >
              <option value="">—</option>
              {dateFields.map((f) => (
                <option key={f.key} value={f.key}>
                  {textOf(f.title, locale)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('designer.deadline')}
            <input
              type="time"
              name="deadline"
              value={definition.deadline ?? ''}
              onChange={(e) =>
                e.target.value
                  ? set({ deadline: e.target.value })
                  : set({}, ['deadline', 'deadlineNoticeMinutes', 'reminder'])
              }
            />
          </label>
        </>
      )}
      <label className="inline-field">
        <input
          type="checkbox"
          name="public"
          checked={Boolean(definition.public)}
          onChange={(e) => (e.target.checked ? set({ public: true }) : set({}, ['public']))}
        />
        {t('designer.public')}
      </label>
    </fieldset>
  );
}
