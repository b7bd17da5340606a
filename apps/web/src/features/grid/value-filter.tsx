import { useEffect, useMemo, useRef, useState } from 'react';
import { textOf, type LedgerModel } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import type { FieldValueList, GridController } from './grid-controller';
import { displayText } from './grid-columns';

interface ValueFilterProps {
  model: LedgerModel;
  controller: GridController;
  field: string;
  onClose(): void;
}

/** A listed value as the checklist keeps it: JSON text, so that 1 and "1" and null stay apart. */
const keyOf = (value: unknown) => JSON.stringify(value);

/**
 * 按值筛选, as Excel's AutoFilter: the values the column holds in the whole sheet (under the other
 * columns' filters), as the cells show them, with their counts; a search box narrows the list and,
 * as in Excel, what 确定 keeps to the ticked values that match it.
 */
export function ValueFilter({ model, controller, field, onClose }: ValueFilterProps) {
  const { t, tf, locale } = useI18n();
  const definition = model.byKey.get(field);
  const dialog = useRef<HTMLDialogElement>(null);
  const [list, setList] = useState<FieldValueList | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [ticked, setTicked] = useState<Set<string>>(new Set());
  const [search, setSearch] = useState('');

  useEffect(() => {
    dialog.current?.showModal();
    let current = true;
    controller.valuesOf(field).then(
      (values) => {
        if (!current || !values) return;
        setList(values);
        const kept = controller.valueFilterOf(field);
        setTicked(new Set((kept ?? values.values.map((v) => v.value)).map(keyOf)));
      },
      (cause: unknown) => current && setFailure(cause instanceof Error ? cause.message : String(cause)),
    );
    return () => {
      current = false;
    };
  }, [controller, field]);

  const items = useMemo(
    () =>
      (list?.values ?? []).map((item) => ({
        ...item,
        key: keyOf(item.value),
        text:
          item.value === null || !definition
            ? t('valueFilter.blank')
            : displayText(model, definition, item.value, locale),
      })),
    [list, definition, model, locale, t],
  );
  const needle = search.trim().toLowerCase();
  const shown = needle ? items.filter((item) => item.text.toLowerCase().includes(needle)) : items;
  const kept = shown.filter((item) => ticked.has(item.key));

  const tick = (keys: string[], on: boolean) =>
    setTicked((now) => {
      const next = new Set(now);
      for (const key of keys) {
        if (on) next.add(key);
        else next.delete(key);
      }
      return next;
    });
  const apply = () => {
    if (kept.length === 0) return;
    const everything = !needle && list?.complete && kept.length === items.length;
    void controller.filterValues(field, everything ? null : kept.map((item) => item.value));
    onClose();
  };

  return (
    <dialog
      ref={dialog}
      className="value-filter"
      data-testid="value-filter"
      aria-labelledby="value-filter-title"
      onClose={onClose}
      onKeyDown={(event) => {
        if (event.key === 'Enter' && !(event.target instanceof HTMLButtonElement)) {
          event.preventDefault();
          apply();
        }
      }}
    >
      <h3 id="value-filter-title">
        {t('valueFilter.title').replace('{field}', definition ? textOf(definition.title, locale) : field)}
      </h3>
      <input
        type="search"
        value={search}
        placeholder={t('valueFilter.search')}
        aria-label={t('valueFilter.search')}
        onChange={(event) => setSearch(event.target.value)}
        data-testid="value-filter-search"
      />
      <div className="value-filter-tools">
        <button
          type="button"
          className="link-button"
          onClick={() =>
            tick(
              shown.map((i) => i.key),
              true,
            )
          }
        >
          {t('valueFilter.all')}
        </button>
        <button
          type="button"
          className="link-button"
          onClick={() =>
            tick(
              shown.map((i) => i.key),
              false,
            )
          }
        >
          {t('valueFilter.none')}
        </button>
      </div>
      {!list && !failure && <p className="muted">{t('common.loading')}</p>}
      {failure && (
        <p className="form-error" role="alert">
          {failure}
        </p>
      )}
      <ul className="value-filter-list" data-testid="value-filter-list">
        {shown.map((item) => (
          <li key={item.key}>
            <label>
              <input
                type="checkbox"
                checked={ticked.has(item.key)}
                onChange={(event) => tick([item.key], event.target.checked)}
              />
              <span className="value-filter-text">{item.text}</span>
              <span className="muted">{item.count}</span>
            </label>
          </li>
        ))}
      </ul>
      {list && !list.complete && <p className="muted">{tf('valueFilter.incomplete', { n: list.values.length })}</p>}
      <div className="dialog-actions">
        <button type="button" onClick={apply} disabled={kept.length === 0} data-testid="value-filter-ok">
          {t('valueFilter.ok')}
        </button>
        <button type="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
      </div>
    </dialog>
  );
}
