/** The store section's Markdown: Redis beside the in-memory store, and two instances beside one (pure). */
import type { AlternatingComparison, VariantFigures } from './alternating.ts';
import type { StoreFigures } from './store.ts';
import { ratio } from './stats.ts';
import { fmtMs, fmtRange, fmtRate, fmtRatio, markdownTable } from './table.ts';

const latency = (v: VariantFigures) => `${fmtMs(v.result.latencyMs.p50)} / ${fmtMs(v.result.latencyMs.p99)}`;
const served = (v: VariantFigures) => `${v.result.ok}${v.result.failed ? ` (+${v.result.failed} non-2xx)` : ''}${v.result.errors ? ` (${v.result.errors} errors)` : ''}`;
/** CPU time of a process beside the servers (redis-server, the balancer) per 1,000 2xx answers. */
function sidePerThousand(v: VariantFigures, side: string): string {
  const ms = v.sideCpuMs[side];
  return ms === null || ms === undefined || v.result.ok === 0 ? '–' : fmtMs((ms * 1000) / v.result.ok);
}

function sideRows(what: string, c: AlternatingComparison): unknown[][] {
  const sides = [...new Set([...Object.keys(c.baseline.sideCpuMs), ...Object.keys(c.candidate.sideCpuMs)])];
  return sides.map((side) => [`${what}CPU of ${side} per 1,000 requests`, sidePerThousand(c.baseline, side), sidePerThousand(c.candidate, side), '', '']);
}

function comparisonRows(what: string, c: AlternatingComparison): unknown[][] {
  return [
    [`${what}: req/s`, fmtRate(c.baseline.result.rps), fmtRate(c.candidate.result.rps), `**${fmtRatio(c.ratio)}**`, fmtRange(c.roundRatios)],
    [`${what}: latency p50 / p99`, latency(c.baseline), latency(c.candidate), fmtRatio(ratio(c.candidate.result.latencyMs.p99, c.baseline.result.latencyMs.p99)), 'p99'],
    [`${what}: 2xx answers (all rounds)`, served(c.baseline), served(c.candidate), '', ''],
    [`${what}: 2xx per CPU-second of the instance`, fmtRate(c.baseline.perServerCpuSecond), fmtRate(c.candidate.perServerCpuSecond), fmtRatio(c.cpuRatio), 'pooled'],
    ...sideRows(`${what}: `, c),
  ];
}

export function storeSingleTable(s: StoreFigures): string {
  const p = s.codeExchange.preparation;
  return markdownTable(
    ['measure', 'in-memory store', 'Redis store', 'Redis ÷ in-memory (median of rounds)', 'per round'],
    [
      ...comparisonRows('/token client_credentials', s.token),
      ...comparisonRows('code exchange', s.codeExchange),
      ['code preparation before each run, GET /authorize with a session, 4 at a time: codes/s', fmtRate(p.memory.perSecond), fmtRate(p.redis.perSecond), fmtRatio(p.ratio), fmtRange(p.roundRatios)],
    ],
    ['left', 'right', 'right', 'right', 'right'],
  );
}

export function storePairTable(s: StoreFigures): string {
  const c = s.pair;
  const half = (v: number) => v / 2;
  return markdownTable(
    ['measure, /token through a round-robin balancer', 'one instance on Redis', 'two instances on that Redis', 'two ÷ one (median of rounds)', 'per round'],
    [
      ['total req/s', fmtRate(c.baseline.result.rps), fmtRate(c.candidate.result.rps), fmtRatio(c.ratio), fmtRange(c.roundRatios)],
      ['**req/s per instance** (two: total ÷ 2)', fmtRate(c.baseline.result.rps), fmtRate(half(c.candidate.result.rps)), `**${fmtRatio(c.perInstanceRatio)}**`, fmtRange(c.perInstanceRoundRatios)],
      ['latency p50 / p99', latency(c.baseline), latency(c.candidate), fmtRatio(ratio(c.candidate.result.latencyMs.p99, c.baseline.result.latencyMs.p99)), 'p99'],
      ['2xx answers (all rounds)', served(c.baseline), served(c.candidate), '', ''],
      ['2xx per CPU-second of the instances (per instance\'s own core)', fmtRate(c.baseline.perServerCpuSecond), fmtRate(c.candidate.perServerCpuSecond), fmtRatio(c.cpuRatio), 'pooled'],
      ...sideRows('', c),
    ],
    ['left', 'right', 'right', 'right', 'right'],
  );
}

export function storeMarkdown(s: StoreFigures, cpus: number): string[] {
  return [
    `**Redis store**, one \`nauthera serve\` on the in-memory store and one on a private redis-server, both running, no balancer; ${s.connections} connections, ${s.rounds} alternating rounds (load average ${s.loadAverage.start.toFixed(1)} at the section's start, ${s.loadAverage.end.toFixed(1)} at its end). /token: ${s.durationSeconds} s per run, ${s.tokenRequest}. Code exchange: before each run, ${s.codeExchange.codesPerRun} codes prepared through that server's /authorize, then ${s.codeExchange.codesPerRun - 2 * s.connections} of them sent, each once (${s.codeRequest}). The ratio is Redis ÷ in-memory, one instance each:`,
    '',
    storeSingleTable(s),
    '',
    `**Two instances on one Redis**, each a \`nauthera serve --store redis://… --issuer <balancer>\`, behind the round-robin balancer of reference-server/cluster/ (its own process), against the first of them alone behind a balancer of its own: the proxy hop is on both sides. ${s.connections} connections, ${s.rounds} × ${s.durationSeconds} s alternating, load average ${s.pair.loadAverage.start.toFixed(1)} at the start of this part and ${s.pair.loadAverage.end.toFixed(1)} at its end. On ${cpus} core${cpus === 1 ? '' : 's'} the two instances, the balancer, redis-server and the load generator share the cores, so the per-instance req/s is a lower bound of what an instance on a core of its own would serve. The CPU-second row takes out the waiting for a core, not the other costs of sharing one (context switches, caches, and each instance getting half the requests per turn of its event loop):`,
    '',
    storePairTable(s),
  ];
}
