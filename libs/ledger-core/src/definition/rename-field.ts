import { tokenize } from '../formula/formula-lexer';
import { specOf } from '../field-types/registry';
import type { LedgerDefinition } from './types';

/**
 * A formula with a field's key renamed: each identifier token that names the field (not a
 * function's name, not inside a string) is rewritten, everything else stays as written. A formula
 * that does not tokenize is left alone (the check reports it).
 */
export function renameInFormula(source: string, from: string, to: string): string {
  let tokens;
  try {
    tokens = tokenize(source);
  } catch {
    return source;
  }
  let result = '';
  let at = 0;
  tokens.forEach((token, i) => {
    const next = tokens[i + 1];
    const isCall = next?.kind === 'operator' && next.operator === '(';
    if (token.kind === 'identifier' && token.name === from && !isCall) {
      result += source.slice(at, token.position) + to;
      at = token.position + token.text.length;
    }
  });
  return result + source.slice(at);
}

/**
 * A definition with one of its fields' key renamed everywhere this definition names it: formulas
 * (fields', rules', measures', follow-ups', tracking), rules' cells, measures' and dimensions'
 * fields, a measure's numerator or denominator naming the field, look-ups through it, the display
 * and period fields, seed rows' values. The designer calls it when an admin changes a key, so the
 * definition stays sound (the field itself keeps its `id`: its column is renamed, its data kept).
 * Other ledgers that name this field get renameForeignFieldKey (the API does it as it publishes).
 */
export function renameFieldKey(definition: LedgerDefinition, from: string, to: string): LedgerDefinition {
  const formula = (source: string | undefined) =>
    source === undefined ? undefined : renameInFormula(source, from, to);
  const key = (value: string | undefined) => (value === from ? to : value);
  const renamed = JSON.parse(JSON.stringify(definition)) as LedgerDefinition;
  const measureKeys = new Set((definition.measures ?? []).map((m) => m.key));
  for (const field of renamed.fields) {
    if (field.key === from) field.key = to;
    if (field.formula !== undefined) field.formula = formula(field.formula);
    if (field.lookup) field.lookup.reference = key(field.lookup.reference)!;
  }
  if (renamed.display !== undefined) renamed.display = key(renamed.display);
  if (renamed.periodField !== undefined) renamed.periodField = key(renamed.periodField);
  for (const rule of renamed.rules ?? []) {
    rule.check = formula(rule.check)!;
    if (rule.when !== undefined) rule.when = formula(rule.when);
    if (rule.fields) rule.fields = rule.fields.map((f) => key(f)!);
  }
  for (const measure of renamed.measures ?? []) {
    const m = measure as { field?: string; where?: string; numerator?: string; denominator?: string };
    if (m.field !== undefined) m.field = key(m.field);
    if (m.where !== undefined) m.where = formula(m.where);
    // a ratio's side names a measure first, a field otherwise
    if (m.numerator !== undefined && !measureKeys.has(m.numerator)) m.numerator = key(m.numerator);
    if (m.denominator !== undefined && !measureKeys.has(m.denominator)) m.denominator = key(m.denominator);
  }
  for (const dimension of renamed.dimensions ?? []) {
    if (dimension.field !== undefined) dimension.field = key(dimension.field);
  }
  for (const followUp of renamed.followUps ?? []) {
    followUp.when = formula(followUp.when)!;
    const values = followUp.values as Record<string, string>;
    for (const [target, source] of Object.entries(values)) values[target] = formula(source)!;
    const publicValues = (followUp.fromPublic?.values ?? {}) as Record<string, string>;
    for (const [target, source] of Object.entries(publicValues)) publicValues[target] = formula(source)!;
  }
  if (renamed.tracking) {
    if (renamed.tracking.open !== undefined) renamed.tracking.open = formula(renamed.tracking.open)!;
    if (renamed.tracking.overdue !== undefined) renamed.tracking.overdue = formula(renamed.tracking.overdue);
  }
  for (const row of renamed.seedRows ?? []) {
    if (Object.hasOwn(row.values, from))
      row.values = Object.fromEntries(Object.entries(row.values).map(([k, v]) => [k === from ? to : k, v]));
  }
  return renamed;
}

/** Renames the keys of an object whose keys are field keys, keeping their order. */
function renameKeys<T>(values: Record<string, T>, from: string, to: string): Record<string, T> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k === from ? to : k, v]));
}

/**
 * Another ledger's definition with ledger `ledgerKey`'s field `from` renamed `to` wherever it names
 * it: a reference's display field, a look-up's field through a reference to that ledger, a roll-up's
 * reference, field and condition over that ledger's rows, a derived figure's date field, and a
 * follow-up's values into that ledger. The same object when it names nothing of it.
 */
export function renameForeignFieldKey(
  definition: LedgerDefinition,
  ledgerKey: string,
  from: string,
  to: string,
): LedgerDefinition {
  if (definition.key === ledgerKey) return definition;
  const renamed = JSON.parse(JSON.stringify(definition)) as LedgerDefinition;
  let changed = false;
  const key = (value: string | undefined): string | undefined => {
    if (value !== from) return value;
    changed = true;
    return to;
  };
  // the fields whose values are rows of that ledger (their type says so: its spec's `target`)
  const pointsThere = new Set(
    renamed.fields.filter((f) => specOf(f).target?.(f)?.ledger === ledgerKey).map((f) => f.key),
  );
  for (const field of renamed.fields) {
    const reference = field as { display?: string };
    if (pointsThere.has(field.key) && reference.display !== undefined) reference.display = key(reference.display);
    if (field.lookup && pointsThere.has(field.lookup.reference)) field.lookup.field = key(field.lookup.field)!;
    if (field.rollup?.ledger === ledgerKey) {
      field.rollup.reference = key(field.rollup.reference)!;
      if (field.rollup.field !== undefined) field.rollup.field = key(field.rollup.field);
      if (field.rollup.where !== undefined) {
        const where = renameInFormula(field.rollup.where, from, to);
        changed ||= where !== field.rollup.where;
        field.rollup.where = where;
      }
    }
    if (field.derive?.ledger === ledgerKey) field.derive.date = key(field.derive.date)!;
  }
  for (const followUp of renamed.followUps ?? []) {
    if (followUp.ledger !== ledgerKey) continue;
    if (Object.hasOwn(followUp.values, from)) {
      followUp.values = renameKeys(followUp.values, from, to);
      changed = true;
    }
    if (followUp.fromPublic?.values && Object.hasOwn(followUp.fromPublic.values, from)) {
      followUp.fromPublic.values = renameKeys(followUp.fromPublic.values, from, to);
      changed = true;
    }
  }
  return changed ? renamed : definition;
}
