import { Injectable } from '@nestjs/common';
import { isRole } from '@taizhang/domain';
import { AuthAuditService, type RequestMeta } from '../audit/auth-audit.service';
import type { UserEntity } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { AuthException } from './auth.exception';
import { verifyPassword, wasteTimeLikeAVerify } from './password-hasher';
import type { Principal } from './principal';
import { SessionsService } from './sessions.service';

/** Five wrong passwords in a row lock the account for fifteen minutes. */
export const MAX_FAILED_SIGN_INS = 5;
export const LOCK_MINUTES = 15;

export interface SignedIn {
  token: string;
  expiresAt: Date;
  user: UserEntity;
}

/** Sign-in, sign-out and password changes, each written to the audit trail. */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly audit: AuthAuditService,
  ) {}

  async signIn(username: string, password: string, meta: RequestMeta): Promise<SignedIn> {
    const typed = username.trim().toLowerCase();
    const user = await this.users.findForSignIn(typed);
    if (!user) {
      await wasteTimeLikeAVerify(password);
      await this.audit.record(
        'sign_in_failed',
        { username: typed, userId: null, success: false, reason: 'unknown_user' },
        meta,
      );
      throw AuthException.badCredentials();
    }
    const who = { username: user.username, userId: user.id };

    if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
      await this.audit.record('sign_in_failed', { ...who, success: false, reason: 'locked' }, meta);
      throw AuthException.accountLocked(Math.ceil((user.lockedUntil.getTime() - Date.now()) / 60_000));
    }

    if (!(await verifyPassword(password, user.passwordHash))) {
      const failures = await this.users.countFailedSignIn(user.id);
      await this.audit.record('sign_in_failed', { ...who, success: false, reason: 'wrong_password' }, meta);
      if (failures >= MAX_FAILED_SIGN_INS) {
        await this.users.lock(user.id, LOCK_MINUTES);
        await this.audit.record(
          'account_locked',
          { ...who, success: false, reason: `${failures} failed sign-ins` },
          meta,
        );
        throw AuthException.accountLocked(LOCK_MINUTES);
      }
      throw AuthException.badCredentials();
    }

    // Said only to someone who knows the password, so it tells a guesser nothing.
    if (!user.active || !user.unitActive) {
      await this.audit.record('sign_in_failed', { ...who, success: false, reason: 'inactive' }, meta);
      throw AuthException.accountInactive();
    }

    await this.users.clearFailedSignIns(user.id);
    const session = await this.sessions.open(user.id, meta);
    await this.audit.record('sign_in', { ...who, success: true }, meta);
    return { ...session, user };
  }

  /** The caller behind a token. */
  async authenticate(token: string): Promise<Principal> {
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
    };
  }

  async signOut(principal: Principal, meta: RequestMeta): Promise<void> {
    await this.sessions.revoke(principal.sessionId);
    await this.audit.record(
      'sign_out',
      { username: principal.username, userId: principal.userId, success: true },
      meta,
    );
  }

  async changePassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
    const hash = await this.users.findPasswordHash(principal.userId);
    if (!hash || !(await verifyPassword(currentPassword, hash))) throw AuthException.wrongCurrentPassword();
    await this.users.setPassword(principal.userId, newPassword, 'newPassword');
    await this.sessions.revokeAllOf(principal.userId, principal.sessionId);
  }
}
