import {
  fieldTypeOf,
  renameFieldKey,
  textOf,
  type FieldDefinition,
  type LedgerDefinition,
} from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import { EditableRows, moved } from './editable-rows';
import { MoveButtons } from './form-parts';
import { FieldForm } from './field-form';

/** A field duplicated under a key no field has (`<key>_copy`, `<key>_copy2`, …), same title with the language's copy mark. */
export function duplicateOf(field: FieldDefinition, fields: FieldDefinition[], copyTitle: (t: string) => string) {
  const taken = new Set(fields.map((f) => f.key));
  const base = `${field.key.slice(0, 34)}_copy`;
  let key = base;
  for (let n = 2; taken.has(key); n += 1) key = `${base}${n}`;
  const { id: _id, ...rest } = structuredClone(field);
  const title =
    typeof field.title === 'string' ? copyTitle(field.title) : { ...field.title, zh: copyTitle(field.title.zh) };
  return { ...rest, key, title } as FieldDefinition;
}

/**
 * The definition's fields as a list an admin works with by clicks: edit one (the same form as
 * adding, filled in), duplicate, move up or down (or drag), remove. Each change re-prints the JSON, and the
 * designer's checks, preview and changes follow; a removed field's data is kept (hidden), as the
 * changes say. A changed key is renamed everywhere the definition names it (renameFieldKey).
 */
export function FieldList({
  definition,
  onChange,
}: {
  definition: LedgerDefinition | null;
  onChange(next: LedgerDefinition): void;
}) {
  const { t, tf, locale } = useI18n();
  if (!definition) return null;
  const fields = definition.fields;
  const setFields = (next: FieldDefinition[]) => onChange({ ...definition, fields: next });
  const move = (from: number, to: number) => setFields(moved(fields, from, to));
  return (
    <section className="field-list" aria-label={t('designer.fieldsList')} data-testid="field-list">
      <h3>{t('designer.fieldsList')}</h3>
      <EditableRows
        items={fields}
        rowProps={(field) => ({ 'data-field': field.key })}
        cells={(field) => [
          <>
            {textOf(field.title, locale)} <span className="muted">{field.key}</span>
          </>,
          textOf(fieldTypeOf(field.type).title, locale),
          field.required ? t('designer.required') : '',
        ]}
        actions={(field, i) => (
          <>
            <button
              type="button"
              className="link-button"
              onClick={() =>
                setFields([
                  ...fields.slice(0, i + 1),
                  duplicateOf(field, fields, (title) => tf('designer.copyTitle', { title })),
                  ...fields.slice(i + 1),
                ])
              }
            >
              {t('designer.duplicate')}
            </button>
            <MoveButtons index={i} count={fields.length} onMove={move} />
          </>
        )}
        canRemove={() => fields.length > 1}
        onRemove={(i) => setFields(fields.filter((_, j) => j !== i))}
        onMove={move}
        editor={(field, i, close) => (
          <FieldForm
            disabled={false}
            initial={field}
            onCancel={close}
            onSubmit={(edited) => {
              close();
              const named = edited.key === field.key ? definition : renameFieldKey(definition, field.key, edited.key);
              onChange({ ...named, fields: named.fields.map((f, j) => (j === i ? edited : f)) });
            }}
          />
        )}
      />
    </section>
  );
}
