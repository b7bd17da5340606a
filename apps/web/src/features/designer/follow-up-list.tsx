import { useState } from 'react';
import { isComputedField, textOf, type FollowUpDefinition, type LedgerDefinition } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import { ItemSection } from './editable-rows';
import { FormButtons } from './form-parts';
import { bilingual, textIn } from './bilingual';
import { FormulaInput } from './formula-input';

/**
 * The form of one follow-up: when a saved row makes it (a formula over the row), which ledger gets
 * the new row, each of that ledger's fields as a formula over this row (completion from this
 * draft's fields), and what the clerk is told. What the form does not show (fromPublic) is kept.
 */
function FollowUpForm({
  ledgers,
  initial,
  onSubmit,
  onCancel,
}: {
  ledgers: readonly LedgerDefinition[];
  initial?: FollowUpDefinition;
  onSubmit(followUp: FollowUpDefinition): void;
  onCancel?(): void;
}) {
  const { t, locale } = useI18n();
  const [key, setKey] = useState(initial?.key ?? '');
  const [when, setWhen] = useState(initial?.when ?? '');
  const [ledger, setLedger] = useState(initial?.ledger ?? '');
  const [values, setValues] = useState<Record<string, string>>(initial?.values ?? {});
  const [messageZh, setMessageZh] = useState(textIn(initial?.message, 'zh'));
  const [messageEn, setMessageEn] = useState(textIn(initial?.message, 'en'));
  const target = ledgers.find((l) => l.key === ledger);
  const targetFields = (target?.fields ?? []).filter((field) => !isComputedField(field));
  return (
    <form
      className="add-field"
      data-testid={initial ? 'edit-follow-up' : 'add-follow-up'}
      onSubmit={(event) => {
        event.preventDefault();
        const given = Object.fromEntries(
          targetFields.map((f) => [f.key, (values[f.key] ?? '').trim()]).filter(([, formula]) => formula !== ''),
        );
        const message = bilingual(messageZh.trim(), messageEn);
        onSubmit({
          ...initial,
          key: key.trim(),
          when: when.trim(),
          ledger,
          values: given,
          ...(message ? { message } : {}),
        } as FollowUpDefinition);
        if (initial) return;
        setKey('');
        setWhen('');
        setValues({});
        setMessageZh('');
        setMessageEn('');
      }}
    >
      <strong>{initial ? t('designer.editFollowUp') : t('designer.addFollowUp')}</strong>
      <label>
        {t('designer.fieldKey')}
        <input name="key" value={key} onChange={(e) => setKey(e.target.value)} pattern="[a-z][a-z0-9_]*" required />
      </label>
      <FormulaInput name="when" label={t('designer.followUpWhen')} value={when} onChange={setWhen} required />
      <label>
        {t('designer.followUpLedger')}
        <select name="ledger" value={ledger} onChange={(e) => setLedger(e.target.value)} required>
          <option value="" />
          {ledgers.map((l) => (
            <option key={l.key} value={l.key}>
              {textOf(l.title, locale)}
            </option>
          ))}
        </select>
      </label>
      {target && (
        <fieldset className="follow-up-values">
          <legend>{t('designer.followUpValues')}</legend>
          {targetFields.map((field) => (
            <FormulaInput
              key={field.key}
              name={`value-${field.key}`}
              label={`${textOf(field.title, locale)}${field.required ? ' *' : ''}`}
              value={values[field.key] ?? ''}
              onChange={(formula) => setValues((now) => ({ ...now, [field.key]: formula }))}
            />
          ))}
        </fieldset>
      )}
      <label>
        {t('designer.followUpMessage')}
        <input name="message" value={messageZh} onChange={(e) => setMessageZh(e.target.value)} />
      </label>
      <label>
        {t('designer.ruleMessageEn')}
        <input name="messageEn" value={messageEn} onChange={(e) => setMessageEn(e.target.value)} />
      </label>
      <FormButtons editing={initial !== undefined} onCancel={onCancel} />
    </form>
  );
}

/**
 * The ledger's follow-ups by clicks (a saved row that meets `when` makes a row in another ledger):
 * edited, removed, or added with the same form. The database's check (useDatabaseCheck) says
 * whether the target's fields exist and its required ones are given.
 */
export function FollowUpList({
  definition,
  ledgers,
  onChange,
}: {
  definition: LedgerDefinition | null;
  /** The ledgers a follow-up may write into (the published ones). */
  ledgers: readonly LedgerDefinition[];
  onChange(followUps: FollowUpDefinition[]): void;
}) {
  const { t, locale } = useI18n();
  if (!definition) return null;
  const titleOf = (key: string) => {
    const ledger = ledgers.find((l) => l.key === key);
    return ledger ? textOf(ledger.title, locale) : key;
  };
  return (
    <ItemSection
      title={t('designer.followUps')}
      testId="follow-up-list"
      items={definition.followUps ?? []}
      onChange={onChange}
      rowProps={(followUp) => ({ 'data-follow-up': followUp.key })}
      cells={(followUp) => [<code>{followUp.when}</code>, `→ ${titleOf(followUp.ledger)}`]}
      form={(props) => <FollowUpForm ledgers={ledgers} {...props} />}
    />
  );
}
