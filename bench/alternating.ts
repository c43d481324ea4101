/**
 * Two variants of one measurement, side by side in the same run: rounds that alternate which
 * variant goes first (ABBA...), so drift of a noisy machine falls on both alike, and a ratio
 * that is the median of the rounds' ratios (one spoiled round spoils one pair, not the figure).
 * Each run may also report the CPU time its servers used, for requests per CPU-second.
 */
import { mergeRounds, summarizeLoad, type LoadResult } from './load.ts';
import { median, ratio } from './stats.ts';

export interface MeasuredRun {
  load: LoadResult;
  /** CPU ms the variant's server processes (not Redis, not the balancer) used during the run. */
  serverCpuMs: number | null;
  /** CPU ms of the other processes the requests went through (redis-server, the balancer), by name. */
  sideCpuMs: Record<string, number | null>;
}

export interface VariantFigures {
  name: string;
  result: Omit<LoadResult, 'samples'>;
  serverCpuMs: number | null;
  sideCpuMs: Record<string, number | null>;
  /** 2xx answers per CPU-second of the server processes: what they would serve on cores of their own. */
  perServerCpuSecond: number | null;
}

export interface AlternatingComparison {
  baseline: VariantFigures;
  candidate: VariantFigures;
  /** candidate ÷ baseline req/s: the median of the rounds' ratios. */
  ratio: number | null;
  roundRatios: number[];
  /** candidate ÷ baseline req/s with every round's requests pooled. */
  pooledRatio: number | null;
  /** candidate ÷ baseline requests per CPU-second of the servers, every round pooled. */
  cpuRatio: number | null;
}

function sum(values: Array<number | null>): number | null {
  return values.some((v) => v === null) ? null : values.reduce<number>((s, v) => s + (v ?? 0), 0);
}

function figures(name: string, runs: MeasuredRun[]): VariantFigures {
  const merged = mergeRounds(runs.map((r) => r.load));
  const serverCpuMs = sum(runs.map((r) => r.serverCpuMs));
  const sides = [...new Set(runs.flatMap((r) => Object.keys(r.sideCpuMs)))];
  return {
    name,
    result: summarizeLoad(merged),
    serverCpuMs,
    sideCpuMs: Object.fromEntries(sides.map((side) => [side, sum(runs.map((r) => r.sideCpuMs[side] ?? null))])),
    perServerCpuSecond: serverCpuMs && serverCpuMs > 0 ? (merged.ok * 1000) / serverCpuMs : null,
  };
}

export async function alternate(
  variants: { baseline: string; candidate: string },
  options: { rounds: number; log: (line: string) => void; firstRound?: number },
  measure: (variant: 'baseline' | 'candidate', round: number) => Promise<MeasuredRun>,
): Promise<AlternatingComparison> {
  const runs: Record<'baseline' | 'candidate', MeasuredRun[]> = { baseline: [], candidate: [] };
  for (let round = 0; round < options.rounds; round++) {
    const order = (round + (options.firstRound ?? 0)) % 2 === 0 ? (['baseline', 'candidate'] as const) : (['candidate', 'baseline'] as const);
    for (const which of order) {
      const run = await measure(which, round);
      const r = run.load;
      options.log(`  ${variants[which].padEnd(34)} round ${round + 1}: ${Math.round(r.rps)} req/s, p99 ${r.latencyMs.p99.toFixed(2)} ms${r.failed ? `, ${r.failed} non-2xx ${JSON.stringify(r.statuses)}` : ''}${r.errors ? `, ${r.errors} errors` : ''}`);
      runs[which].push(run);
    }
  }
  const roundRatios = runs.candidate.map((c, i) => ratio(c.load.rps, runs.baseline[i]!.load.rps)).filter((x): x is number => x !== null);
  const baseline = figures(variants.baseline, runs.baseline);
  const candidate = figures(variants.candidate, runs.candidate);
  return {
    baseline,
    candidate,
    ratio: roundRatios.length ? median(roundRatios) : null,
    roundRatios,
    pooledRatio: ratio(candidate.result.rps, baseline.result.rps),
    cpuRatio: ratio(candidate.perServerCpuSecond, baseline.perServerCpuSecond),
  };
}
