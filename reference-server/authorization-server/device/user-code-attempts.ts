/**
 * RFC 8628 §5.1: a user code is short enough to guess (20 letters, 8 of them: about 2^34.6), so
 * the verification page SHOULD rate-limit attempts. Wrong codes are counted per client address
 * in a fixed one-minute window; past the limit every code is refused until the window ends,
 * the right one too, or the limit would not slow a guesser down. The counters come from
 * Storage.limiter, so instances on one Redis count together.
 */
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { limiterStoreCall, type Storage } from '../storage/adapter.ts';

export class UserCodeAttempts {
  private readonly limiter: RateLimiterAbstract;

  constructor(storage: Storage, private readonly maxFailures: number, windowSeconds = 60) {
    this.limiter = storage.limiter({ keyPrefix: 'device-user-code', points: maxFailures, duration: windowSeconds });
  }

  /** Seconds until `address` may try again, or 0 when it may now. */
  async retryAfter(address: string): Promise<number> {
    const state = await limiterStoreCall('the user code counters', () => this.limiter.get(address));
    if (!state || state.consumedPoints < this.maxFailures) return 0;
    return Math.max(1, Math.ceil(state.msBeforeNext / 1000));
  }

  /** Counts a wrong, expired or used code from `address`. */
  async fail(address: string): Promise<void> {
    await limiterStoreCall('the user code counters', () => this.limiter.penalty(address, 1));
  }
}
