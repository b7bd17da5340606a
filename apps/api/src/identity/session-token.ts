import { createHash, randomBytes } from 'node:crypto';
import type { Request } from 'express';

export const SESSION_COOKIE = 'tz_session';

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSessionToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** The token from `Authorization: Bearer …` (API clients: a session's token or an API token), if any. */
export function bearerTokenOf(req: Pick<Request, 'headers'>): string | null {
  const header = req.headers.authorization;
  return header?.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() || null : null;
}

/** The token from `Authorization: Bearer …` (API clients) or the session cookie (the browser). */
export function sessionTokenOf(req: Request): string | null {
  if (req.headers.authorization?.toLowerCase().startsWith('bearer ')) return bearerTokenOf(req);
  const cookies = (req as Request & { cookies?: Record<string, string> }).cookies;
  return cookies?.[SESSION_COOKIE] || null;
}
