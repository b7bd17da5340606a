import { AuthException } from '../identity/auth.exception';
import type { Principal } from '../identity/principal';
import type { SessionsService } from '../identity/sessions.service';

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
