import { describe, expect, it } from 'vitest';
import { hashPassword, passwordTooLong, verifyPassword } from './password-hasher';

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

  it('never hashes a password over 128 characters, and judges a huge one without spreading it', async () => {
    const hash = await hashPassword('Taizhang@2026');
    expect(passwordTooLong('好'.repeat(128))).toBe(false);
    expect(passwordTooLong('好'.repeat(129))).toBe(true);
    // 128 emoji are 256 UTF-16 units but 128 characters
    expect(passwordTooLong('😀'.repeat(128))).toBe(false);
    const huge = 'Aa1!'.repeat(5_000_000);
    const started = performance.now();
    expect(passwordTooLong(huge)).toBe(true);
    expect(await verifyPassword(huge, hash)).toBe(false);
    await expect(hashPassword(huge)).rejects.toThrow(/length limit/);
    expect(performance.now() - started).toBeLessThan(50);
  });
});
