import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiTokenAuth } from './api-token-auth';
import { AuthGuard } from './auth.guard';
import { SessionCache } from './session-cache';
import { SessionsService } from './sessions.service';

/**
 * Who is calling, for every feature: the sessions (and their cache) and the global guard that
 * turns a request's token into a Principal. Signing in is a feature of its own (sign-in/), so the
 * guard needs neither users nor the audit trail. Features that end sessions (users, units) import
 * this module for SessionsService.
 */
@Module({
  providers: [SessionsService, SessionCache, ApiTokenAuth, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [SessionsService, ApiTokenAuth],
})
export class IdentityModule {}
