import type { FieldDefinition, LedgerModel, ParseContext } from '@taizhang/ledger-core';

/**
 * What goes into a cell when someone types, pastes, fills or undoes: text is read the lenient
 * way the field type reads Excel and WPS text ("2023/3/1", "50%", "1,200", an option's label),
 * and the canonical value is stored. Text that does not parse is kept as typed — it is then
 * the cell's error, and nothing typed is lost. `context` gives short forms their year and day
 * ("12/5", a bare "11:50": ledger-core's rowParseContext).
 */
export function cellInput(model: LedgerModel, field: FieldDefinition, input: unknown, context?: ParseContext): unknown {
  if (input === null || input === undefined) return null;
  const spec = model.spec(field);
  const outcome = typeof input === 'string' ? spec.parse(input, field, context) : spec.normalize(input, field);
  if (outcome.ok) return outcome.value;
  if (typeof input === 'string') {
    const picked = pickedOption(model, field, input);
    if (picked !== null) return picked;
  }
  return typeof input === 'string' ? input : String(input);
}

/**
 * A choice typed by its start, as a clerk picks from a list: 网 → 网上 when exactly one option's
 * label (or value) starts with it, else exactly one contains it. Only in the grid's pick-one
 * lists: an import or the API never guesses.
 */
export function pickedOption(model: LedgerModel, field: FieldDefinition, text: string): unknown {
  const spec = model.spec(field);
  const grid = spec.grid(field, 'zh-CN');
  const typed = text.trim();
  if (grid.editor !== 'dropdown' || typed === '') return null;
  const labels = new Map<string, string>();
  for (const locale of ['zh-CN', 'en'] as const) {
    for (const option of spec.grid(field, locale).options ?? []) {
      labels.set(option.label, option.value);
      labels.set(option.value, option.value);
    }
  }
  const unique = (match: (label: string) => boolean) => {
    const values = new Set([...labels].filter(([label]) => match(label)).map(([, value]) => value));
    return values.size === 1 ? [...values][0] : null;
  };
  const value = unique((label) => label.startsWith(typed)) ?? unique((label) => label.includes(typed));
  return value !== null && spec.normalize(value, field).ok ? value : null;
}
