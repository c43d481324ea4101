/**
 * reports/bench.json and reports/bench.md: every section's figures, the targets docs/performance.md states
 * with met / not met (never a failure), and Markdown tables. Pure: builds text from data.
 */
import type { TokenComparison } from './token-endpoint.ts';
import type { EndpointFigures } from './nauthera-endpoints.ts';
import type { DiagramFigures } from './diagrams.ts';
import type { LdapFigures } from './ldap.ts';
import type { FullRunFigures } from './full-run.ts';
import type { StoreFigures } from './store.ts';
import { storeMarkdown } from './store-table.ts';
import { ratio, target, type Target } from './stats.ts';
import { fmtMs, fmtRange, fmtRate, fmtRatio, markdownTable } from './table.ts';

export interface BenchReport {
  version: 1;
  startedAt: string;
  durationMs: number;
  machine: { cpus: number; model: string; node: string; platform: string; /** 1-minute load average at the start and the end: other work on the machine. */ loadAverage: { start: number; end: number } };
  settings: { durationSeconds: number; rounds: number; warmupSeconds: number; connections: number[]; endpointConnections: number; codes: number; storeConnections?: number; sections: string[] };
  token?: TokenComparison;
  endpoints?: EndpointFigures;
  store?: StoreFigures;
  diagrams?: DiagramFigures;
  ldap?: LdapFigures;
  fullRun?: FullRunFigures;
  /** Sections that could not be measured, and why. */
  errors: Record<string, string>;
  targets: Target[];
}

/** The eleven flows of the seeds, and discovery. */
export const flowCount = 12;

export function targetsOf(report: Omit<BenchReport, 'targets'>): Target[] {
  const at50 = report.token?.rows.find((r) => r.connections === 50);
  const run = report.fullRun;
  const complete = run !== undefined && run.suites >= flowCount && !run.error;
  return [
    target('token req/s vs oidc-provider', 'nauthera ÷ oidc-provider req/s, 50 connections (median of rounds)', at50?.ratio, '>=', 1.5, '×'),
    target('token p99', 'nauthera /token p99 latency, 50 connections', at50?.nauthera.latencyMs.p99, '<', 20, 'ms'),
    target('11 SVGs', 'one page: set-up + 11 annotated SVGs (browser running)', report.diagrams?.summary.onePageSvgMs, '<', 2000, 'ms'),
    target(
      'full run',
      `nauthera run wall time, ${flowCount} flows, ${run?.reported?.workers ?? 4} at a time (${run ? `${run.suites} suite${run.suites === 1 ? '' : 's'} present, ${run.checks} checks, ${fmtRate(run.wallMs > 0 ? run.checks / (run.wallMs / 1000) : 0)} checks/s` : 'not run'})`,
      complete ? run.wallMs : null,
      '<',
      20_000,
      'ms',
    ),
    ...storeTargets(report.store),
  ];
}

/** Per-instance throughput with the Redis store: at least 0.8× what the in-memory store serves. */
function storeTargets(store: StoreFigures | undefined): Target[] {
  const c = store ? `${store.connections} connections, median of rounds` : 'not run';
  return [
    target('Redis store, /token', `one instance on Redis ÷ one on the in-memory store, req/s of POST /token client_credentials (${c})`, store?.token.ratio, '>=', 0.8, '×'),
    target('Redis store, code exchange', `one instance on Redis ÷ one on the in-memory store, req/s of the code exchange (${c})`, store?.codeExchange.ratio, '>=', 0.8, '×'),
    target(
      'two instances on one Redis, per instance',
      `(two instances' total req/s ÷ 2) ÷ one instance's, both on Redis behind the balancer, /token (${c}); the instances share the machine's cores, so a lower bound`,
      store?.pair.perInstanceRatio,
      '>=',
      0.8,
      '×',
    ),
  ];
}

function fmtTargetValue(t: Target): string {
  if (t.value === null) return '–';
  return t.unit === 'ms' ? fmtMs(t.value) : t.unit === '×' ? fmtRatio(t.value) : `${t.value}${t.unit}`;
}

function targetsTable(targets: Target[]): string {
  return markdownTable(
    ['target', 'figure', 'measured', 'limit', 'verdict'],
    targets.map((t) => [t.name, t.figure, fmtTargetValue(t), `${t.op} ${t.unit === 'ms' ? fmtMs(t.limit) : `${t.limit}${t.unit}`}`, t.verdict === 'met' ? '✅ met' : t.verdict === 'not met' ? '❌ not met' : '➖ not measured']),
  );
}

