import type { Principal } from './principal';
import { AuthException } from './auth.exception';

/**
 * Who may see what, in one place. Admins and leaders read every unit; a clerk reads only their
 * own. Only admins change units and users (the @Roles('admin') guard on those mutations).
 */
export function seesAllUnits(principal: Principal): boolean {
  return principal.role === 'admin' || principal.role === 'leader';
}

/**
 * Whether a caller sees row values as the field types redact them for readers outside the unit's
 * work (an identity number masked): leaders do; clerks and admins, who enter and correct the
 * rows, see them in full. Exports are redacted for everyone (files/export-layout.ts).
 */
export function seesRedactedValues(principal: Principal): boolean {
  return principal.role === 'leader';
}

export function assertCanReadUnit(principal: Principal, unitId: number): void {
  if (!seesAllUnits(principal) && principal.unitId !== unitId) throw AuthException.otherUnit();
}

/** The units a caller may read: null means every unit. */
export function readableUnitIds(principal: Principal): number[] | null {
  if (seesAllUnits(principal)) return null;
  return principal.unitId === null ? [] : [principal.unitId];
}
