/**
 * Consecutive failures of one key (an account from one address, a client_id from one address),
 * as the OWASP Authentication Cheat Sheet's account lockout advises: past `consecutiveFailures`
 * the key is blocked for `blockSeconds`, doubled at each new block the same day up to
 * `maxBlockSeconds` (back-off), and a success clears its failures. Keyed by account *and*
 * address, a guesser elsewhere never locks the real user out, and no block lasts for good.
 * The counters come from Storage.limiter (rate-limiter-flexible), so instances on one Redis
 * count together.
 */
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Storage } from '../storage/adapter.ts';
import { limiterStoreCall } from '../storage/adapter.ts';

export interface FailureLimitSettings {
  consecutiveFailures: number;
  blockSeconds: number;
  maxBlockSeconds: number;
}

/** Failures count toward a block for this long after the last one. */
const failureWindowSeconds = 3600;

export class FailureLimit {
  private readonly failures: RateLimiterAbstract;
  private readonly blocks: RateLimiterAbstract;

  constructor(storage: Storage, name: string, private readonly settings: FailureLimitSettings) {
    this.failures = storage.limiter({ keyPrefix: `${name}-failures`, points: settings.consecutiveFailures, duration: failureWindowSeconds });
    // How many times the key was blocked today: the next block is twice as long.
    this.blocks = storage.limiter({ keyPrefix: `${name}-blocks`, points: 1_000_000, duration: 24 * 3600 });
  }

  /**
   * Seconds until `key` may try again (0 when it may now), and how many failures it has: a
   * success need not clear a key that has none, which keeps a store round trip off every
   * successful authentication.
   */
  async check(key: string): Promise<{ retryAfter: number; failures: number }> {
    const state = await limiterStoreCall('the failure counters', () => this.failures.get(key));
    if (!state) return { retryAfter: 0, failures: 0 };
    const blocked = state.consumedPoints > this.settings.consecutiveFailures;
    return { retryAfter: blocked ? Math.max(1, Math.ceil(state.msBeforeNext / 1000)) : 0, failures: state.consumedPoints };
  }

  /** Counts a failure; resolves the seconds `key` is now blocked for (0 while it may go on). */
  async fail(key: string): Promise<number> {
    const state = await limiterStoreCall('the failure counters', () => this.failures.penalty(key, 1));
    if (state.consumedPoints <= this.settings.consecutiveFailures) return 0;
    const times = (await limiterStoreCall('the failure counters', () => this.blocks.penalty(key, 1))).consumedPoints;
    const seconds = Math.min(this.settings.blockSeconds * 2 ** (times - 1), this.settings.maxBlockSeconds);
    await limiterStoreCall('the failure counters', () => this.failures.block(key, seconds));
    return seconds;
  }

  /** A success: the key's consecutive failures start again from none. */
  async succeed(key: string): Promise<void> {
    await limiterStoreCall('the failure counters', () => this.failures.delete(key));
  }
}
