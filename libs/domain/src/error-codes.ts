/**
 * The error codes of the public GraphQL contract (`extensions.code`). Every error the API
 * returns carries one of these; finer detail goes to `extensions.reason`.
 */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'LOCKED',
  'RATE_LIMITED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** One problem with one input: a JSON pointer or field key, and a message in the user's language. */
export interface FieldProblem {
  path: string;
  message: string;
}
