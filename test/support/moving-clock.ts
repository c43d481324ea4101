/**
 * A clock for the reference server that a test moves forward instead of sleeping: it runs with
 * real time (so browsers and timeouts behave) plus whatever the test has added.
 */
import type { Clock } from '../../reference-server/clock.ts';

export class MovingClock implements Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves time forward by this many seconds for everything that reads the clock. */
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}
