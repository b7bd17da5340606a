import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password-hasher';

describe('password hasher', () => {
  it('verifies the password it hashed and nothing else', async () => {
    const hash = await hashPassword('Taizhang@2026');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(hash).not.toContain('Taizhang@2026');
    expect(await verifyPassword('Taizhang@2026', hash)).toBe(true);
    expect(await verifyPassword('taizhang@2026', hash)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('Same@Pass1')).not.toEqual(await hashPassword('Same@Pass1'));
  });

  it('refuses a malformed stored hash instead of throwing', async () => {
    expect(await verifyPassword('x', 'plain')).toBe(false);
  });
});
