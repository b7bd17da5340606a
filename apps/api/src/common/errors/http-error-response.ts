import type { Response } from 'express';

/**
 * An error answered on plain HTTP (file routes, refusals before GraphQL), in the contract's
 * shape: `{ errors: [{ message, extensions: { code, reason, … } }] }`, the message already in
 * the caller's language. An unexpected error has no reason, only its `requestId` (faults.ts).
 */
export function sendHttpError(
  response: Response,
  status: number,
  message: string,
  extensions: { code: string; reason?: string } & Record<string, unknown>,
): void {
  response.status(status).json({ errors: [{ message, extensions }] });
}
