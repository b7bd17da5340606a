/**
 * A sliding window of attempts per key (the public endpoint's client address): at most `limit`
 * in any `windowMs`. In memory, one API process; the keys of quiet clients are dropped as the
 * window passes.
 */
export class RateLimiter {
  private readonly attempts = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts an attempt; null if allowed, else the seconds until the next one would be. */
  take(key: string, now = Date.now()): number | null {
    const recent = (this.attempts.get(key) ?? []).filter((at) => at > now - this.windowMs);
    if (recent.length >= this.limit) {
      this.attempts.set(key, recent);
      return Math.max(1, Math.ceil((recent[0] + this.windowMs - now) / 1000));
    }
    recent.push(now);
    this.attempts.set(key, recent);
    if (this.attempts.size > 10_000) this.forgetQuiet(now);
    return null;
  }

  private forgetQuiet(now: number): void {
    for (const [key, times] of this.attempts)
      if (times.every((at) => at <= now - this.windowMs)) this.attempts.delete(key);
  }
}