export function tokenTable(token: TokenComparison): string {
  const peer = token.peerName;
  return markdownTable(
    ['connections', 'nauthera req/s', 'p50', 'p99', `${peer} req/s`, 'p50', 'p99', 'nauthera ÷ peer (median of rounds)', 'per round', 'pooled'],
    token.rows.map((r) => [
      r.connections,
      fmtRate(r.nauthera.rps),
      fmtMs(r.nauthera.latencyMs.p50),
      fmtMs(r.nauthera.latencyMs.p99),
      fmtRate(r.peer.rps),
      fmtMs(r.peer.latencyMs.p50),
      fmtMs(r.peer.latencyMs.p99),
      `**${fmtRatio(r.ratio)}**`,
      fmtRange(r.roundRatios),
      fmtRatio(r.pooledRatio),
    ]),
    ['right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
}

function endpointsTable(figures: EndpointFigures, token?: TokenComparison): string {
  const baseline = token?.rows.find((r) => r.connections === figures.connections)?.nauthera.rps;
  return markdownTable(
    ['endpoint', 'req/s', 'p50', 'p99', 'requests', `÷ client_credentials at ${figures.connections} conn.`, 'what is measured'],
    figures.endpoints.map((e) => [
      e.name,
      fmtRate(e.result.rps),
      fmtMs(e.result.latencyMs.p50),
      fmtMs(e.result.latencyMs.p99),
      `${e.result.ok}${e.result.failed ? ` (+${e.result.failed} non-2xx)` : ''}`,
      fmtRatio(ratio(e.result.rps, baseline)),
      `${e.request}; ${e.prepared}`,
    ]),
    ['left', 'right', 'right', 'right', 'right', 'right', 'left'],
  );
}

function diagramsTable(d: DiagramFigures): string {
  const s = d.summary;
  const mid = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const rows: unknown[][] = [
    ['mermaid once, one reused page (nauthera, render.ts: ESM build, core + sequence chunks)', fmtMs(s.onePageSvgMs), fmtMs(s.onePageSetupMs), fmtMs(s.onePagePerDiagramMs.p50), fmtMs(s.onePagePerDiagramMs.max), '1.00×'],
    ['same page, mermaid.min.js UMD bundle (render.ts build: umd, the earlier default)', fmtMs(s.umdSvgMs), fmtMs(s.umdSetupMs), fmtMs(s.umdPerDiagramMs.p50), fmtMs(s.umdPerDiagramMs.max), fmtRatio(s.umdRatio)],
    ['mermaid-cli per diagram (new page + mermaid load each, one browser)', fmtMs(s.mermaidCliMs), '–', fmtMs(s.mermaidCliPerDiagramMs.p50), fmtMs(s.mermaidCliPerDiagramMs.max), fmtRatio(s.ratio)],
  ];
  if (d.mermaidCliCold) {
    const cold = d.mermaidCliCold.perDiagramMs;
    rows.push(['mermaid-cli, a new browser per diagram (11 × mmdc) ÷ (browser launch + one page)', fmtMs(d.mermaidCliCold.totalMs), '–', fmtMs(mid(cold)), fmtMs(Math.max(...cold)), fmtRatio(s.coldRatio)]);
  }
  rows.push(['one page, 11 × SVG + PNG (what a run writes)', fmtMs(s.onePageSvgPngMs), fmtMs(s.onePageSetupMs), '–', '–', fmtRatio(ratio(s.onePageSvgPngMs, s.onePageSvgMs))]);
  return markdownTable(['path', `${d.diagrams} diagrams, set-up included`, 'of which set-up', 'per diagram p50', 'per diagram max', 'time ÷ one page'], rows, ['left', 'right', 'right', 'right', 'right', 'right']);
}

function ldapTable(l: LdapFigures): string {
  const rows: unknown[][] = l.starts.map((s) =>
    s.available && s.startToBindMs
      ? [`start → first bind, ${s.provider}`, `${fmtMs(s.startToBindMs.p50)} (p50 of ${s.startToBindMs.n})`, `min ${fmtMs(s.startToBindMs.min)}, max ${fmtMs(s.startToBindMs.max)}; the bind itself ${fmtMs(s.firstBindMs?.p50)}`]
      : [`start → first bind, ${s.provider}`, 'unavailable', s.reason ?? ''],
  );
  for (const r of l.signIns) {
    rows.push([`sign-ins (search + bind), ${r.concurrency} at a time`, `${fmtRate(r.perSecond)}/s`, `p50 ${fmtMs(r.latencyMs.p50)}, p99 ${fmtMs(r.latencyMs.p99)}; ${r.ok} ok, ${r.refused} refused`]);
  }
  const [one, many] = [l.signIns[0], l.signIns[l.signIns.length - 1]];
  if (one && many && one !== many) rows.push([`sign-ins ${many.concurrency} ÷ 1 at a time`, fmtRatio(ratio(many.perSecond, one.perSecond)), 'how far concurrency helps']);
  return markdownTable(['measure', 'value', 'detail'], rows);
}

function fullRunTable(run: FullRunFigures): string {
  const share = (ms: number | null) => (ms === null || run.wallMs <= 0 ? '' : `${Math.round((ms / run.wallMs) * 100)}%`);
  const r = run.reported;
  // The run's own clock (results.json phases) where it has one; the stamped lines otherwise.
  const setup: unknown[][] = r
    ? [
        ['start-up (node + tsx, before the command)', fmtMs(run.phases.setupMs === null ? null : run.phases.setupMs - r.setupMs), share(run.phases.setupMs === null ? null : run.phases.setupMs - r.setupMs)],
        [`set-up: system check ${fmtMs(r.systemCheckMs)}, target start (slapd, reference server) ${fmtMs(r.targetStartMs)}, suite load ${fmtMs(r.suitesLoadMs)}`, fmtMs(r.setupMs), share(r.setupMs)],
      ]
    : [['set-up (node, system check, slapd, reference server, suite load)', fmtMs(run.phases.setupMs), share(run.phases.setupMs)]];
  const reportsMs = r?.reportsMs ?? run.phases.reportsMs;
  const workers = r?.workers ?? 1;
  // Flows that run at once overlap: their own times are listed, but only their span is a share of the wall time.
  const flowRows: unknown[][] = workers > 1
    ? [
        [`flows, ${workers} at a time (first start → last end)`, fmtMs(r?.flowsMs ?? run.phases.flowsMs), share(r?.flowsMs ?? run.phases.flowsMs)],
        ...run.flows.map((f) => [`· flow ${f.id} (${f.status}, ${f.steps} steps, ${f.checks} checks), beside others`, fmtMs(f.durationMs), '']),
      ]
    : run.flows.map((f) => [`flow ${f.id} (${f.status}, ${f.steps} steps, ${f.checks} checks)`, fmtMs(f.durationMs), share(f.durationMs)]);
  const rows: unknown[][] = [
    ...setup,
    ...flowRows,
    ...(r?.rendererStartMs !== undefined ? [[`(diagram renderer start: browser + mermaid, during the flows)`, fmtMs(r.rendererStartMs), '']] : []),
    ['reports (target stop, results, junit, html, diagram rendering)', fmtMs(reportsMs), share(reportsMs)],
    ['exit (browser close, process exit)', fmtMs(run.phases.exitMs), share(run.phases.exitMs)],
    [`**wall time** (exit ${run.exitCode}), ${run.checks} checks: ${fmtRate(run.wallMs > 0 ? run.checks / (run.wallMs / 1000) : 0)} checks/s`, `**${fmtMs(run.wallMs)}**`, '100%'],
  ];
  if (run.redrawMs !== null) rows.push(['`nauthera diagrams --results` on this run (own process, own browser)', fmtMs(run.redrawMs), '']);
  const one = run.oneAtATime;
  if (one) {
    rows.push([
      `the same run with \`--workers 1\` (flows ${fmtMs(one.flowsMs)}, exit ${one.exitCode}); wall time ÷ it`,
      fmtMs(one.wallMs),
      fmtRatio(ratio(run.wallMs, one.wallMs)),
    ]);
  }
  return markdownTable(['phase', 'time', 'share of wall time'], rows, ['left', 'right', 'right']);
}

export function benchMarkdown(report: BenchReport): string {
  const m = report.machine;
  const s = report.settings;
  const out: string[] = [
    `Run ${report.startedAt} on ${m.cpus} × ${m.model}, node ${m.node}, load average ${m.loadAverage.start.toFixed(1)} at the start and ${m.loadAverage.end.toFixed(1)} at the end; ${s.durationSeconds} s per load run, ${s.rounds} rounds, warm-up ${s.warmupSeconds} s. Every figure below is a ratio or a distribution from this one run.`,
    '',
    targetsTable(report.targets),
  ];
  if (report.token) {
    out.push('', `**Token endpoint**, ${report.token.request}, JWT access token ES256, ${report.token.rounds} × ${report.token.durationSeconds} s per cell, alternating:`, '', tokenTable(report.token));
  }
  if (report.endpoints) {
    const p = report.endpoints.codePool;
    out.push('', `**nauthera endpoints**, ${report.endpoints.connections} connections (codes prepared: ${p.count} in ${fmtMs(p.elapsedMs)}, ${fmtRate(p.perSecond)}/s via ${p.via}):`, '', endpointsTable(report.endpoints, report.token));
  }
  if (report.store) out.push('', ...storeMarkdown(report.store, m.cpus));
  if (report.diagrams) out.push('', `**Diagram rendering**, the ${report.diagrams.diagrams} annotated diagrams, median of ${report.diagrams.rounds} alternating rounds (browser launch not included: Chromium ${fmtMs(report.diagrams.browserLaunchMs.playwright)}):`, '', diagramsTable(report.diagrams));
  if (report.ldap) out.push('', '**LDAP** (native slapd fixture; sign-ins through `LdapAccounts.authenticate`, the reference server\'s sign-in module, users in turn: ' + report.ldap.users.join(', ') + '):', '', ldapTable(report.ldap));
  if (report.fullRun) {
    const r = report.fullRun;
    out.push('', `**Full conformance run**, \`${r.command}\` (reference target: slapd, server and Chromium included), ${r.suites} of ${flowCount} suites present:`, '');
    out.push(r.error ? `Not measured: ${r.error}` : fullRunTable(r));
  }
  const errors = Object.entries(report.errors);
  if (errors.length) out.push('', '**Not measured:**', '', ...errors.map(([k, v]) => `- ${k}: ${v}`));
  return `${out.join('\n')}\n`;
}
