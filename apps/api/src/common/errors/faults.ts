import type { LocalizedText } from '@taizhang/domain';
import type { DatabaseFailure } from './database-failure';
import { logger } from '../http/logger';

/**
 * A fault is an error that is not an answer: the database failing (database-failure.ts), or
 * anything unexpected (a failed SQL statement, a bug). Its detail — SQL, table names, the
 * database's message, a stack — goes to the log only, in any mode; the client gets the code
 * INTERNAL, a message in its language and the request's id (`requestId`), which finds the log
 * line that holds the whole error.
 */
export const INTERNAL_TEXT: LocalizedText = {
  'zh-CN': '服务器内部错误，请稍后重试',
  en: 'Internal server error, please try again later',
};

/** The message for an unexpected error, with the id to quote when reporting it. */
export function internalText(requestId: string): LocalizedText {
  return {
    'zh-CN': `${INTERNAL_TEXT['zh-CN']}（请求编号 ${requestId}）`,
    en: `${INTERNAL_TEXT.en} (request id ${requestId})`,
  };
}

/** The log line of a fault: its request id, the whole error (message, stack, SQL) and where. */
export function logFault(
  error: unknown,
  failure: DatabaseFailure | null,
  requestId: string,
  where: Record<string, unknown>,
): void {
  if (failure) {
    logger.warn({ requestId, ...where, err: error, reason: failure.reason }, 'the database failed a request');
  } else {
    logger.error({ requestId, ...where, err: error }, 'unexpected error in a request');
  }
}
