import type { Request, Response } from 'express';
import type { Role } from '@taizhang/domain';
import type { TokenScopeName } from './token-scopes';

/** Who is calling: set on the request by the auth guard from the session. */
export interface Principal {
  userId: number;
  username: string;
  role: Role;
  unitId: number | null;
  /** The unit's kind and code as the session found them: which ledgers it fills, without a lookup. */
  unitKind: string | null;
  unitCode: string | null;
  sessionId: string;
  /** Until the user changes their password, only changePassword, me and signOut are open. */
  mustChangePassword: boolean;
  /**
   * Set when the caller is another system with an API token (api-token-auth.ts): the user is the
   * admin who made it, the role the scope's (token-scopes.ts), and the guard lets through only the
   * scope's operations.
   */
  apiToken?: ApiTokenCaller;
}

export interface ApiTokenCaller {
  id: number;
  name: string;
  scope: TokenScopeName;
  /** The ledgers it is narrowed to; null: every ledger its role may see. */
  ledgers: string[] | null;
}

/** The caller's unit as the session found it (its kind and code decide which ledgers it fills). */
export function unitOf(principal: Principal): { id: number; kind: string; code: string } | null {
  return principal.unitId !== null && principal.unitKind !== null && principal.unitCode !== null
    ? { id: principal.unitId, kind: principal.unitKind, code: principal.unitCode }
    : null;
}

export type AuthedRequest = Request & { principal?: Principal };

export interface GraphQLContext {
  req: AuthedRequest;
  res: Response;
}

/** Where a request came from, as the sessions and the sign-in audit trail record it. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}
