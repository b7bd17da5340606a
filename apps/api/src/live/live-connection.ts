import type { IncomingMessage } from 'node:http';
import type { ExecutionResult, GraphQLError } from 'graphql';
import type { Context } from 'graphql-ws';
import type { Extra } from 'graphql-ws/use/ws';
import { formatLiveErrors } from '../common/errors/graphql-errors';
import { comesFromElsewhere, usesSessionCookie } from '../identity/cross-site-guard.middleware';
import type { AuthedRequest } from '../identity/principal';

/** A graphql-ws connection's context: the upgrade request is in `extra`. */
type LiveContext = Context<Record<string, unknown> | undefined, Extra>;

/** The cookies of the upgrade request (Express's cookie-parser does not see WebSocket upgrades). */
export function cookiesOf(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const name = part.slice(0, at).trim();
    if (name in cookies) continue;
    try {
      cookies[name] = decodeURIComponent(part.slice(at + 1).trim());
    } catch {
      // a value that is not URI-encoded stays out, as cookie-parser leaves it undecoded
    }
  }
  return cookies;
}

/**
 * What the guard sees of a WebSocket connection, as of an HTTP request: the upgrade's headers and
 * cookies, and `connectionParams.authorization` (a client that cannot set headers on the upgrade)
 * as the Authorization header.
 */
function liveRequestOf(request: IncomingMessage, params: Record<string, unknown> | undefined): AuthedRequest {
  const authorization = typeof params?.authorization === 'string' ? params.authorization : undefined;
  return {
    headers: { ...request.headers, ...(authorization ? { authorization } : {}) },
    cookies: cookiesOf(request.headers.cookie),
    method: 'GET',
    url: request.url,
    ip: request.socket.remoteAddress,
    socket: request.socket,
  } as unknown as AuthedRequest;
}

/**
 * The graphql-ws server's options (docs/live.md, "Who receives what"): a connection authenticated
 * by the session cookie from another site's page is refused at once (4403), as the cross-site
 * guard refuses such a request; who the caller is and what they may read is the auth guard's and
 * the resolver's, on every subscription.
 */
export const liveConnectionOptions = {
  path: '/graphql',
  onConnect(ctx: Context<Record<string, unknown> | undefined, unknown>): boolean {
    const live = ctx as LiveContext;
    const req = liveRequestOf(live.extra.request, live.connectionParams);
    return !(usesSessionCookie(req) && comesFromElsewhere(req));
  },
  // errors as over HTTP: the contract's codes, the caller's language (Apollo's plugins do not run here)
  onNext(
    ctx: Context<Record<string, unknown> | undefined, unknown>,
    _id: string,
    _payload: unknown,
    _args: unknown,
    result: ExecutionResult,
  ) {
    if (!result.errors) return undefined;
    return { ...result, errors: formatLiveErrors(result.errors, languageOf(ctx)) };
  },
  onError(
    ctx: Context<Record<string, unknown> | undefined, unknown>,
    _id: string,
    _payload: unknown,
    errors: readonly GraphQLError[],
  ) {
    return formatLiveErrors(errors, languageOf(ctx));
  },
};

const languageOf = (ctx: Context<Record<string, unknown> | undefined, unknown>) =>
  (ctx as LiveContext).extra.request.headers['accept-language'];

/**
 * The GraphQL context of an operation on a live connection: a request of its own each time, so
 * that every subscription is authenticated afresh (the guard keeps the principal on the request).
 */
export function liveContextOf(ctx: LiveContext): { req: AuthedRequest } {
  return { req: liveRequestOf(ctx.extra.request, ctx.connectionParams) };
}

/** Whether a context call is graphql-ws's (an operation on a live connection), not Apollo's over HTTP. */
export function isLiveContext(arg: unknown): arg is LiveContext {
  const extra = typeof arg === 'object' && arg !== null && 'extra' in arg ? (arg as { extra: unknown }).extra : null;
  return typeof extra === 'object' && extra !== null && 'request' in extra && 'socket' in extra;
}
