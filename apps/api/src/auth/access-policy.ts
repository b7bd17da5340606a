import type { Principal } from './principal';
import { AuthException } from './auth.exception';

/**
 * Who may see what, in one place. Admins and leaders read every unit; a clerk reads only their
 * own. Only admins change units and users (the @Roles('admin') guard on those mutations).
 */
export function seesAllUnits(principal: Principal): boolean {
  return principal.role === 'admin' || principal.role === 'leader';
}

export function assertCanReadUnit(principal: Principal, unitId: number): void {
  if (!seesAllUnits(principal) && principal.unitId !== unitId) throw AuthException.otherUnit();
}

/** The units a caller may read: null means every unit. */
export function readableUnitIds(principal: Principal): number[] | null {
  if (seesAllUnits(principal)) return null;
  return principal.unitId === null ? [] : [principal.unitId];
}
