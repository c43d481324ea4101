/**
 * RFC 8628 §5.1: a user code is short enough to guess (20 letters, 8 of them: about 2^34.6), so
 * the verification page SHOULD rate-limit attempts. Wrong codes are counted per client address
 * in a fixed one-minute window; past the limit every code is refused until the window ends,
 * the right one too, or the limit would not slow a guesser down.
 */
export class UserCodeAttempts {
  private readonly windows = new Map<string, { startedAt: number; failures: number }>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until `address` may try again, or 0 when it may now. */
  retryAfter(address: string): number {
    const window = this.current(address);
    if (!window || window.failures < this.maxFailures) return 0;
    return Math.max(1, Math.ceil((window.startedAt + this.windowMs - this.now()) / 1000));
  }

  /** Counts a wrong, expired or used code from `address`. */
  fail(address: string): void {
    const window = this.current(address);
    if (window) window.failures++;
    else this.windows.set(address, { startedAt: this.now(), failures: 1 });
    // Addresses whose window has ended are dropped as they are met, so the map stays small.
    if (this.windows.size > 10_000) for (const [key] of this.windows) if (!this.current(key)) this.windows.delete(key);
  }

  private current(address: string): { startedAt: number; failures: number } | undefined {
    const window = this.windows.get(address);
    if (window && this.now() - window.startedAt >= this.windowMs) {
      this.windows.delete(address);
      return undefined;
    }
    return window;
  }
}
