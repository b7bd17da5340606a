import { Injectable } from '@nestjs/common';
import { AuthAuditService } from '../audit/auth-audit.service';
import { AuthException } from '../identity/auth.exception';
import { verifyPassword, wasteTimeLikeAVerify } from '../identity/password-hasher';
import type { Principal, RequestMeta } from '../identity/principal';
import { SessionsService } from '../identity/sessions.service';
import type { UserEntity } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { SignInException } from './sign-in.exception';

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
export class SignInService {
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
      throw SignInException.badCredentials();
    }
    const who = { username: user.username, userId: user.id };

    if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
      await this.audit.record('sign_in_failed', { ...who, success: false, reason: 'locked' }, meta);
      throw SignInException.accountLocked(Math.ceil((user.lockedUntil.getTime() - Date.now()) / 60_000));
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
        throw SignInException.accountLocked(LOCK_MINUTES);
      }
      throw SignInException.badCredentials();
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
    if (!hash || !(await verifyPassword(currentPassword, hash))) throw SignInException.wrongCurrentPassword();
    await this.users.setPassword(principal.userId, newPassword, 'newPassword');
    await this.sessions.revokeAllOf(principal.userId, principal.sessionId);
  }
}
