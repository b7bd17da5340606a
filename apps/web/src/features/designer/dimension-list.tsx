import { useState } from 'react';
import { FIELD_TYPE_REGISTRY, textOf, type DimensionDefinition, type LedgerDefinition } from '@taizhang/ledger-core';
import { useI18n } from '../../i18n/i18n';
import { ItemSection } from './editable-rows';
import { FormButtons, KeyAndTitle } from './form-parts';

const KINDS: DimensionDefinition['kind'][] = ['unit', 'unitKind', 'day', 'week', 'month', 'field'];
/** The kinds that group by a field: a time axis (optional: the period when none) or a category (required). */
const BY_DATE = new Set<DimensionDefinition['kind']>(['day', 'week', 'month']);

/** The form of one grouping of the statistics: new, or an existing one edited. */
function DimensionForm({
  definition,
  initial,
  onSubmit,
  onCancel,
}: {
  definition: LedgerDefinition;
  initial?: DimensionDefinition;
  onSubmit(dimension: DimensionDefinition): void;
  onCancel?(): void;
}) {
  const { t, locale } = useI18n();
  const [key, setKey] = useState(initial?.key ?? '');
  const [title, setTitle] = useState(initial ? textOf(initial.title, 'zh-CN') : '');
  const [kind, setKind] = useState<DimensionDefinition['kind']>(initial?.kind ?? 'field');
  const [field, setField] = useState(initial?.field ?? '');
  // which fields may group: a category for `field`, a date for day/week/month (the types say so)
  const role = kind === 'field' ? 'categorical' : 'timeAxis';
  const fields = definition.fields.filter((f) => FIELD_TYPE_REGISTRY[f.type]?.statistics[role]);
  const byField = kind === 'field' || BY_DATE.has(kind);
  return (
    <form
      className="add-field"
      data-testid={initial ? 'edit-dimension' : 'add-dimension'}
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit({
          key: key.trim(),
          title: initial && typeof initial.title === 'object' ? { ...initial.title, zh: title.trim() } : title.trim(),
          kind,
          ...(byField && field ? { field } : {}),
        });
        if (initial) return;
        setKey('');
        setTitle('');
        setField('');
      }}
    >
      <strong>{initial ? t('designer.editDimension') : t('designer.addDimension')}</strong>
      <KeyAndTitle keyValue={key} title={title} onKey={setKey} onTitle={setTitle} />
      <label>
        {t('designer.dimensionKind')}
        <select
          name="kind"
          value={kind}
          onChange={(e) => {
            setKind(e.target.value as DimensionDefinition['kind']);
            setField('');
          }}
        >
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`designer.dimension.${k}`)}
            </option>
          ))}
        </select>
      </label>
      {byField && (
        <label>
          {t('designer.ofField')}
          <select name="field" value={field} onChange={(e) => setField(e.target.value)} required={kind === 'field'}>
            <option value="">{kind === 'field' ? '' : t('designer.byPeriod')}</option>
            {fields.map((f) => (
              <option key={f.key} value={f.key}>
                {textOf(f.title, locale)}
              </option>
            ))}
          </select>
        </label>
      )}
      <FormButtons editing={initial !== undefined} onCancel={onCancel} />
    </form>
  );
}

/** How the statistics may be grouped (the dashboard's choices): by unit, unit kind, day/week/month, or a choice field. */
export function DimensionList({
  definition,
  onChange,
}: {
  definition: LedgerDefinition | null;
  onChange(dimensions: DimensionDefinition[]): void;
}) {
  const { t, locale } = useI18n();
  if (!definition) return null;
  const fieldTitle = (key: string | undefined) => {
    const field = definition.fields.find((f) => f.key === key);
    return field ? textOf(field.title, locale) : '';
  };
  return (
    <ItemSection
      title={t('designer.dimensions')}
      testId="dimension-list"
      items={definition.dimensions ?? []}
      onChange={onChange}
      rowProps={(d) => ({ 'data-dimension': d.key })}
      cells={(d) => [textOf(d.title, locale), t(`designer.dimension.${d.kind}`), fieldTitle(d.field)]}
      form={(props) => <DimensionForm definition={definition} {...props} />}
    />
  );
}
