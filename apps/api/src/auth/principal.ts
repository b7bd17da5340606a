import type { Request, Response } from 'express';
import type { Role } from '@taizhang/domain';

/** Who is calling: set on the request by the auth guard from the session. */
export interface Principal {
  userId: number;
  username: string;
  role: Role;
  unitId: number | null;
  sessionId: string;
}

export type AuthedRequest = Request & { principal?: Principal };

export interface GraphQLContext {
  req: AuthedRequest;
  res: Response;
}
