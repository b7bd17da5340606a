import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { isRole, type Role } from '@taizhang/domain';
import { BEFORE_PASSWORD_CHANGE_KEY, PUBLIC_KEY, requestOf, ROLES_KEY } from './auth.decorators';
import { AuthException } from './auth.exception';
import { ApiTokenAuth } from './api-token-auth';
import { isApiToken } from './api-token';
import type { Principal } from './principal';
import { bearerTokenOf, sessionTokenOf } from './session-token';
import { SessionsService } from './sessions.service';
import { TOKEN_OPERATIONS } from './token-scopes';

/**
 * The global guard: every resolver and route needs a valid session unless marked @Public, and
 * a @Roles list narrows who may call it. Registered as APP_GUARD, so a new resolver is guarded
 * without anyone remembering to.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionsService,
    private readonly apiTokens: ApiTokenAuth,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) ?? false;
    const req = requestOf(context);
    if (!req.principal) {
      const token = sessionTokenOf(req);
      if (token) {
        try {
          // an API token over HTTP was taken by ApiTokenAuth's middleware already; here it is
          // one presented on the live socket (live/live-connection.ts), checked the same way
          req.principal =
            isApiToken(token) && token === bearerTokenOf(req)
              ? await this.apiTokens.authenticate(token, req.socket?.remoteAddress)
              : await this.authenticate(token);
        } catch (error) {
          if (!isPublic) throw error;
        }
      }
    }
    if (isPublic) return true;
    if (!req.principal) throw AuthException.signInRequired();
    if (
      req.principal.mustChangePassword &&
      !this.reflector.getAllAndOverride<boolean>(BEFORE_PASSWORD_CHANGE_KEY, targets)
    ) {
      throw AuthException.passwordChangeRequired();
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(req.principal.role)) throw AuthException.forbidden();
    if (req.principal.apiToken) this.assertInTokenScope(req.principal, context);
    return true;
  }

  /**
   * An API token (api-token-auth.ts) calls only its scope's operations (token-scopes.ts), on top of
   * what its role may: a query or mutation by name, a route by its path. Fields below an allowed
   * query are the query's.
   */
  private assertInTokenScope(principal: Principal, context: ExecutionContext): void {
    let operation: string;
    if (context.getType<string>() === 'graphql') {
      const info = GqlExecutionContext.create(context).getInfo<{ parentType: { name: string }; fieldName: string }>();
      const parent = info.parentType.name;
      if (parent !== 'Query' && parent !== 'Mutation' && parent !== 'Subscription') return;
      operation = `${parent.toLowerCase()}:${info.fieldName}`;
    } else {
      const path = this.reflector.get<string | string[] | undefined>(PATH_METADATA, context.getHandler());
      operation = `route:${Array.isArray(path) ? path[0] : (path ?? '')}`.replace(/^route:\//, 'route:');
    }
    if (!TOKEN_OPERATIONS[principal.apiToken!.scope].has(operation)) {
      throw AuthException.tokenScopeRefused(operation.replace(/^(query|mutation|subscription|route):/, ''));
    }
  }

  /** The caller behind a token. */
  private async authenticate(token: string): Promise<Principal> {
    const session = await this.sessions.use(token);
    if (!session) throw AuthException.signInRequired();
    if (session.expired) throw AuthException.sessionExpired();
    if (!session.active) throw AuthException.accountInactive();
    if (!isRole(session.role)) throw AuthException.forbidden();
    return {
      userId: session.userId,
      username: session.username,
      role: session.role,
      unitId: session.unitId,
      unitKind: session.unitKind,
      unitCode: session.unitCode,
      sessionId: session.id,
      mustChangePassword: session.mustChangePassword,
    };
  }
}
