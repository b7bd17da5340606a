import { useState } from 'react';
import { textOf, type LedgerDefinition, type RuleDefinition } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import { FormButtons } from './form-parts';
import { ItemSection } from './editable-rows';
import { bilingual, textIn } from './bilingual';
import { FormulaInput } from './formula-input';

/** The form of one rule: new (no `initial`) or an existing one edited. */
function RuleForm({
  definition,
  initial,
  onSubmit,
  onCancel,
}: {
  definition: LedgerDefinition;
  initial?: RuleDefinition;
  onSubmit(rule: RuleDefinition): void;
  onCancel?(): void;
}) {
  const { t, locale } = useI18n();
  const [key, setKey] = useState(initial?.key ?? '');
  const [level, setLevel] = useState<RuleDefinition['level']>(initial?.level ?? 'error');
  const [check, setCheck] = useState(initial?.check ?? '');
  const [when, setWhen] = useState(initial?.when ?? '');
  const [message, setMessage] = useState(textIn(initial?.message, 'zh'));
  const [messageEn, setMessageEn] = useState(textIn(initial?.message, 'en'));
  const [cells, setCells] = useState<string[]>(initial?.fields ?? []);
  return (
    <form
      className="add-field"
      data-testid={initial ? 'edit-rule' : 'add-rule'}
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit({
          key: key.trim(),
          level,
          check: check.trim(),
          ...(when.trim() ? { when: when.trim() } : {}),
          message: bilingual(message.trim(), messageEn),
          ...(cells.length > 0 ? { fields: cells } : {}),
        });
        if (initial) return;
        setKey('');
        setCheck('');
        setWhen('');
        setMessage('');
        setMessageEn('');
        setCells([]);
      }}
    >
      <strong>{initial ? t('designer.editRule') : t('designer.addRule')}</strong>
      <label>
        {t('designer.fieldKey')}
        <input name="key" value={key} onChange={(e) => setKey(e.target.value)} pattern="[a-z][a-z0-9_]*" required />
      </label>
      <label>
        {t('designer.ruleLevel')}
        <select name="level" value={level} onChange={(e) => setLevel(e.target.value as RuleDefinition['level'])}>
          <option value="error">{t('designer.level.error')}</option>
          <option value="warning">{t('designer.level.warning')}</option>
        </select>
      </label>
      <FormulaInput name="check" label={t('designer.ruleCheck')} value={check} onChange={setCheck} rule required />
      <FormulaInput name="when" label={t('designer.ruleWhen')} value={when} onChange={setWhen} rule />
      <label>
        {t('designer.ruleMessage')}
        <input name="message" value={message} onChange={(e) => setMessage(e.target.value)} required />
      </label>
      <label>
        {t('designer.ruleMessageEn')}
        <input name="messageEn" value={messageEn} onChange={(e) => setMessageEn(e.target.value)} />
      </label>
      <fieldset className="rule-cells">
        <legend>{t('designer.ruleCells')}</legend>
        {definition.fields.map((field) => (
          <label key={field.key} className="inline-field">
            <input
              type="checkbox"
              name={`cell-${field.key}`}
              checked={cells.includes(field.key)}
              onChange={(e) =>
                setCells(e.target.checked ? [...cells, field.key] : cells.filter((c) => c !== field.key))
              }
            />
            {textOf(field.title, locale)}
          </label>
        ))}
      </fieldset>
      <FormButtons editing={initial !== undefined} onCancel={onCancel} />
    </form>
  );
}

/**
 * The ledger's rules by clicks: each with its level, its check and when, its message and the cells
 * it marks; edited, removed, or added with the same form. Formulas are checked as they are typed.
 */
export function RuleList({
  definition,
  onChange,
}: {
  definition: LedgerDefinition | null;
  onChange(rules: RuleDefinition[]): void;
}) {
  const { t, locale } = useI18n();
  if (!definition) return null;
  return (
    <ItemSection
      title={t('designer.rules')}
      testId="rule-list"
      items={definition.rules ?? []}
      onChange={onChange}
      rowProps={(rule) => ({ 'data-rule': rule.key })}
      cells={(rule) => [
        t(rule.level === 'error' ? 'designer.level.error' : 'designer.level.warning'),
        <span className="rule-message">{textOf(rule.message, locale)}</span>,
        <code>{rule.check}</code>,
      ]}
      form={(props) => <RuleForm definition={definition} {...props} />}
    />
  );
}
