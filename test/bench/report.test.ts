/**
 * The bench's pure pieces: percentiles, ratios, target verdicts, rounds merged, the phases of a
 * `nauthera run` cut from its stamped lines, and the Markdown tables. Nothing here is timed.
 */
import { describe, expect, it } from 'vitest';
import { distribution, percentile, ratio, target } from '../../bench/stats.ts';
import { cell, fmtMs, fmtRange, fmtRatio, markdownTable } from '../../bench/table.ts';
import { mergeRounds, type LoadResult } from '../../bench/load.ts';
import { phasesFrom, type TimedLine } from '../../bench/full-run.ts';
import { benchMarkdown, targetsOf, tokenTable, type BenchReport } from '../../bench/report.ts';
import type { TokenComparison } from '../../bench/token-endpoint.ts';
import { alternate, type MeasuredRun } from '../../bench/alternating.ts';
import type { StoreFigures } from '../../bench/store.ts';

function loadResult(ok: number, elapsedMs: number, latency: number[], connections = 50): LoadResult {
  return { connections, elapsedMs, ok, failed: 0, errors: 0, statuses: {}, rps: (ok * 1000) / elapsedMs, latencyMs: distribution(latency), samples: latency };
}

describe('stats', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
    const d = distribution([5, 1, 3, 2, 4]);
    expect(d).toMatchObject({ n: 5, min: 1, p50: 3, max: 5, mean: 3 });
  });

  it('computes a ratio only between two real figures', () => {
    expect(ratio(3000, 2000)).toBe(1.5);
    expect(ratio(3000, 0)).toBeNull();
    expect(ratio(null, 2000)).toBeNull();
    expect(ratio(Number.NaN, 2000)).toBeNull();
  });

  it('judges targets as met, not met or not measured, never by throwing', () => {
    expect(target('r', 'ratio', 1.5, '>=', 1.5).verdict).toBe('met');
    expect(target('r', 'ratio', 1.49, '>=', 1.5).verdict).toBe('not met');
    expect(target('p', 'p99', 20, '<', 20).verdict).toBe('not met');
    expect(target('p', 'p99', 19.9, '<', 20).verdict).toBe('met');
    expect(target('p', 'p99', undefined, '<', 20)).toMatchObject({ verdict: 'not measured', value: null });
  });

  it('merges rounds by total requests over total time, with the latencies pooled', () => {
    const merged = mergeRounds([loadResult(1000, 1000, [1, 2, 3]), loadResult(3000, 2000, [10, 20, 30])]);
    expect(merged.ok).toBe(4000);
    expect(merged.elapsedMs).toBe(3000);
    // Not the mean of 1000/s and 1500/s: requests over the time they took.
    expect(merged.rps).toBeCloseTo(4000 / 3, 5);
    expect(merged.latencyMs.max).toBe(30);
    expect(merged.latencyMs.min).toBe(1);
  });
});

