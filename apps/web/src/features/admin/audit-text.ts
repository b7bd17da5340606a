import { textOf, type FieldDefinition, type FieldValue, type LedgerModel, type Locale } from '@taizhang/ledger-core';

/**
 * The audit log in the ledger's language (pages/audit-log-page.tsx): field titles for field keys,
 * the field type's own display (choice labels, dates, amounts), what a reference's row says for its
 * id, local times for ISO instants. Pure, so it is tested without a browser.
 */

export interface RowChangeDetail {
  old?: Record<string, unknown> | null;
  new?: Record<string, unknown> | null;
  /** What the references among old and new say (the API's reference labels), `{ field: text }`. */
  display?: { old?: Record<string, string> | null; new?: Record<string, string> | null } | null;
  source?: string | null;
  correction?: { reason?: string; requestedBy?: string | null; approvedBy?: string | null } | null;
}

export interface ChangeLine {
  key: string;
  /** The field's title, or its key when the definition no longer has it. */
  title: string;
  before: string | null;
  after: string | null;
}

/** "2026-12-07 16:50", Asia/Shanghai, whatever the browser's own zone. */
export function shanghaiTime(iso: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}

/** One stored value as the grid shows it; a reference as what its row says. */
export function valueText(
  model: LedgerModel | null,
  key: string,
  value: unknown,
  locale: Locale,
  referenceText?: string | null,
): string {
  if (value === null || value === undefined || value === '') return '';
  if (referenceText) return referenceText;
  const field = model?.byKey.get(key);
  if (!model || !field) return typeof value === 'object' ? JSON.stringify(value) : String(value);
  try {
    const spec = model.spec(field);
    const normalized = spec.normalize(value, field);
    if (normalized.ok) return spec.format(normalized.value as FieldValue, field, locale);
  } catch {
    // a value the field's type no longer reads: shown as stored
  }
  return Array.isArray(value) ? value.join('、') : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function fieldTitle(model: LedgerModel | null, key: string, locale: Locale): string {
  const field: FieldDefinition | undefined = model?.byKey.get(key);
  return field ? textOf(field.title, locale) : key;
}

/** The order of the definition, then keys it no longer has. */
function orderedKeys(model: LedgerModel | null, keys: Set<string>): string[] {
  const known = (model?.fields ?? []).map((f) => f.key).filter((k) => keys.has(k));
  return [...known, ...[...keys].filter((k) => !known.includes(k)).sort()];
}

/**
 * What a row change did, field by field: an update the changed fields before → after; an insert or
 * a restore the values given; a delete the values the row had. Empty values of an insert are left out.
 */
export function changeLines(
  model: LedgerModel | null,
  action: string,
  detail: RowChangeDetail | null,
  locale: Locale,
): ChangeLine[] {
  if (!detail) return [];
  const old = detail.old ?? {};
  const now = detail.new ?? {};
  const keys = new Set([...Object.keys(old), ...Object.keys(now)]);
  const text = (side: 'old' | 'new', key: string) => {
    const values = side === 'old' ? old : now;
    if (!(key in values)) return null;
    return valueText(model, key, values[key], locale, detail.display?.[side]?.[key]);
  };
  return orderedKeys(model, keys)
    .map((key) => ({ key, title: fieldTitle(model, key, locale), before: text('old', key), after: text('new', key) }))
    .filter((line) => {
      if (action === 'update') return line.before !== line.after;
      if (action === 'delete') return Boolean(line.before);
      return Boolean(line.after);
    });
}

/** What names the row: its first three filled fields, as shown (the recycle bin's rowLabel). */
export function rowLabelOf(
  model: LedgerModel | null,
  action: string,
  detail: RowChangeDetail | null,
  locale: Locale,
): string {
  if (!detail || !model) return '';
  const side = action === 'delete' ? 'old' : 'new';
  const values = detail[side] ?? {};
  return model.fields
    .filter((field) => !field.formula && field.key in values)
    .map((field) => valueText(model, field.key, values[field.key], locale, detail.display?.[side]?.[field.key]))
    .filter((text) => text !== '')
    .slice(0, 3)
    .join(' · ');
}

export interface AuditRef {
  kind: string;
  action: string;
  ledgerKey: string | null;
  rowId: string | null;
}

/**
 * For each entry (newest first), whether it is a deletion whose row is still deleted as far as the
 * log shows: no newer entry of the same row (a restore, an update) brought it back.
 */
export function stillDeleted(entries: AuditRef[]): boolean[] {
  const touchedLater = new Set<string>();
  return entries.map((entry) => {
    if (entry.kind !== 'ROW' || !entry.rowId) return false;
    const key = `${entry.ledgerKey}#${entry.rowId}`;
    const open = entry.action === 'delete' && !touchedLater.has(key);
    touchedLater.add(key);
    return open;
  });
}
