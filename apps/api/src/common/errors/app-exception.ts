import type { ErrorCode, LocalizedText } from '@taizhang/domain';

export interface FieldProblemText {
  /** A JSON pointer or a field key. */
  path: string;
  message: LocalizedText;
}

/**
 * The one error type that features throw. Each feature's `<feature>.exception.ts` builds these
 * with its own reasons and messages; `graphql-errors.ts` turns them into the contract's shape in
 * the caller's language.
 */
export class AppException extends Error {
  /** On a plain HTTP route: a status finer than the code's (413 for a file too large, 415 for a kind refused). */
  httpStatus?: number;

  constructor(
    readonly code: ErrorCode,
    /** A stable machine-readable detail, e.g. ACCOUNT_LOCKED. */
    readonly reason: string,
    readonly text: LocalizedText,
    readonly problems: FieldProblemText[] = [],
  ) {
    super(text.en);
    this.name = 'AppException';
  }
}
