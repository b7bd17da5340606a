import { ApolloError, type ServerError } from '@apollo/client';
import { describe, expect, it } from 'vitest';
import { saveFailureOf } from './grid-backend';

const answered = (extensions: Record<string, unknown>, message = '服务器的说明') =>
  new ApolloError({ graphQLErrors: [{ message, extensions }] });

describe('saveFailureOf: what a failed saveRows means to the save loop', () => {
  it('no answer at all is a network failure', () => {
    expect(saveFailureOf(new ApolloError({ networkError: new TypeError('Failed to fetch') })).kind).toBe('network');
  });

  it('the republished definition is told apart from a row conflict, by its reason', () => {
    const failure = saveFailureOf(answered({ code: 'CONFLICT', reason: 'DEFINITION_CHANGED' }, '台账定义刚刚更新'));
    expect([failure.kind, failure.message]).toEqual(['definition', '台账定义刚刚更新']);
    expect(saveFailureOf(answered({ code: 'CONFLICT', reason: 'SOMETHING_ELSE' })).kind).toBe('refused');
  });

  it('INTERNAL (retryable or not) is retried; other codes are refused', () => {
    expect(saveFailureOf(answered({ code: 'INTERNAL', reason: 'DATABASE_UNAVAILABLE', retryable: true })).kind).toBe(
      'retryable',
    );
    expect(saveFailureOf(answered({ code: 'INTERNAL' })).kind).toBe('retryable');
    expect(saveFailureOf(answered({ code: 'LOCKED' })).kind).toBe('refused');
    expect(saveFailureOf(answered({ code: 'FORBIDDEN' })).kind).toBe('refused');
  });

  it('reads the GraphQL errors in the body of a non-2xx answer', () => {
    const networkError = Object.assign(new Error('Response not successful: Received status code 503'), {
      name: 'ServerError',
      response: { status: 503 } as Response,
      statusCode: 503,
      result: { errors: [{ message: '数据库暂时不可用', extensions: { code: 'INTERNAL', retryable: true } }] },
    }) satisfies ServerError;
    const error = new ApolloError({ networkError });
    expect(saveFailureOf(error).kind).toBe('retryable');
  });
});
