import { Injectable } from '@nestjs/common';
import { AuthAuditService } from '../audit/auth-audit.service';
import { AuthException } from '../identity/auth.exception';
import { passwordTooLong, verifyPassword, wasteTimeLikeAVerify } from '../identity/password-hasher';
import type { Principal, RequestMeta } from '../identity/principal';
import { SessionsService } from '../identity/sessions.service';
import type { UserEntity } from '../users/user.entity';
import { passwordProblems, UsersService } from '../users/users.service';
import { UsersException } from '../users/users.exception';
import { SignInThrottle } from './sign-in-throttle';
import { SignInException } from './sign-in.exception';

/** No username is longer (USERNAME_PATTERN: 32); a longer one is refused before any lookup. */
const MAX_TYPED_USERNAME = 64;

export interface SignedIn {
  token: string;
  expiresAt: Date;
  user: UserEntity;
}

/**
 * Sign-in, sign-out and password changes, each written to the audit trail. Every password check
 * goes through the SignInThrottle (growing waits per address, per name and per both; no lock
 * anyone can set off), and every attempt runs one scrypt whatever happens: an unknown name, a
 * refused attempt and a wrong password give the same answer in the same time.
 */
@Injectable()
export class SignInService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly audit: AuthAuditService,
    private readonly throttle: SignInThrottle,
  ) {}

  async signIn(username: string, password: string, meta: RequestMeta): Promise<SignedIn> {
    if (username.length > MAX_TYPED_USERNAME || username.includes('\u0000')) throw SignInException.impossibleUsername();
    if (passwordTooLong(password)) throw SignInException.passwordTooLong('password');
    const typed = username.trim().toLowerCase();
    const user = await this.users.findForSignIn(typed);
    const attempt = await this.throttle.attempt(typed, user?.id ?? null, meta.ip);
    const who = { username: user?.username ?? typed, userId: user?.id ?? null };

    if (attempt.refusedForSeconds !== null) {
      await wasteTimeLikeAVerify(password);
      await this.audit.record('sign_in_failed', { ...who, success: false, reason: 'throttled' }, meta);
      throw SignInException.tooManyAttempts(attempt.refusedForSeconds);
    }
    if (!user) {
      await wasteTimeLikeAVerify(password);
      await this.audit.record('sign_in_failed', { ...who, success: false, reason: 'unknown_user' }, meta);
      throw SignInException.badCredentials();
    }
    if (!(await verifyPassword(password, user.passwordHash))) {
      await this.audit.record('sign_in_failed', { ...who, success: false, reason: 'wrong_password' }, meta);
      throw SignInException.badCredentials();
    }
    await attempt.succeeded();

    // Said only to someone who knows the password, so it tells a guesser nothing.
    if (!user.active || !user.unitActive) {
      await this.audit.record('sign_in_failed', { ...who, success: false, reason: 'inactive' }, meta);
      throw AuthException.accountInactive();
    }

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

  /**
   * A wrong current password counts like a failed sign-in of the account from this address (a
   * stolen session must not become a way to guess the password); past the allowance even the
   * right one is refused until the wait is over.
   */
  async changePassword(
    principal: Principal,
    currentPassword: string,
    newPassword: string,
    meta: RequestMeta,
  ): Promise<void> {
    if (passwordTooLong(currentPassword)) throw SignInException.passwordTooLong('currentPassword');
    const problems = passwordProblems(newPassword, 'newPassword');
    if (problems.length > 0) throw UsersException.invalid(problems);
    const who = { username: principal.username, userId: principal.userId };

    const attempt = await this.throttle.attempt(principal.username, principal.userId, meta.ip);
    if (attempt.refusedForSeconds !== null) {
      await wasteTimeLikeAVerify(currentPassword);
      await this.audit.record('sign_in_failed', { ...who, success: false, reason: 'throttled_password_change' }, meta);
      throw SignInException.tooManyAttempts(attempt.refusedForSeconds);
    }
    const hash = await this.users.findPasswordHash(principal.userId);
    if (!hash || !(await verifyPassword(currentPassword, hash))) {
      await this.audit.record('sign_in_failed', { ...who, success: false, reason: 'wrong_current_password' }, meta);
      throw SignInException.wrongCurrentPassword();
    }
    await attempt.succeeded();
    if (principal.mustChangePassword && newPassword === currentPassword) throw SignInException.sameAsCurrent();
    await this.users.setPassword(principal.userId, newPassword, 'newPassword', { mustChange: false });
    await this.sessions.revokeAllOf(principal.userId, principal.sessionId);
  }
}
