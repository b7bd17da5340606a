import { Injectable } from '@nestjs/common';
import { AppException } from '../common/errors/app-exception';
import { ApiTokenAuth } from '../identity/api-token-auth';
import { AuthException } from '../identity/auth.exception';
import type { Principal } from '../identity/principal';
import { SessionsService } from '../identity/sessions.service';
import type { UnitScope } from '../ledger-tables/row-scope';

/**
 * Whether a live subscription's caller may still be served: checked before each thing it is sent,
 * since a socket outlives the request that opened it (docs/live.md, "Who receives what").
 */
@Injectable()
export class LiveCallers {
  constructor(
    private readonly sessions: SessionsService,
    private readonly apiTokens: ApiTokenAuth,
  ) {}

  /**
   * Why the subscription may no longer be served (null: it may). A session signed out, expired,
   * deactivated, or given another role or unit ends it; an API token revoked, expired, whose
   * creator is no longer an active admin, or narrowed otherwise, too (the same check as each HTTP
   * request's, api-token-auth.ts, without counting against the token's rate).
   */
  async refusal(principal: Principal, token: string | null): Promise<Error | null> {
    if (token === null) return null;
    if (principal.apiToken) return this.tokenRefusal(principal, token);
    const session = await this.sessions.use(token);
    if (!session) return AuthException.signInRequired();
    if (session.expired) return AuthException.sessionExpired();
    if (!session.active) return AuthException.accountInactive();
    if (session.role !== principal.role || session.unitId !== principal.unitId) return AuthException.forbidden();
    return null;
  }

  private async tokenRefusal(principal: Principal, token: string): Promise<Error | null> {
    let now: Principal;
    try {
      now = await this.apiTokens.principalOf(token);
    } catch (error) {
      if (error instanceof AppException) return error;
      throw error;
    }
    const same =
      now.role === principal.role &&
      now.unitId === principal.unitId &&
      now.apiToken?.scope === principal.apiToken?.scope &&
      JSON.stringify(now.apiToken?.ledgers) === JSON.stringify(principal.apiToken?.ledgers);
    return same ? null : AuthException.forbidden();
  }
}

/** The unit a subscription watches (its scope's one unit), 0 when it watches every unit or several. */
export function watchedUnit(scope: UnitScope): number {
  return 'units' in scope && scope.units.length === 1 ? scope.units[0] : 0;
}
