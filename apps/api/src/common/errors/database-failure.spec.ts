import { QueryFailedError } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { databaseFailureOf } from './database-failure';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('databaseFailureOf', () => {
  it.each([
    ['25006', 'DATABASE_READ_ONLY'],
    ['53100', 'DATABASE_FULL'],
    ['57P01', 'DATABASE_UNAVAILABLE'],
    ['57P03', 'DATABASE_UNAVAILABLE'],
    ['08006', 'DATABASE_UNAVAILABLE'],
    ['53300', 'DATABASE_UNAVAILABLE'],
    ['ECONNREFUSED', 'DATABASE_UNAVAILABLE'],
    ['ECONNRESET', 'DATABASE_UNAVAILABLE'],
  ])('reads %s as %s', (code, reason) => {
    expect(databaseFailureOf(pgError(code))?.reason).toBe(reason);
  });

  it('looks through TypeORM’s wrapper to the driver’s error', () => {
    const wrapped = new QueryFailedError(
      'INSERT …',
      [],
      pgError('25006', 'cannot execute INSERT in a read-only transaction'),
    );
    expect(databaseFailureOf(wrapped)).toMatchObject({
      reason: 'DATABASE_READ_ONLY',
      text: { 'zh-CN': '数据库当前为只读状态，本次操作未保存，请稍后重试或联系管理员' },
    });
  });

  it('knows node-postgres’s messages for a connection that went away', () => {
    expect(databaseFailureOf(new Error('Connection terminated unexpectedly'))?.reason).toBe('DATABASE_UNAVAILABLE');
  });

  it('leaves the request’s own faults and programming errors alone', () => {
    expect(databaseFailureOf(pgError('23505'))).toBeNull(); // unique violation
    expect(databaseFailureOf(pgError('42P01'))).toBeNull(); // undefined table: a bug, not an outage
    expect(databaseFailureOf(new TypeError('x is undefined'))).toBeNull();
    expect(databaseFailureOf('not an error')).toBeNull();
  });
});
