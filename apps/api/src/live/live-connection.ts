import type { IncomingMessage } from 'node:http';
import { GraphQLError, type ExecutionArgs, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { Context, SubscribePayload } from 'graphql-ws';
import type { Extra } from 'graphql-ws/use/ws';
import { formatLiveErrors } from '../common/errors/graphql-errors';
import { checkOperation } from '../common/graphql/query-limits';
import { comesFromElsewhere, usesSessionCookie } from '../identity/cross-site-guard.middleware';
import type { AuthedRequest } from '../identity/principal';
import { sessionTokenOf } from '../identity/session-token';
import { LiveException } from './live.exception';
import {
  LiveLimits,
  MAX_CONNECTIONS_PER_SESSION,
  MAX_SUBSCRIPTIONS_PER_CONNECTION,
  MAX_SUBSCRIPTIONS_PER_SESSION,
  TOO_MANY_CONNECTIONS_CLOSE,
} from './live-limits';

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

type AnyContext = Context<Record<string, unknown> | undefined, unknown>;

/** An AppException as graphql-ws sends errors: graphql-errors.ts shapes it as over HTTP. */
const refusalOf = (error: Error) => new GraphQLError(error.message, { originalError: error });

/**
 * The graphql-ws server's options (docs/live.md, "Who receives what" and "Limits"): a connection
 * authenticated by the session cookie from another site's page is refused at once (4403), as the
 * cross-site guard refuses such a request; one over its session's connections closed (4429). Each
 * operation is parsed and validated as over HTTP (query-limits.ts: depth, aliases, cost, size) and
 * a subscription counted against the connection's and the session's limits; who the caller is and
 * what they may read is the auth guard's and the resolver's, on every subscription.
 * `schemaOf`: the schema NestJS built (compiled-execution.ts).
 */
export function liveConnectionOptions(schemaOf: () => GraphQLSchema) {
  const limits = new LiveLimits();
  return {
    path: '/graphql',
    onConnect(ctx: AnyContext): boolean {
      const live = ctx as LiveContext;
      const req = liveRequestOf(live.extra.request, live.connectionParams);
      if (usesSessionCookie(req) && comesFromElsewhere(req)) return false;
      if (limits.open(live, sessionTokenOf(req))) return true;
      live.extra.socket.close(
        TOO_MANY_CONNECTIONS_CLOSE,
        `LIVE_CONNECTIONS_PER_SESSION: more than ${MAX_CONNECTIONS_PER_SESSION} live connections for this sign-in`,
      );
      return false;
    },
    onClose(ctx: AnyContext): void {
      limits.close(ctx);
    },
    onSubscribe(ctx: AnyContext, id: string, payload: SubscribePayload): ExecutionArgs | readonly GraphQLError[] {
      const schema = schemaOf();
      const checked = checkOperation(schema, payload);
      if ('errors' in checked) return checked.errors;
      const args: ExecutionArgs = {
        schema,
        document: checked.document,
        operationName: payload.operationName,
        variableValues: payload.variables,
      };
      const isSubscription = checked.document.definitions.some(
        (definition) =>
          definition.kind === 'OperationDefinition' &&
          definition.operation === 'subscription' &&
          (!payload.operationName || definition.name?.value === payload.operationName),
      );
      if (!isSubscription) return args;
      const over = limits.admit(ctx, id);
      if (over === 'connection')
        return [refusalOf(LiveException.tooManyOnConnection(MAX_SUBSCRIPTIONS_PER_CONNECTION))];
      if (over === 'session') return [refusalOf(LiveException.tooManyInSession(MAX_SUBSCRIPTIONS_PER_SESSION))];
      return args;
    },
    // errors as over HTTP: the contract's codes, the caller's language (Apollo's plugins do not run here)
    onNext(ctx: AnyContext, _id: string, _payload: unknown, _args: unknown, result: ExecutionResult) {
      if (!result.errors) return undefined;
      return { ...result, errors: formatLiveErrors(result.errors, languageOf(ctx)) };
    },
    onError(ctx: AnyContext, _id: string, _payload: unknown, errors: readonly GraphQLError[]) {
      return formatLiveErrors(errors, languageOf(ctx));
    },
  };
}

const languageOf = (ctx: AnyContext) => (ctx as LiveContext).extra.request.headers['accept-language'];

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
