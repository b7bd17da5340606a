import type { NextFunction, Request, Response } from 'express';
import { logger } from './logger';

/** One log line per request with its duration; 5xx as errors, everything else as info. */
export function requestLogger(req: Request, res: Response, next: NextFunction): void {
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const body = req.body as { operationName?: unknown } | undefined;
    const entry = {
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
