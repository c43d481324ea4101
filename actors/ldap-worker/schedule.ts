/**
 * Running the worker: one pass (runOnce), or a pass every interval (runEvery) with
 * exponential back-off after failures, stoppable at any time.
 */
import { readGroupAttributes, type LdapWorkerConfig, type LdapWorkerResult } from './read-groups.ts';

/** Receives each pass's result: the reference server feeds its groups claim and consent policy with it. */
export type LdapGroupProcessor = (result: LdapWorkerResult) => void | Promise<void>;

/** One pass: read, then hand the result to the processor (if any). Resolves with the result. */
export async function runOnce(config: LdapWorkerConfig, processor?: LdapGroupProcessor): Promise<LdapWorkerResult> {
  const result = await readGroupAttributes(config);
  if (processor) await processor(result);
  return result;
}

export interface RunEveryOptions {
  /** Time between the end of one successful pass and the start of the next. */
  intervalMs: number;
  processor: LdapGroupProcessor;
  /** Longest wait after failures (default 32 x intervalMs, at most 1 hour). */
  maxBackoffMs?: number;
  /** Each failure (the pass or the processor), with the wait chosen before the next attempt. */
  onError?: (error: unknown, info: { consecutiveFailures: number; nextDelayMs: number }) => void;
  /** Stops the schedule too (as stop() does). */
  signal?: AbortSignal;
}

export interface WorkerSchedule {
  /** Stops scheduling, waits for a running pass to finish. Idempotent. */
  stop(): Promise<void>;
  readonly passes: number;
  readonly consecutiveFailures: number;
  readonly stopped: boolean;
}

/** The wait before the next pass: the interval, doubled per consecutive failure, capped. */
export function nextDelay(intervalMs: number, consecutiveFailures: number, maxBackoffMs: number): number {
  if (consecutiveFailures <= 0) return intervalMs;
  return Math.min(intervalMs * 2 ** Math.min(consecutiveFailures, 30), maxBackoffMs);
}

/** Starts the first pass at once, then one every interval. Errors never escape: they go to onError. */
export function runEvery(config: LdapWorkerConfig, options: RunEveryOptions): WorkerSchedule {
  if (!(options.intervalMs > 0)) throw new RangeError('intervalMs must be > 0');
  const maxBackoffMs = options.maxBackoffMs ?? Math.min(options.intervalMs * 32, 3_600_000);
  let stopped = false;
  let passes = 0;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const pass = async (): Promise<void> => {
    timer = undefined;
    if (stopped) return;
    try {
      await runOnce(config, options.processor);
      failures = 0;
    } catch (error) {
      failures += 1;
      options.onError?.(error, { consecutiveFailures: failures, nextDelayMs: nextDelay(options.intervalMs, failures, maxBackoffMs) });
    } finally {
      passes += 1;
    }
    if (!stopped) timer = setTimeout(() => { running = pass(); }, nextDelay(options.intervalMs, failures, maxBackoffMs));
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    })();
    return stopping;
  };
  if (options.signal?.aborted) stopped = true;
  options.signal?.addEventListener('abort', () => { void stop(); }, { once: true });
  running = pass();

  return {
    stop,
    get passes() { return passes; },
    get consecutiveFailures() { return failures; },
    get stopped() { return stopped; },
  };
}
