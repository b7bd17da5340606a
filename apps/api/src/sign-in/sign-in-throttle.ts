import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/**
 * Failure counters for password checks (sign-in and changePassword's current password), kept in
 * PostgreSQL so that every API process counts together. There is no hard lock: each counter
 * gives a number of free failures (its allowance), then every further failure doubles the wait
 * before the next attempt is even checked (2 s, 4 s, 8 s … at most 15 minutes). Three counters:
 *
 * - `pair`: one account name from one address. Always applies: an address pays for its own
 *   guesses at one account, whoever is behind it.
 * - `address`: every name from one address (spraying one password over many accounts).
 * - `account`: one name from every address (guesses spread over many addresses).
 *
 * The address and account counters do not apply to an address that has proven itself for the
 * account: a session of that user was opened from that address in the last 30 days. So failures
 * from addresses that never signed in to an account can slow everyone else who tries it, but
 * never keep its user out from where they usually sign in. Names are counted as typed, known or
 * not, so an unknown name is treated exactly as an account: the answers tell nothing.
 *
 * Every attempt counts before its password is checked (so a burst of parallel guesses cannot
 * all pass the check at once); a right password takes its count back. An attempt that is
 * refused counts only against the counters that refused it: waiting is the only way out. A
 * counter with no failure for an hour starts again from zero.
 */
export const ALLOWANCE = { pair: 5, address: 20, account: 20 } as const;
export const MAX_WAIT_SECONDS = 15 * 60;
export const PROVEN_DAYS = 30;
const QUIET_RESET = '1 hour';

type Kind = keyof typeof ALLOWANCE;

interface Counter {
  key: string;
  kind: Kind;
  username: string | null;
}

export interface Attempt {
  /** Seconds to wait if the attempt was refused without a check; null if it may be checked. */
  refusedForSeconds: number | null;
  /** Call when the password was right: the attempt takes back its count. */
  succeeded(): Promise<void>;
}

/** The wait after `failures` on a counter with this allowance, in SQL. */
function blockedUntilSql(failures: string, allowance: string): string {
  return `CASE WHEN ${failures} >= ${allowance}
    THEN now() + make_interval(secs => least(power(2, least(${failures} - ${allowance} + 1, 20)), ${MAX_WAIT_SECONDS}))
    END`;
}

@Injectable()
export class SignInThrottle {
  /** performance.now() of the last sweep of stale counters in this process. */
  private lastSweep = -Infinity;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Counts an attempt at `username` (lower case, as typed) from `address` and tells whether it
   * may be checked. `userId`: the account's, if the name exists (only to see whether the address
   * has proven itself; an unknown name never has).
   */
  async attempt(username: string, userId: number | null, address: string | null): Promise<Attempt> {
    const from = address ?? 'unknown';
    const counters: Counter[] = [
      { key: `pair:${from} ${username}`, kind: 'pair', username },
      { key: `address:${from}`, kind: 'address', username: null },
      { key: `account:${username}`, kind: 'account', username },
    ];
    const proven = await this.proven(userId, address);
    const applies = (kind: Kind) => kind === 'pair' || !proven;

    const refusedFor = await this.db.transaction(async (tx) => {
      // the rows exist first, so that FOR UPDATE serialises every attempt on them
      const sorted = [...counters].sort((a, b) => a.key.localeCompare(b.key));
      await tx.query(
        `INSERT INTO sign_in_throttle (key, username, allowance)
         SELECT * FROM unnest($1::text[], $2::text[], $3::int[])
         ON CONFLICT (key) DO NOTHING`,
        [sorted.map((c) => c.key), sorted.map((c) => c.username), sorted.map((c) => ALLOWANCE[c.kind])],
      );
      const rows = (await tx.query(
        `SELECT key, blocked_until > now() AS blocking FROM sign_in_throttle WHERE key = ANY($1) ORDER BY key FOR UPDATE`,
        [sorted.map((c) => c.key)],
      )) as { key: string; blocking: boolean | null }[];
      const blocking = new Set(rows.filter((row) => row.blocking).map((row) => row.key));
      const refusing = counters.filter((c) => applies(c.kind) && blocking.has(c.key));
      const counted = refusing.length > 0 ? refusing : counters;
      const failures = `CASE WHEN last_failure_at < now() - interval '${QUIET_RESET}'
                              AND coalesce(blocked_until, '-infinity') < now() THEN 1 ELSE failures + 1 END`;
      const updated = (await tx.query(
        `UPDATE sign_in_throttle
            SET failures = ${failures},
                last_failure_at = now(),
                blocked_until = ${blockedUntilSql(failures, 'allowance')}
          WHERE key = ANY($1)
          RETURNING key, ceil(extract(epoch FROM blocked_until - now()))::int AS wait`,
        [counted.map((c) => c.key)],
      )) as { key: string; wait: number | null }[];
      if (refusing.length === 0) return null;
      return Math.max(1, ...updated.map((row) => row.wait ?? 0));
    });
    await this.sweep();

    return {
      refusedForSeconds: refusedFor,
      succeeded: async () => {
        if (refusedFor !== null) return;
        const [pair, ...others] = counters;
        await this.db.query(`DELETE FROM sign_in_throttle WHERE key = $1`, [pair.key]);
        await this.db.query(
          `UPDATE sign_in_throttle
              SET failures = greatest(failures - 1, 0),
                  blocked_until = CASE WHEN failures - 1 < allowance THEN NULL ELSE blocked_until END
            WHERE key = ANY($1)`,
          [others.map((c) => c.key)],
        );
      },
    };
  }

  /** An admin set a new password: nobody's guesses at the old one count against it any more. */
  async forgetAccount(username: string): Promise<void> {
    await this.db.query(`DELETE FROM sign_in_throttle WHERE username = $1`, [username]);
  }

  /** A session of this user was opened from this address in the last PROVEN_DAYS. */
  private async proven(userId: number | null, address: string | null): Promise<boolean> {
    // asked for unknown names too (user -1), so both take the same time
    const [row] = (await this.db.query(
      `SELECT EXISTS (SELECT 1 FROM sessions WHERE user_id = $1 AND ip = $2
                         AND created_at > now() - make_interval(days => $3)) AS proven`,
      [userId ?? -1, address ?? '', PROVEN_DAYS],
    )) as { proven: boolean }[];
    return userId !== null && address !== null && row.proven;
  }

  /** Counters quiet for a day and not blocking are dropped, at most once a minute per process. */
  private async sweep(): Promise<void> {
    const now = performance.now();
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    await this.db.query(
      `DELETE FROM sign_in_throttle
        WHERE last_failure_at < now() - interval '1 day' AND coalesce(blocked_until, '-infinity') < now()`,
    );
  }
}