describe('tables', () => {
  it('escapes cells and refuses ragged rows', () => {
    expect(cell('a|b\nc')).toBe('a\\|b c');
    expect(cell(null)).toBe('–');
    const table = markdownTable(['x', 'n'], [['a|b', 1]], ['left', 'right']);
    expect(table.split('\n')).toEqual(['| x | n |', '| --- | ---: |', '| a\\|b | 1 |']);
    expect(() => markdownTable(['x', 'n'], [['only one']])).toThrow(/row 0 has 1 cells/);
  });

  it('formats times and ratios for reading', () => {
    expect(fmtMs(0.734)).toBe('0.73 ms');
    expect(fmtMs(25)).toBe('25.0 ms');
    expect(fmtMs(2933.4)).toBe('2933 ms');
    expect(fmtMs(21322)).toBe('21.3 s');
    expect(fmtRatio(1.5849)).toBe('1.58×');
    expect(fmtRatio(null)).toBe('–');
    expect(fmtRange([1.4, 1.62, 1.5])).toBe('1.40–1.62×');
  });

  const token: TokenComparison = {
    peerName: 'oidc-provider 9',
    durationSeconds: 5,
    rounds: 2,
    warmupSeconds: 2,
    request: 'POST /token',
    tokens: {},
    rows: [
      { connections: 50, nauthera: loadResult(15000, 5000, [8, 10, 12, 30]), peer: loadResult(10000, 5000, [15, 16, 40]), ratio: 1.5, pooledRatio: 1.52, roundRatios: [1.45, 1.5, 1.62] },
    ],
  };

  it('puts the nauthera ÷ peer ratio and its per-round spread in the token table', () => {
    const table = tokenTable(token);
    expect(table).toContain('| 50 | 3,000 |');
    expect(table).toContain('**1.50×**');
    expect(table).toContain('| **1.50×** | 1.45–1.62× | 1.52× |');
    expect(table).toContain('oidc-provider 9 req/s');
  });

  it('reports the issue targets, and a full run with missing suites as not measured', () => {
    const base: Omit<BenchReport, 'targets'> = {
      version: 1,
      startedAt: '2026-01-01T00:00:00.000Z',
      durationMs: 1,
      machine: { cpus: 2, model: 'test cpu', node: 'v20', platform: 'linux x64', loadAverage: { start: 0.5, end: 1.25 } },
      settings: { durationSeconds: 5, rounds: 2, warmupSeconds: 2, connections: [50], endpointConnections: 10, codes: 100, sections: ['token', 'run'] },
      token,
      fullRun: {
        command: 'nauthera run',
        exitCode: 0,
        wallMs: 21000,
        suites: 3,
        checks: 20,
        engineMs: 16000,
        phases: { setupMs: 2000, flowsMs: 16000, reportsMs: 2900, exitMs: 100 },
        flows: [{ id: 'client-credentials', status: 'passed', durationMs: 240, observedMs: 250, steps: 2, checks: 20 }],
        redrawMs: null,
      },
      errors: {},
    };
    const targets = targetsOf(base);
    expect(targets.map((t) => [t.name, t.verdict])).toEqual([
      ['token req/s vs oidc-provider', 'met'],
      ['token p99', 'not met'],
      ['11 SVGs', 'not measured'],
      ['full run', 'not measured'],
      ['Redis store, /token', 'not measured'],
      ['Redis store, code exchange', 'not measured'],
      ['two instances on one Redis, per instance', 'not measured'],
    ]);
    const md = benchMarkdown({ ...base, targets });
    expect(md).toContain('| token p99 | nauthera /token p99 latency, 50 connections | 30.0 ms | < 20.0 ms | ❌ not met |');
    expect(md).toContain('3 of 12 suites present');
    expect(md).toContain('3 suites present, 20 checks, 1.0 checks/s');
    expect(md).toContain('load average 0.5 at the start and 1.3 at the end');
    expect(md).toContain('| flow client-credentials (passed, 2 steps, 20 checks) | 240 ms | 1% |');

    // Flows run at once: only their span is a share of the wall time, and the one-at-a-time run is the comparison.
    const parallel = {
      ...base,
      fullRun: {
        ...base.fullRun!,
        reported: { setupMs: 1000, systemCheckMs: 0, targetStartMs: 600, suitesLoadMs: 100, flowsMs: 15000, workers: 4, reportsMs: 2800 },
        oneAtATime: { wallMs: 42000, flowsMs: 36000, exitCode: 0 },
      },
    };
    const pmd = benchMarkdown({ ...parallel, targets: targetsOf(parallel) });
    expect(pmd).toContain('| flows, 4 at a time (first start → last end) | 15.0 s | 71% |');
    expect(pmd).toContain('| · flow client-credentials (passed, 2 steps, 20 checks), beside others | 240 ms | – |');
    expect(pmd).toContain('| the same run with `--workers 1` (flows 36.0 s, exit 0); wall time ÷ it | 42.0 s | 0.50× |');
  });
});

describe('phases of nauthera run, from its stamped lines', () => {
  const line = (atMs: number, text: string, stream: TimedLine['stream'] = 'stderr'): TimedLine => ({ atMs, stream, text });

  it('cuts set-up, flows, reports and exit at the lines run.ts prints', () => {
    const lines = [
      line(2000, 'nauthera run: reference target http://127.0.0.1:4000, 2 suites'),
      line(2010, '▶ authorization-code: Authorization code with PKCE'),
      line(2500, '  ✔ 1. Client → AS: authorize (40 ms)'),
      line(9000, '✔ authorization-code passed (7.0 s)'),
      line(9005, '▶ client-credentials: Client credentials'),
      line(9300, '✘ client-credentials failed (0.3 s)'),
      line(12000, '| flow | status |', 'stdout'),
    ];
    const { phases, observed } = phasesFrom(lines, 12100);
    expect(phases).toEqual({ setupMs: 2000, flowsMs: 7300, reportsMs: 2700, exitMs: 100 });
    expect(observed.get('authorization-code')).toBe(6990);
    expect(observed.get('client-credentials')).toBe(295);
  });

  it('has no flows phase to speak of when no suite exists, and no phases when the run never started', () => {
    const none = phasesFrom([line(1500, 'nauthera run: reference target http://127.0.0.1:1, 0 suites (none in suites)'), line(1700, 'reports: x', 'stdout')], 1750);
    expect(none.phases).toEqual({ setupMs: 1500, flowsMs: 0, reportsMs: 200, exitMs: 50 });
    expect(phasesFrom([line(10, 'error: no such target')], 20).phases).toEqual({ setupMs: null, flowsMs: null, reportsMs: null, exitMs: null });
  });
});

