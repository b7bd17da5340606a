import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Role } from '@taizhang/domain';
import type { AuthedRequest, GraphQLContext, Principal } from './principal';

export const PUBLIC_KEY = 'taizhang:public';
export const ROLES_KEY = 'taizhang:roles';
export const BEFORE_PASSWORD_CHANGE_KEY = 'taizhang:before-password-change';

/** Open to anonymous callers (sign-in; later the public survey). Everything else needs a session. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/**
 * Open to a session whose user must first change their password (changePassword, me, signOut);
 * everything else refuses such a session with PASSWORD_CHANGE_REQUIRED.
 */
export const AllowedBeforePasswordChange = () => SetMetadata(BEFORE_PASSWORD_CHANGE_KEY, true);

/** Only these roles may call it. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export function requestOf(context: ExecutionContext): AuthedRequest {
  if (context.getType<string>() === 'graphql') {
    return GqlExecutionContext.create(context).getContext<GraphQLContext>().req;
  }
  return context.switchToHttp().getRequest<AuthedRequest>();
}

/** The signed-in caller (the guard has made sure there is one). */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal => requestOf(context).principal as Principal,
);
