import { HttpException } from '@nestjs/common';
import type { ErrorCode, LocalizedText } from '@taizhang/domain';

/**
 * A client's mistake caught before any of our code ran: Express's body parser refusing the body
 * (not JSON, too large, an unknown charset or encoding), a path that does not decode, a route
 * that does not exist. Nest would answer these as `{ statusCode, message }` in English; this
 * puts them in the contract's error shape with a message in the caller's language.
 */
export interface ClientError {
  status: number;
  code: ErrorCode;
  reason: string;
  text: LocalizedText;
}

/** Enough of the parser's own (English) detail to say what is wrong, never the whole input. */
const detailOf = (message: string) => (message.length > 200 ? `${message.slice(0, 200)}…` : message);

function statusOf(exception: unknown): number | null {
  if (exception instanceof HttpException) return exception.getStatus();
  if (!(exception instanceof Error)) return null;
  // body-parser's errors (http-errors): a status and `expose` when the message is meant for the client
  const { status, statusCode, expose } = exception as { status?: unknown; statusCode?: unknown; expose?: unknown };
  const code = typeof status === 'number' ? status : statusCode;
  return typeof code === 'number' && expose === true ? code : null;
}

export function clientErrorOf(exception: unknown): ClientError | null {
  const status = statusOf(exception);
  if (status === null || status < 400 || status >= 500) return null;
  const detail = detailOf((exception as Error).message);
  if (status === 413) {
    const limit = (exception as { limit?: unknown }).limit;
    const mb = typeof limit === 'number' ? Math.round(limit / 1024 / 1024) : null;
    return {
      status,
      code: 'BAD_USER_INPUT',
      reason: 'REQUEST_TOO_LARGE',
      text: {
        'zh-CN': mb ? `请求内容过大（上限 ${mb} MB）` : '请求内容过大',
        en: mb ? `The request is too large (at most ${mb} MB)` : 'The request is too large',
      },
    };
  }
  if (status === 415) {
    return {
      status,
      code: 'BAD_USER_INPUT',
      reason: 'UNSUPPORTED_ENCODING',
      text: { 'zh-CN': `不支持的请求编码或字符集：${detail}`, en: `Unsupported request encoding: ${detail}` },
    };
  }
  if (status === 404) {
    return {
      status,
      code: 'NOT_FOUND',
      reason: 'ROUTE_NOT_FOUND',
      text: { 'zh-CN': `没有这个接口：${detail}`, en: `No such endpoint: ${detail}` },
    };
  }
  const refusal = REFUSAL_CODES[status];
  if (refusal) {
    return {
      status,
      code: refusal,
      reason: refusal,
      text: { 'zh-CN': `请求被拒绝：${detail}`, en: `The request was refused: ${detail}` },
    };
  }
  return {
    status,
    code: 'BAD_USER_INPUT',
    reason: 'BAD_REQUEST',
    text: { 'zh-CN': `请求格式错误：${detail}`, en: `The request is malformed: ${detail}` },
  };
}

/** Other 4xx statuses that have a code of their own in the contract; the rest are BAD_USER_INPUT. */
const REFUSAL_CODES: Record<number, ErrorCode> = {
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  409: 'CONFLICT',
  423: 'LOCKED',
  429: 'RATE_LIMITED',
};
