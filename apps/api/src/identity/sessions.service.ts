import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { databaseFailureOf } from '../common/errors/database-failure';
import { APP_CONFIG } from '../config/config.token';
import type { RequestMeta } from './principal';
import { SessionCache } from './session-cache';
import { hashSessionToken, newSessionToken } from './session-token';

/**
 * A session's last-seen time is written at most this often, not on every request; a session
 * looked up is also trusted from the cache for this long at most.
 */
const TOUCH_INTERVAL_SECONDS = 15;

export interface LiveSession {
  id: string;
  userId: number;
  username: string;
  role: string;
  unitId: number | null;
  unitKind: string | null;
  unitCode: string | null;
  /** The user and their unit are both active. */
  active: boolean;
  mustChangePassword: boolean;
  expired: boolean;
}

/**
 * The sessions table: tokens are random, stored only as SHA-256, and expire after
 * `sessionIdleMinutes` without use (the expiry slides forward as the session is used). A live
 * session found is kept in the SessionCache for a few seconds (see there for why it stays true).
 */
@Injectable()
export class SessionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly cache: SessionCache,
  ) {}

  private get idleSeconds(): number {
    return this.config.sessionIdleMinutes * 60;
  }

  async open(userId: number, meta: RequestMeta): Promise<{ token: string; expiresAt: Date }> {
    const token = newSessionToken();
    const [row] = (await this.db.query(
      `INSERT INTO sessions (token_hash, user_id, expires_at, ip, user_agent)
       VALUES ($1, $2, now() + make_interval(secs => $3), $4, $5)
       RETURNING expires_at`,
      [hashSessionToken(token), userId, this.idleSeconds, meta.ip, meta.userAgent?.slice(0, 300) ?? null],
    )) as { expires_at: Date }[];
    return { token, expiresAt: row.expires_at };
  }

  /** The session behind a token (null if unknown or revoked), its idle expiry pushed forward. */
  async use(token: string): Promise<LiveSession | null> {
    const tokenHash = hashSessionToken(token);
    const key = tokenHash.toString('base64');
    const cached = this.cache.get(key);
    if (cached) return cached;
    const ticket = this.cache.ticket();
    const rows = (await this.db.query(
      `SELECT s.id, s.user_id AS "userId", u.username, u.role, u.unit_id AS "unitId", un.kind AS "unitKind", un.code AS "unitCode",
              u.active AND coalesce(un.active, true) AS active, u.must_change_password AS "mustChangePassword",
              s.expires_at <= now() AS expired,
              s.last_seen_at < now() - make_interval(secs => $2) AS stale,
              extract(epoch FROM s.expires_at - now()) * 1000 AS "expiresInMs"
         FROM sessions s
         JOIN users u ON u.id = s.user_id
         LEFT JOIN units un ON un.id = u.unit_id
        WHERE s.token_hash = $1 AND s.revoked_at IS NULL`,
      [tokenHash, TOUCH_INTERVAL_SECONDS],
    )) as (LiveSession & { stale: boolean; expiresInMs: string })[];
    const session = rows[0];
    if (!session) return null;
    let expiresInMs = Number(session.expiresInMs);
    if (session.stale && !session.expired && (await this.touch(session.id))) expiresInMs = this.idleSeconds * 1000;
    const { stale: _stale, expiresInMs: _expiresIn, ...live } = session;
    if (live.active && !live.expired) {
      this.cache.put(key, live, ticket, Math.min(TOUCH_INTERVAL_SECONDS * 1000, expiresInMs));
    }
    return live;
  }

  /**
   * Pushes the idle expiry forward (false if it could not be); a read-only database (maintenance)
   * still lets people read.
   */
  private async touch(sessionId: string): Promise<boolean> {
    try {
      await this.db.query(
        `UPDATE sessions SET last_seen_at = now(), expires_at = now() + make_interval(secs => $2) WHERE id = $1`,
        [sessionId, this.idleSeconds],
      );
      return true;
    } catch (error) {
      if (databaseFailureOf(error)?.reason !== 'DATABASE_READ_ONLY') throw error;
      return false;
    }
  }

  async revoke(sessionId: string): Promise<void> {
    await this.db.query(`UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [sessionId]);
    this.cache.forgetAll();
  }

  /**
   * This process changed who may do what (a user's role, unit or state; a unit's): cached
   * sessions are forgotten now, not when PostgreSQL's notice arrives.
   */
  authChanged(): void {
    this.cache.forgetAll();
  }

  /** Ends every session of a user (password change or reset, deactivation), but `exceptSessionId`. */
  async revokeAllOf(userId: number, exceptSessionId?: string): Promise<void> {
    await this.db.query(
      `UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL AND id IS DISTINCT FROM $2`,
      [userId, exceptSessionId ?? null],
    );
    this.cache.forgetAll();
  }
}
