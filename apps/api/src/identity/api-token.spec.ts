import { describe, expect, it } from 'vitest';
import { addressAllowed, hashApiToken, isApiToken, newApiToken, parseAllowedAddress, plainAddress } from './api-token';
import { TOKEN_OPERATIONS } from './token-scopes';

describe('API tokens', () => {
  it('are tz_ and 32 random bytes, never twice the same, hashed to 32 bytes', () => {
    const token = newApiToken();
    expect(token).toMatch(/^tz_[A-Za-z0-9_-]{43}$/);
    expect(newApiToken()).not.toBe(token);
    expect(isApiToken(token)).toBe(true);
    expect(isApiToken('abc')).toBe(false);
    expect(hashApiToken(token)).toHaveLength(32);
    expect(hashApiToken(token).equals(hashApiToken(token))).toBe(true);
  });

  it('take addresses and blocks, and refuse anything else', () => {
    expect(parseAllowedAddress('10.1.2.3')).toEqual({ address: '10.1.2.3', prefix: null });
    expect(parseAllowedAddress(' 10.1.0.0/16 ')).toEqual({ address: '10.1.0.0', prefix: 16 });
    expect(parseAllowedAddress('2001:db8::/32')).toEqual({ address: '2001:db8::', prefix: 32 });
    for (const bad of ['10.0.0.0/33', '2001:db8::/129', 'example.org', '10.1.2', '10.0.0.0/8/8', '10.0.0.0/x', '']) {
      expect(parseAllowedAddress(bad), bad).toBeNull();
    }
  });

  it('match a client address, IPv4 mapped into IPv6 as plain IPv4', () => {
    expect(plainAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(addressAllowed('::ffff:10.1.200.7', ['10.1.0.0/16'])).toBe(true);
    expect(addressAllowed('10.2.0.1', ['10.1.0.0/16', '192.168.1.5'])).toBe(false);
    expect(addressAllowed('192.168.1.5', ['10.1.0.0/16', '192.168.1.5'])).toBe(true);
    expect(addressAllowed('2001:db8::1', ['2001:db8::/32'])).toBe(true);
    expect(addressAllowed(null, ['10.0.0.0/8'])).toBe(false);
  });

  it('never reach the operations that manage users, tokens, ledgers, settings or a session', () => {
    const managing = [
      'query:me',
      'query:users',
      'query:auditLog',
      'query:apiTokens',
      'query:publicBaseUrl',
      'mutation:createApiToken',
      'mutation:revokeApiToken',
      'mutation:createUser',
      'mutation:updateUser',
      'mutation:resetPassword',
      'mutation:createUnit',
      'mutation:updateUnit',
      'mutation:publishLedger',
      'mutation:setPublicBaseUrl',
      'mutation:changePassword',
      'mutation:signOut',
      'mutation:returnSheet',
      'mutation:correctRow',
    ];
    for (const [scope, operations] of Object.entries(TOKEN_OPERATIONS)) {
      expect(
        managing.filter((operation) => operations.has(operation)),
        scope,
      ).toEqual([]);
    }
    expect([...TOKEN_OPERATIONS.STATISTICS_READ].filter((o) => o.startsWith('mutation:'))).toEqual([]);
    expect([...TOKEN_OPERATIONS.ROWS_READ].filter((o) => o.startsWith('mutation:'))).toEqual([]);
  });
});
