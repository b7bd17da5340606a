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
  return typeof input === 'string' ? input : String(input);
}
