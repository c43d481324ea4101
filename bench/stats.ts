/**
 * The arithmetic of the bench, kept pure so test/bench/ can check it: distributions of
 * samples, ratios between two figures of the same run, and verdicts against the targets
 * docs/performance.md states. No figure here is compared with a number from another run or another machine.
 */

export interface Distribution {
  n: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile (p in 0..100) of ascending values; NaN when there are none. */
export function percentile(sortedAscending: readonly number[], p: number): number {
  const n = sortedAscending.length;
  if (n === 0) return Number.NaN;
  if (p <= 0) return sortedAscending[0];
  if (p >= 100) return sortedAscending[n - 1];
  const rank = Math.ceil((p / 100) * n);
  return sortedAscending[Math.min(n, Math.max(1, rank)) - 1];
}

export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const sum = sorted.reduce((s, v) => s + v, 0);
  return {
    n,
    min: n ? sorted[0] : Number.NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: n ? sorted[n - 1] : Number.NaN,
    mean: n ? sum / n : Number.NaN,
  };
}

export function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

/** a / b, or null when either is missing or b is not a positive number. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  if (!Number.isFinite(a) || !Number.isFinite(b) || b <= 0) return null;
  return a / b;
}

/** Requests per second from a count and an elapsed time in milliseconds. */
export function perSecond(count: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (count * 1000) / elapsedMs : 0;
}

export type Verdict = 'met' | 'not met' | 'not measured';

/** A target of the issue: `value <op> limit`. Never fails the bench, only reports. */
export interface Target {
  name: string;
  /** What the figure is, e.g. "nauthera/oidc-provider req/s at 50 connections". */
  figure: string;
  op: '>=' | '<';
  limit: number;
  unit: string;
  value: number | null;
  verdict: Verdict;
}

export function target(name: string, figure: string, value: number | null | undefined, op: '>=' | '<', limit: number, unit = ''): Target {
  const measured = value !== null && value !== undefined && Number.isFinite(value);
  const verdict: Verdict = !measured ? 'not measured' : (op === '>=' ? value >= limit : value < limit) ? 'met' : 'not met';
  return { name, figure, op, limit, unit, value: measured ? value : null, verdict };
}
