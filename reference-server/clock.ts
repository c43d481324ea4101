/**
 * The time the reference server reads: every expiry, lifetime, interval and timestamp it
 * decides goes through one clock, so that a test can move time forward instead of waiting
 * for it. The system clock is the default; what Redis expires and what the rate limiters
 * count stays on real time.
 */
export interface Clock {
  /** Milliseconds since the epoch, as Date.now(). */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Whole seconds since the epoch (JWT NumericDate, RFC 7519 §2), from a clock. */
export const epochSeconds = (clock: Clock): number => Math.floor(clock.now() / 1000);
