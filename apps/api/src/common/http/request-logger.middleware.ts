import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { logger } from './logger';

const REQUEST_ID = Symbol('requestId');

/**
 * A short random id for one request: on its log line, in the `X-Request-Id` header, and in the
 * answer to an unexpected error (`extensions.requestId`), so that what a user reads out finds the
 * server's log line with the whole error. Made here, never taken from the client: a client's id
 * could be made to collide with another request's.
 */
export function newRequestId(): string {
  return randomBytes(8).toString('hex');
}

/** The id `requestLogger` gave this request, or null for a request it did not see. */
export function requestIdOf(req: IncomingMessage | undefined | null): string | null {
  const id = (req as (IncomingMessage & { [REQUEST_ID]?: string }) | undefined | null)?.[REQUEST_ID];
  return typeof id === 'string' ? id : null;
}

/** One log line per request with its duration and id; 5xx as errors, everything else as info. */
export function requestLogger(req: Request, res: Response, next: NextFunction): void {
  const started = process.hrtime.bigint();
  const requestId = newRequestId();
  (req as Request & { [REQUEST_ID]?: string })[REQUEST_ID] = requestId;
  res.setHeader('X-Request-Id', requestId);
  res.on('finish', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const body = req.body as { operationName?: unknown } | undefined;
    const entry = {
      requestId,
      method: req.method,
      path: req.originalUrl.split('?')[0],
      status: res.statusCode,
      ms: Math.round(ms * 10) / 10,
      operation: typeof body?.operationName === 'string' ? body.operationName : undefined,
      userId: (req as Request & { principal?: { userId: number } }).principal?.userId,
    };
    if (res.statusCode >= 500) logger.error(entry, 'request');
    else logger.info(entry, 'request');
  });
  next();
}
