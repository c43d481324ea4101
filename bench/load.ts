/**
 * One load generator for every HTTP figure: autocannon 8 through its programmatic API, in this
 * process, against a server in a child process. Latencies are taken from autocannon's
 * 'response' events at full (sub-millisecond) resolution, rather than its 1 ms histogram,
 * and only 2xx answers count as served: anything else is reported, never averaged in.
 */
import autocannon, { type AutocannonRequest } from 'autocannon';
import { distribution, perSecond, type Distribution } from './stats.ts';

export interface LoadSpec {
  url: string;
  connections: number;
  /** Seconds; ignored when amount is set. */
  duration?: number;
  /** A fixed number of requests instead of a duration (prepared codes are single use). */
  amount?: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Builds each request's body anew (a fresh authorization code per request). */
  nextBody?: () => string;
}

export interface LoadResult {
  connections: number;
  elapsedMs: number;
  ok: number;
  failed: number;
  errors: number;
  /** Status codes other than 2xx, with counts. */
  statuses: Record<string, number>;
  rps: number;
  latencyMs: Distribution;
  /** The raw 2xx latencies (kept for merging rounds; dropped from bench.json). */
  samples: number[];
}

export async function load(spec: LoadSpec): Promise<LoadResult> {
  const samples: number[] = [];
  const statuses: Record<string, number> = {};
  let failed = 0;
  let lastAt = 0;
  const request: AutocannonRequest = { method: spec.method ?? 'GET', headers: spec.headers, body: spec.body };
  if (spec.nextBody) {
    const nextBody = spec.nextBody;
    request.setupRequest = (req) => ({ ...req, body: nextBody() });
  }
  const started = performance.now();
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    ...(spec.amount !== undefined ? { amount: spec.amount } : { duration: spec.duration ?? 5 }),
    timeout: 10,
    requests: [request],
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    lastAt = performance.now();
    if (statusCode >= 200 && statusCode < 300) {
      samples.push(responseTime);
    } else {
      failed++;
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    }
  });
  const result = await instance;
  // autocannon stops only at its next 1 s sample tick (and keeps sending until then): the rate
  // is over the span from the start to the last response, not to the promise's resolution.
  const elapsedMs = (lastAt || performance.now()) - started;
  return {
    connections: spec.connections,
    elapsedMs,
    ok: samples.length,
    failed,
    errors: result.errors + result.timeouts,
    statuses,
    rps: perSecond(samples.length, elapsedMs),
    latencyMs: distribution(samples),
    samples,
  };
}

/** Several rounds of the same measurement as one: requests over total time, latencies pooled. */
export function mergeRounds(rounds: LoadResult[]): LoadResult {
  const samples = rounds.flatMap((r) => r.samples);
  const ok = rounds.reduce((s, r) => s + r.ok, 0);
  const elapsedMs = rounds.reduce((s, r) => s + r.elapsedMs, 0);
  const statuses: Record<string, number> = {};
  for (const r of rounds) for (const [code, n] of Object.entries(r.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
  return {
    connections: rounds[0]?.connections ?? 0,
    elapsedMs,
    ok,
    failed: rounds.reduce((s, r) => s + r.failed, 0),
    errors: rounds.reduce((s, r) => s + r.errors, 0),
    statuses,
    rps: perSecond(ok, elapsedMs),
    latencyMs: distribution(samples),
    samples,
  };
}

/** A LoadResult without its raw samples, for bench.json. */
export function summarizeLoad(result: LoadResult): Omit<LoadResult, 'samples'> {
  const { samples: _samples, ...rest } = result;
  return rest;
}
