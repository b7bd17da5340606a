import { useId, useMemo, useRef, useState } from 'react';
import {
  compileFormula,
  formulaCompletions,
  formulaResultKind,
  locateFormulaProblems,
  valueKindName,
  type FormulaCompletion,
  type FormulaField,
  type FormulaValue,
} from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import { useDraftSample } from './draft-sample';

/** A formula's value on the sample row, as the editor shows it. */
function resultText(value: FormulaValue, { t, p }: ReturnType<typeof useI18n>): string {
  if (value === null || (Array.isArray(value) && value.length === 0)) return t('designer.blankValue');
  if (typeof value === 'boolean') return t(value ? 'designer.true' : 'designer.false');
  if (typeof value === 'number') return String(Number(value.toFixed(6)));
  return Array.isArray(value) ? value.join(p.list) : value;
}

/**
 * A formula box (docs/designer.md): as it is typed it offers the draft's fields — found by their
 * Chinese titles, written as their keys — and the functions (↑ ↓ to choose, Enter or Tab to take,
 * Esc to close); it marks each problem where it is (the check publishing runs), says what kind of
 * value the formula gives, and its value on the designer's sample row (the phone preview's row).
 */
export function FormulaInput({
  name,
  label,
  value,
  onChange,
  required,
  rule,
  exclude,
  placeholder,
}: {
  name: string;
  label: string;
  value: string;
  onChange(value: string): void;
  required?: boolean;
  /** A rule's check or when: previous() and cumulative() may be used (in a periodic ledger with a period field). */
  rule?: boolean;
  /** A formula field's own key: not offered, it cannot read itself. */
  exclude?: string;
  placeholder?: string;
}) {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const { definition, model, values } = useDraftSample();
  const listId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [cursor, setCursor] = useState<number | null>(null);
  const [active, setActive] = useState(0);
  const crossPeriod = Boolean(rule && (definition?.period ?? 'none') !== 'none' && definition?.periodField);
  const types = model?.types ?? {};
  const fields: FormulaField[] = useMemo(
    () =>
      (definition?.fields ?? [])
        .filter((field) => field.key !== exclude)
        .map((field) => ({ key: field.key, title: field.title, type: field.type })),
    [definition, exclude],
  );
  const completions = cursor === null ? null : formulaCompletions(value, cursor, fields, locale, { crossPeriod });
  const items = completions?.items ?? [];
  const source = value.trim();
  const problems = source ? locateFormulaProblems(value, types, { crossPeriod }) : [];
  const kind = source && problems.length === 0 ? formulaResultKind(value, types) : null;
  // on the sample row, unless it reads other periods (the sample row has no sheets around it);
  // a formula without problems compiles, and evaluating never throws
  const formula = source && problems.length === 0 ? compileFormula(value) : null;
  const sample =
    formula && formula.crossPeriod.previous.length + formula.crossPeriod.cumulative.length === 0
      ? resultText(formula.evaluate({ values, types }), i18n)
      : null;

  function pick(item: FormulaCompletion) {
    if (!completions) return;
    const next = value.slice(0, completions.from) + item.insert + value.slice(completions.to);
    const caret = completions.from + item.insert.length;
    onChange(next);
    setCursor(null);
    requestAnimationFrame(() => {
      input.current?.focus();
      input.current?.setSelectionRange(caret, caret);
    });
  }

  const follow = (target: HTMLInputElement) => {
    setCursor(target.selectionStart ?? target.value.length);
    setActive(0);
  };
  const first = problems[0];
  return (
    <div className="formula-input" data-formula={name}>
      <label htmlFor={`${listId}-box`}>{label}</label>
      <div className="formula-box">
        <input
          id={`${listId}-box`}
          ref={input}
          name={name}
          value={value}
          required={required}
          placeholder={placeholder}
          autoComplete="off"
          spellCheck={false}
          role="combobox"
          aria-expanded={items.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={items.length > 0 ? `${listId}-${active}` : undefined}
          aria-invalid={problems.length > 0 || undefined}
          onChange={(e) => {
            onChange(e.target.value);
            follow(e.target);
          }}
          onClick={(e) => follow(e.currentTarget)}
          onBlur={() => setCursor(null)}
          onKeyDown={(e) => {
            if (items.length === 0) return;
            if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault();
              setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length);
            } else if (e.key === 'Enter' || e.key === 'Tab') {
              e.preventDefault();
              pick(items[Math.min(active, items.length - 1)]);
            } else if (e.key === 'Escape') {
              e.preventDefault();
              setCursor(null);
            }
          }}
        />
        {items.length > 0 && (
          <ul className="formula-completions" id={listId} role="listbox" aria-label={t('designer.completions')}>
            {items.map((item, i) => (
              <li
                key={`${item.kind}-${item.insert}`}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === active}
                data-insert={item.insert}
                className={`completion-${item.kind}`}
                // mousedown, before the box loses its focus
                onMouseDown={(e) => {
                  e.preventDefault();
                  pick(item);
                }}
              >
                <span className="completion-label">{item.label}</span>
                <span className="muted">{item.detail}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
      {first && (
        <div className="formula-problems" role="alert">
          <code className="formula-marked" aria-hidden>
            {value.slice(0, first.from)}
            <mark>{value.slice(first.from, first.to) || ' '}</mark>
            {value.slice(first.to)}
          </code>
          {problems.map((p, i) => (
            <span key={i} className="form-error">
              {p.message[locale]}
            </span>
          ))}
        </div>
      )}
      {kind && (
        <span className="formula-result muted" data-testid={`formula-result-${name}`}>
          {t('designer.formulaGives').replace('{kind}', valueKindName(kind, locale))}
          {sample !== null && ` · ${t('designer.sampleResult').replace('{value}', sample)}`}
        </span>
      )}
    </div>
  );
}
