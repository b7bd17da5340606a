import type { LedgerDefinition } from './types';

/**
 * Whether a unit fills (or, for a public ledger, takes answers into) a ledger: its kind or its
 * code is among the definition's fillers; none named means every unit.
 */
export function unitFills(
  definition: Pick<LedgerDefinition, 'fillers'>,
  unit: { kind: string; code: string },
): boolean {
  const fillers = definition.fillers;
  if (!fillers || (!fillers.unitKinds?.length && !fillers.units?.length)) return true;
  return Boolean(
    (fillers.unitKinds as readonly string[] | undefined)?.includes(unit.kind) || fillers.units?.includes(unit.code),
  );
}