describe('the store section', () => {
  const run = (ok: number, elapsedMs: number, serverCpuMs: number, sides: Record<string, number> = {}): MeasuredRun => ({ load: loadResult(ok, elapsedMs, [1, 2, 3], 10), serverCpuMs, sideCpuMs: sides });

  it('alternates which variant goes first and takes the median of the rounds\' ratios', async () => {
    const order: string[] = [];
    const rates = { baseline: [1000, 1000, 1000], candidate: [900, 500, 700] };
    const c = await alternate({ baseline: 'memory', candidate: 'redis' }, { rounds: 3, log: () => {} }, async (which, round) => {
      order.push(`${which}${round}`);
      return run(rates[which][round]!, 1000, 500, which === 'candidate' ? { 'redis-server': 100 } : {});
    });
    expect(order).toEqual(['baseline0', 'candidate0', 'candidate1', 'baseline1', 'baseline2', 'candidate2']);
    expect(c.roundRatios).toEqual([0.9, 0.5, 0.7]);
    expect(c.ratio).toBe(0.7);
    expect(c.pooledRatio).toBeCloseTo(2100 / 3000, 5);
    // Requests per CPU-second of the server: 3000 in 1.5 s against 2100 in 1.5 s.
    expect(c.baseline.perServerCpuSecond).toBe(2000);
    expect(c.cpuRatio).toBeCloseTo(0.7, 5);
    expect(c.candidate.sideCpuMs).toEqual({ 'redis-server': 300 });
  });

  it('judges Redis ÷ in-memory and the pair per instance against 0.8×, and says what each compares', async () => {
    const comparison = (baseline: number, candidate: number) =>
      alternate({ baseline: 'a', candidate: 'b' }, { rounds: 1, log: () => {} }, async (which) => run(which === 'baseline' ? baseline : candidate, 1000, 400, { 'redis-server': 50 }));
    const [token, codeExchange, pair] = await Promise.all([comparison(1000, 850), comparison(1000, 700), comparison(1000, 1700)]);
    const store: StoreFigures = {
      connections: 10, durationSeconds: 5, rounds: 1, warmupSeconds: 2, tokenRequest: 'POST /token', codeRequest: 'code exchange',
      loadAverage: { start: 1, end: 2 },
      token,
      codeExchange: { ...codeExchange, codesPerRun: 666, preparation: { memory: { codes: 666, perSecond: 200 }, redis: { codes: 666, perSecond: 180 }, ratio: 0.9, roundRatios: [0.9] } },
      pair: { ...pair, perInstanceRatio: 0.85, perInstanceRoundRatios: [0.85], loadAverage: { start: 1.5, end: 2 } },
    };
    const report: Omit<BenchReport, 'targets'> = {
      version: 1, startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1,
      machine: { cpus: 2, model: 'test cpu', node: 'v20', platform: 'linux x64', loadAverage: { start: 1, end: 2 } },
      settings: { durationSeconds: 5, rounds: 1, warmupSeconds: 2, connections: [50], endpointConnections: 10, codes: 2000, storeConnections: 10, sections: ['store'] },
      store,
      errors: {},
    };
    const targets = targetsOf(report).filter((t) => /Redis/.test(t.name));
    expect(targets.map((t) => [t.name, t.value, t.verdict])).toEqual([
      ['Redis store, /token', 0.85, 'met'],
      ['Redis store, code exchange', 0.7, 'not met'],
      ['two instances on one Redis, per instance', 0.85, 'met'],
    ]);
    expect(targets[0]!.figure).toContain('one instance on Redis ÷ one on the in-memory store');
    expect(targets[2]!.figure).toContain("(two instances' total req/s ÷ 2) ÷ one instance's");
    const md = benchMarkdown({ ...report, targets: targetsOf(report) });
    expect(md).toContain('| /token client_credentials: req/s | 1,000 | 850 | **0.85×** | 0.85× |');
    expect(md).toContain('| **req/s per instance** (two: total ÷ 2) | 1,000 | 850 | **0.85×** | 0.85× |');
    expect(md).toContain('| /token client_credentials: CPU of redis-server per 1,000 requests | 50.0 ms | 58.8 ms | – | – |');
    expect(md).toContain('so the per-instance req/s is a lower bound');
  });
});
