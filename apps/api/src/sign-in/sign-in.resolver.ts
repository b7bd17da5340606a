import { Args, Context, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Inject } from '@nestjs/common';
import type { CookieOptions } from 'express';
import { APP_CONFIG } from '../config/config.token';
import type { AppConfig } from '../config/app-config';
import { AllowedBeforePasswordChange, CurrentPrincipal, Public } from '../identity/auth.decorators';
import type { AuthedRequest, GraphQLContext, Principal, RequestMeta } from '../identity/principal';
import { SESSION_COOKIE } from '../identity/session-token';
import { UserModel } from '../users/user.model';
import { UsersService } from '../users/users.service';
import { SessionModel } from './session.model';
import { SignInService } from './sign-in.service';

function metaOf(req: AuthedRequest): RequestMeta {
  return { ip: req.ip ?? null, userAgent: req.headers['user-agent'] ?? null };
}

@Resolver()
export class SignInResolver {
  constructor(
    private readonly signIns: SignInService,
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private cookieOptions(): CookieOptions {
    // No max-age: the browser forgets it on close, and the server ends it after the idle limit.
    return { httpOnly: true, sameSite: 'lax', secure: this.config.cookieSecure, path: '/' };
  }

  @Public()
  @Mutation(() => SessionModel, {
    description: 'Signs in; sets the httpOnly session cookie and returns a bearer token.',
  })
  async signIn(
    @Args('username', { type: () => String }) username: string,
    @Args('password', { type: () => String }) password: string,
    @Context() { req, res }: GraphQLContext,
  ): Promise<SessionModel> {
    const signedIn = await this.signIns.signIn(username, password, metaOf(req));
    res.cookie(SESSION_COOKIE, signedIn.token, this.cookieOptions());
    return Object.assign(new SessionModel(), {
      token: signedIn.token,
      expiresAt: signedIn.expiresAt,
      user: UserModel.of(signedIn.user),
    });
  }

  @AllowedBeforePasswordChange()
  @Mutation(() => Boolean, { description: 'Ends the current session; its cookie and token stop working at once.' })
  async signOut(@CurrentPrincipal() principal: Principal, @Context() { req, res }: GraphQLContext): Promise<boolean> {
    await this.signIns.signOut(principal, metaOf(req));
    res.clearCookie(SESSION_COOKIE, this.cookieOptions());
    return true;
  }

  @AllowedBeforePasswordChange()
  @Query(() => UserModel, { description: 'The signed-in user.' })
  async me(@CurrentPrincipal() principal: Principal): Promise<UserModel> {
    return UserModel.of(await this.users.findById(principal.userId));
  }

  @AllowedBeforePasswordChange()
  @Mutation(() => Boolean, {
    description:
      'Changes your own password; your other sessions end. A wrong current password counts as a failed sign-in.',
  })
  async changePassword(
    @CurrentPrincipal() principal: Principal,
    @Args('currentPassword', { type: () => String }) currentPassword: string,
    @Args('newPassword', { type: () => String }) newPassword: string,
    @Context() { req }: GraphQLContext,
  ): Promise<boolean> {
    await this.signIns.changePassword(principal, currentPassword, newPassword, metaOf(req));
    return true;
  }
}
