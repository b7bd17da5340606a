import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  it('allows `limit` attempts in a window, then says how long to wait, per key', () => {
    const limiter = new RateLimiter(3, 60_000);
    expect([0, 1, 2].map((i) => limiter.take('a', 1_000 + i))).toEqual([null, null, null]);
    expect(limiter.take('a', 2_000)).toBe(59);
    expect(limiter.take('b', 2_000)).toBeNull();
    expect(limiter.take('a', 61_001)).toBeNull(); // the first attempt left the window
  });
});
