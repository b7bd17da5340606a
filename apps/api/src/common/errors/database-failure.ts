import type { LocalizedText } from '@taizhang/domain';

/**
 * Failures that are the database's state, not the request's fault: PostgreSQL down or
 * restarting, read-only, out of disk. Nothing of the request was saved (its transaction
 * did not commit), and the same request may succeed later, so the answer says so:
 * `extensions.code` INTERNAL (the contract's list is closed), `reason` one of these, and
 * `retryable: true`.
 */
export type DatabaseFailureReason = 'DATABASE_UNAVAILABLE' | 'DATABASE_READ_ONLY' | 'DATABASE_FULL';

export interface DatabaseFailure {
  reason: DatabaseFailureReason;
  text: LocalizedText;
}

const TEXTS: Record<DatabaseFailureReason, LocalizedText> = {
  DATABASE_UNAVAILABLE: {
    'zh-CN': '数据库暂时无法连接，本次操作未保存，请稍后重试',
    en: 'The database cannot be reached right now; nothing was saved, please try again shortly',
  },
  DATABASE_READ_ONLY: {
    'zh-CN': '数据库当前为只读状态，本次操作未保存，请稍后重试或联系管理员',
    en: 'The database is read-only at the moment; nothing was saved, try again later or ask an administrator',
  },
  DATABASE_FULL: {
    'zh-CN': '数据库存储空间不足，本次操作未保存，请联系管理员',
    en: 'The database is out of space; nothing was saved, please tell an administrator',
  },
};

/** SQLSTATE classes and codes (PostgreSQL appendix A) that mean "the database, not you". */
function reasonOfSqlState(code: string): DatabaseFailureReason | null {
  if (code === '25006') return 'DATABASE_READ_ONLY'; // read_only_sql_transaction
  if (code === '53100') return 'DATABASE_FULL'; // disk_full
  if (code.startsWith('08')) return 'DATABASE_UNAVAILABLE'; // connection exception
  if (code.startsWith('57P')) return 'DATABASE_UNAVAILABLE'; // admin/crash shutdown, cannot connect now
  if (code === '53300' || code === '53200') return 'DATABASE_UNAVAILABLE'; // too many connections, out of memory
  return null;
}

/** Socket-level failures node-postgres reports while the server is going or gone. */
const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);
const CONNECTION_MESSAGES = [
  /^Connection terminated/,
  /^Client has encountered a connection error/,
  /^timeout exceeded when trying to connect/,
  /^Client was closed and is not queryable/,
];

function reasonOf(error: Error): DatabaseFailureReason | null {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_ERRNOS.has(code)) return 'DATABASE_UNAVAILABLE';
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return reasonOfSqlState(code);
  return CONNECTION_MESSAGES.some((pattern) => pattern.test(error.message)) ? 'DATABASE_UNAVAILABLE' : null;
}

/** The database failure behind an error (TypeORM wraps the driver's error), or null. */
export function databaseFailureOf(error: unknown): DatabaseFailure | null {
  let current = error;
  for (let depth = 0; current instanceof Error && depth < 4; depth += 1) {
    const reason = reasonOf(current);
    if (reason) return { reason, text: TEXTS[reason] };
    const wrapper = current as { driverError?: unknown; cause?: unknown };
    current = wrapper.driverError ?? wrapper.cause;
  }
  return null;
}
