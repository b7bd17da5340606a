import { BadRequestException, InternalServerErrorException, NotFoundException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { clientErrorOf } from './http-client-errors';

/** What body-parser hands on (an http-errors error): a status, `expose`, its own fields. */
function parserError(status: number, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { status, statusCode: status, expose: status < 500, ...extra });
}

describe('a request refused before our code ran', () => {
  it('says how large a request may be', () => {
    const refused = clientErrorOf(parserError(413, 'request entity too large', { limit: 20 * 1024 * 1024 }));
    expect(refused).toEqual({
      status: 413,
      code: 'BAD_USER_INPUT',
      reason: 'REQUEST_TOO_LARGE',
      text: { 'zh-CN': '请求内容过大（上限 20 MB）', en: 'The request is too large (at most 20 MB)' },
    });
  });

  it('keeps the parser’s detail for a body that is not JSON, shortened', () => {
    const refused = clientErrorOf(
      new BadRequestException(`Unexpected token 'x', "${'x'.repeat(500)}" is not valid JSON`),
    );
    expect(refused).toMatchObject({ status: 400, code: 'BAD_USER_INPUT', reason: 'BAD_REQUEST' });
    expect(refused!.text['zh-CN']).toMatch(/^请求格式错误：Unexpected token/);
    expect(refused!.text['zh-CN'].length).toBeLessThan(220);
  });

  it('names an unknown charset and an unknown route with the contract’s codes', () => {
    expect(clientErrorOf(parserError(415, 'unsupported charset "LATIN-9"'))).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'UNSUPPORTED_ENCODING',
    });
    expect(clientErrorOf(new NotFoundException('Cannot POST /nothing'))).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
      reason: 'ROUTE_NOT_FOUND',
    });
    expect(clientErrorOf(parserError(429, 'too many'))).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('leaves server errors and errors not meant for the client alone', () => {
    expect(clientErrorOf(new InternalServerErrorException())).toBeNull();
    expect(clientErrorOf(parserError(400, 'secret detail', { expose: false }))).toBeNull();
    expect(clientErrorOf(new Error('boom'))).toBeNull();
    expect(clientErrorOf('not an error')).toBeNull();
  });
});
