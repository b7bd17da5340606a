import { AuthException } from '../identity/auth.exception';
import type { Principal } from '../identity/principal';
import type { SessionsService } from '../identity/sessions.service';
import type { UnitScope } from '../ledger-tables/row-scope';

/**
 * Why a live subscription may no longer be served (null: it may): checked before each thing it
 * is sent, since a socket outlives the request that opened it. Signed out, expired, deactivated,
 * or given another role or unit ends it (docs/live.md, "Who receives what").
 */
export async function liveRefusal(
  sessions: SessionsService,
  principal: Principal,
  token: string | null,
): Promise<Error | null> {
  if (token === null) return null;
  const session = await sessions.use(token);
  if (!session) return AuthException.signInRequired();
  if (session.expired) return AuthException.sessionExpired();
  if (!session.active) return AuthException.accountInactive();
  if (session.role !== principal.role || session.unitId !== principal.unitId) return AuthException.forbidden();
  return null;
}

/** The unit a subscription watches (its scope's one unit), 0 when it watches every unit or several. */
export function watchedUnit(scope: UnitScope): number {
  return 'units' in scope && scope.units.length === 1 ? scope.units[0] : 0;
}
