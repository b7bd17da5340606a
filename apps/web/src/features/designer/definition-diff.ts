import { FIELD_TYPE_REGISTRY, sameJson, textOf, type LedgerDefinition } from '@taizhang/ledger-core';
import type { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';

type I18n = ReturnType<typeof useI18n>;
type Field = LedgerDefinition['fields'][number];

const LISTS = ['rules', 'measures', 'dimensions', 'followUps'] as const;
/** Properties with a name of their own in the messages (designer.prop.*); others show their key. */
const NAMED = new Set([
  'key',
  'title',
  'type',
  'required',
  'options',
  'formula',
  'help',
  'default',
  'unique',
  'index',
  'min',
  'max',
  'description',
  'period',
  'periodField',
  'deadline',
  'fillers',
  'public',
  'display',
  'tracking',
  'reminder',
  'dashboard',
  'seedRows',
]);

/**
 * Two versions of a definition compared, in words (the designer's version list): fields added,
 * removed and changed (which of their properties), rules, measures, dimensions and follow-ups by
 * their keys, and the ledger's own settings. Key order does not count (sameJson).
 */
export function describeDefinitionDiff(from: LedgerDefinition, to: LedgerDefinition, i18n: I18n): string[] {
  const { t, tf, p, locale } = i18n;
  const property = (key: string) => (NAMED.has(key) ? t(`designer.prop.${key}` as MessageKey) : key);
  const idOf = (f: Field) => f.id ?? f.key;
  const titleOf = (f: Field) => textOf(f.title, locale);
  const lines: string[] = [];

  for (const field of to.fields) {
    const before = from.fields.find((f) => idOf(f) === idOf(field));
    if (!before) {
      const spec = FIELD_TYPE_REGISTRY[field.type];
      lines.push(
        tf('designer.diff.fieldAdded', { title: titleOf(field), type: spec ? textOf(spec.title, locale) : field.type }),
      );
    } else if (!sameJson(before, field)) {
      const a = before as unknown as Record<string, unknown>;
      const b = field as unknown as Record<string, unknown>;
      const changed = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !sameJson(a[k], b[k]));
      lines.push(tf('designer.diff.fieldChanged', { title: titleOf(field), what: changed.map(property).join(p.list) }));
    }
  }
  for (const field of from.fields)
    if (!to.fields.some((f) => idOf(f) === idOf(field)))
      lines.push(tf('designer.diff.fieldRemoved', { title: titleOf(field) }));
  const kept = (d: LedgerDefinition) =>
    d.fields.map(idOf).filter((id) => from.fields.some((f) => idOf(f) === id) && to.fields.some((f) => idOf(f) === id));
  if (!sameJson(kept(from), kept(to))) lines.push(t('designer.diff.reordered'));

  for (const list of LISTS) {
    const what = t(`designer.diff.${list}`);
    const before = (from[list] ?? []) as { key: string }[];
    const after = (to[list] ?? []) as { key: string }[];
    for (const item of after) {
      const was = before.find((b) => b.key === item.key);
      if (!was) lines.push(tf('designer.diff.added', { what, key: item.key }));
      else if (!sameJson(was, item)) lines.push(tf('designer.diff.changed', { what, key: item.key }));
    }
    for (const item of before)
      if (!after.some((a) => a.key === item.key)) lines.push(tf('designer.diff.removed', { what, key: item.key }));
  }

  const a = from as unknown as Record<string, unknown>;
  const b = to as unknown as Record<string, unknown>;
  const shown = (value: unknown) =>
    value === undefined
      ? t('designer.diff.none')
      : typeof value === 'object' && value !== null
        ? JSON.stringify(value)
        : String(value);
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (key === 'fields' || key === '$schema' || (LISTS as readonly string[]).includes(key) || sameJson(a[key], b[key]))
      continue;
    lines.push(tf('designer.diff.setting', { what: property(key), from: shown(a[key]), to: shown(b[key]) }));
  }
  return lines.length > 0 ? lines : [t('designer.diff.same')];
}
