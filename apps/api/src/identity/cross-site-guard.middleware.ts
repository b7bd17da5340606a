import type { NextFunction, Request, Response } from 'express';
import { localeFromAcceptLanguage, type LocalizedText } from '@taizhang/domain';
import { sendHttpError } from '../common/errors/http-error-response';
import { SESSION_COOKIE } from './session-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const REFUSAL: LocalizedText = {
  'zh-CN': '已拒绝来自其他网站的请求：请在台账通页面内操作',
  en: 'A request from another site was refused: please use Taizhang itself',
};

/**
 * CSRF defence for cookie-authenticated requests. The browser sends the session cookie on its
 * own, so a page on another site could make it write (a form POSTed to /import, a GraphQL
 * mutation). Three layers:
 * - the cookie is SameSite=Lax (sign-in/sign-in.resolver.ts): no cookie on another site's POST;
 * - Apollo's CSRF prevention refuses GraphQL requests a form could send (no JSON content type
 *   and no `apollo-require-preflight` header);
 * - here: a state-changing request that authenticates with the cookie (not a bearer token,
 *   which a browser never attaches by itself) is refused when the browser says it came from
 *   another site (`Sec-Fetch-Site: cross-site`) or from another origin (`Origin` not this host).
 * Clients without a browser send neither header and are unaffected.
 */
export function crossSiteGuard(req: Request, res: Response, next: NextFunction): void {
  if (SAFE_METHODS.has(req.method) || !usesSessionCookie(req) || !comesFromElsewhere(req)) return next();
  const locale = localeFromAcceptLanguage(req.headers['accept-language']);
  sendHttpError(res, 403, REFUSAL[locale], { code: 'FORBIDDEN', reason: 'CROSS_SITE_REQUEST' });
}

export function usesSessionCookie(req: Request): boolean {
  if (req.headers.authorization?.toLowerCase().startsWith('bearer ')) return false;
  return Boolean((req as Request & { cookies?: Record<string, string> }).cookies?.[SESSION_COOKIE]);
}

export function comesFromElsewhere(req: Request): boolean {
  if (req.headers['sec-fetch-site'] === 'cross-site') return true;
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  const host = req.headers['x-forwarded-host'] ?? req.headers.host;
  try {
    return new URL(origin).host !== host;
  } catch {
    return true; // "null" (a sandboxed frame, a redirect) or garbage
  }
}
