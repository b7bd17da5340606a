import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '@taizhang/domain';
import { PUBLIC_KEY, requestOf, ROLES_KEY } from './auth.decorators';
import { AuthException } from './auth.exception';
import { AuthService } from './auth.service';
import { sessionTokenOf } from './session-token';

/**
 * The global guard: every resolver and route needs a valid session unless marked @Public, and
 * a @Roles list narrows who may call it. Registered as APP_GUARD, so a new resolver is guarded
 * without anyone remembering to.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) ?? false;
    const req = requestOf(context);
    if (!req.principal) {
      const token = sessionTokenOf(req);
      if (token) {
        try {
          req.principal = await this.auth.authenticate(token);
        } catch (error) {
          if (!isPublic) throw error;
        }
      }
    }
    if (isPublic) return true;
    if (!req.principal) throw AuthException.signInRequired();
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(req.principal.role)) throw AuthException.forbidden();
    return true;
  }
}
