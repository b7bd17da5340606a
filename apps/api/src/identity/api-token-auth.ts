import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { NextFunction, Request, Response } from 'express';
import type { DataSource } from 'typeorm';
import { localeFromAcceptLanguage } from '@taizhang/domain';
import { AppException } from '../common/errors/app-exception';
import { databaseFailureOf } from '../common/errors/database-failure';
import { sendHttpError } from '../common/errors/http-error-response';
import { runAsActor } from '../common/request-actor';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.token';
import { addressAllowed, hashApiToken, isApiToken, plainAddress } from './api-token';
import { AuthException } from './auth.exception';
import type { AuthedRequest, Principal } from './principal';
import { bearerTokenOf } from './session-token';
import { isTokenScope, ROLE_OF_SCOPE } from './token-scopes';

const HTTP_STATUS: Partial<Record<AppException['code'], number>> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
};

/** Last use is written at most this often per token, not on every request. */
const LAST_USED_EVERY_SECONDS = 60;

interface TokenRow {
  id: string;
  name: string;
  scope: string;
  ledgers: string[] | null;
  allowed_addresses: string[] | null;
  expired: boolean;
  revoked: boolean;
  stale: boolean;
  creator_ok: boolean;
  user_id: number;
  username: string;
  unit_id: number | null;
  unit_kind: string | null;
  unit_code: string | null;
  unit_active: boolean | null;
}

/**
 * Requests that carry `Authorization: Bearer tz_…` (another system's API token, docs/integration.md):
 * before GraphQL and the file routes, the token is looked up in PostgreSQL (every request: a revoke,
 * an expiry or the creator's deactivation refuses it at once, in every API process), its address and
 * its rate checked, and the request gets a Principal acting in the token's scope. A refusal is an
 * HTTP answer in the contract's error shape: 401 (unknown — never saying whether it exists —,
 * expired, revoked, creator no longer an active admin), 403 (address), 429 with Retry-After (rate).
 * Which operations the scope allows is the guard's (auth.guard.ts, token-scopes.ts).
 *
 * The rate limit counts per token in this process, in one-minute windows: with N API processes a
 * token may make up to N times the limit (docs/integration.md says so).
 */
@Injectable()
export class ApiTokenAuth {
  private readonly windows = new Map<number, { start: number; count: number }>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The Express middleware (bootstrap.ts installs it before GraphQL and the routes). */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    const bearer = bearerTokenOf(req);
    if (!bearer || !isApiToken(bearer)) return next();
    this.authenticate(bearer, req.socket.remoteAddress, res).then(
      (principal) => {
        (req as AuthedRequest).principal = principal;
        runAsActor({ apiTokenId: principal.apiToken!.id }, next);
      },
      (error: unknown) => {
        const status = error instanceof AppException ? HTTP_STATUS[error.code] : undefined;
        if (!(error instanceof AppException) || !status) return next(error);
        const refusal = error;
        const locale = localeFromAcceptLanguage(req.headers['accept-language']);
        sendHttpError(res, status, refusal.text[locale], { code: refusal.code, reason: refusal.reason });
      },
    );
  };

  /**
   * The caller behind a token for one request (an HTTP request, or a subscription started on the
   * live socket): checked (principalOf), its address too, and counted against its rate; a refusal
   * is an AppException. `res`, when given, gets Retry-After on a rate refusal.
   */
  async authenticate(token: string, remoteAddress: string | undefined, res?: Response): Promise<Principal> {
    const { principal, allowedAddresses, stale } = await this.lookUp(token);
    const address = plainAddress(remoteAddress);
    if (allowedAddresses.length > 0 && !addressAllowed(address, allowedAddresses)) {
      throw AuthException.tokenAddressRefused(address ?? '?');
    }
    const id = principal.apiToken!.id;
    const wait = this.spend(id);
    if (wait > 0) {
      res?.setHeader('Retry-After', String(wait));
      throw AuthException.tokenRateLimited(wait);
    }
    if (stale) await this.touch(id);
    return principal;
  }

  /**
   * The token as it is now, without counting a request: what a live subscription checks again
   * before each event (a revoke, an expiry or the creator's deactivation refuses it). A refusal is
   * an AppException.
   */
  async principalOf(token: string): Promise<Principal> {
    return (await this.lookUp(token)).principal;
  }

  private async lookUp(token: string): Promise<{ principal: Principal; allowedAddresses: string[]; stale: boolean }> {
    const rows = (await this.db.query(
      `SELECT t.id, t.name, t.scope, t.ledgers, t.allowed_addresses,
              t.expires_at <= now() AS expired, t.revoked_at IS NOT NULL AS revoked,
              (t.last_used_at IS NULL OR t.last_used_at < now() - make_interval(secs => $2)) AS stale,
              (c.active AND c.role = 'admin') AS creator_ok,
              c.id AS user_id, c.username, un.id AS unit_id, un.kind AS unit_kind, un.code AS unit_code, un.active AS unit_active
         FROM api_tokens t
         JOIN users c ON c.id = t.created_by
         LEFT JOIN units un ON un.id = t.unit_id
        WHERE t.token_hash = $1`,
      [hashApiToken(token), LAST_USED_EVERY_SECONDS],
    )) as TokenRow[];
    const row = rows[0];
    if (!row || !isTokenScope(row.scope)) throw AuthException.tokenInvalid();
    if (row.revoked) throw AuthException.tokenRevoked();
    if (row.expired) throw AuthException.tokenExpired();
    if (!row.creator_ok) throw AuthException.tokenCreatorInactive();
    if (row.unit_id !== null && row.unit_active === false) throw AuthException.accountInactive();
    const id = Number(row.id);
    const principal: Principal = {
      userId: row.user_id,
      username: row.username,
      role: ROLE_OF_SCOPE[row.scope],
      unitId: row.unit_id,
      unitKind: row.unit_kind,
      unitCode: row.unit_code,
      sessionId: `api-token:${id}`,
      mustChangePassword: false,
      apiToken: { id, name: row.name, scope: row.scope, ledgers: row.ledgers?.length ? row.ledgers : null },
    };
    return { principal, allowedAddresses: row.allowed_addresses ?? [], stale: row.stale };
  }

  /** Counts a request; answers the seconds to wait when the token is over its minute's limit. */
  private spend(id: number): number {
    const now = Date.now();
    let window = this.windows.get(id);
    if (!window || now - window.start >= 60_000) {
      if (this.windows.size > 10_000) this.windows.clear();
      window = { start: now, count: 0 };
      this.windows.set(id, window);
    }
    if (window.count >= this.config.tokenRequestsPerMinute) {
      return Math.max(1, Math.ceil((window.start + 60_000 - now) / 1000));
    }
    window.count += 1;
    return 0;
  }

  /** Last use, written at most once a minute; a read-only database (maintenance) still serves reads. */
  private async touch(id: number): Promise<void> {
    try {
      await this.db.query(`UPDATE api_tokens SET last_used_at = now() WHERE id = $1`, [id]);
    } catch (error) {
      if (databaseFailureOf(error)?.reason !== 'DATABASE_READ_ONLY') throw error;
    }
  }
}
