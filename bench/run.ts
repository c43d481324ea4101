/**
 * `npm run bench`: every benchmark figure (docs/performance.md) in one run, written to reports/bench.json and
 * reports/bench.md, and the tables printed. Progress goes to stderr.
 *
 * Settings (environment):
 *   BENCH_DURATION              seconds per load run (5)
 *   BENCH_ROUNDS                alternating rounds per comparison cell (3)
 *   BENCH_WARMUP                seconds of warm-up per server (2)
 *   BENCH_CONNECTIONS           token-endpoint connection counts (1,10,50)
 *   BENCH_ENDPOINT_CONNECTIONS  connections for userinfo / introspection / code exchange (10)
 *   BENCH_CODES                 authorization codes prepared for the exchange run (2000), and per
 *                               server for the store section's
 *   BENCH_STORE_CONNECTIONS     connections of the store section (10)
 *   BENCH_SECTIONS              any of token,endpoints,store,diagrams,ldap,run (all)
 *   BENCH_COLD                  0 skips mermaid-cli with a new browser per diagram (~40 s)
 * Targets are reported as met / not met; the bench never fails on them. It exits 1 only when
 * a section could not be measured at all.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { startChild, type Child } from './child.ts';
import { compareTokenEndpoints } from './token-endpoint.ts';
import { measureEndpoints, prepareCodePool } from './nauthera-endpoints.ts';
import { measureDiagrams } from './diagrams.ts';
import { measureLdap } from './ldap.ts';
import { measureFullRun } from './full-run.ts';
import { measureStore } from './store.ts';
import { benchMarkdown, targetsOf, type BenchReport } from './report.ts';
import { credentials, startNauthera, type ServeInfo } from './servers/nauthera.ts';

const root = resolve(import.meta.dirname, '..');
const sectionNames = ['token', 'endpoints', 'store', 'diagrams', 'ldap', 'run'] as const;
type Section = (typeof sectionNames)[number];

function intSetting(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    console.error(`${name} must be an integer >= ${min}, got "${raw}"`);
    process.exit(2);
  }
  return value;
}

function listSetting(name: string, fallback: string[]): string[] {
  const raw = process.env[name];
  return raw ? raw.split(',').map((s) => s.trim()).filter(Boolean) : fallback;
}

const settings = {
  durationSeconds: intSetting('BENCH_DURATION', 5, 1),
  rounds: intSetting('BENCH_ROUNDS', 3, 1),
  warmupSeconds: intSetting('BENCH_WARMUP', 2, 1),
  connections: listSetting('BENCH_CONNECTIONS', ['1', '10', '50']).map(Number),
  endpointConnections: intSetting('BENCH_ENDPOINT_CONNECTIONS', 10, 1),
  codes: intSetting('BENCH_CODES', 2000, 50),
  storeConnections: intSetting('BENCH_STORE_CONNECTIONS', 10, 1),
  sections: listSetting('BENCH_SECTIONS', [...sectionNames]),
};
if (settings.connections.some((c) => !Number.isInteger(c) || c < 1)) {
  console.error(`BENCH_CONNECTIONS must be positive integers, got "${process.env.BENCH_CONNECTIONS}"`);
  process.exit(2);
}
const unknown = settings.sections.filter((s) => !(sectionNames as readonly string[]).includes(s));
if (unknown.length) {
  console.error(`BENCH_SECTIONS: unknown ${unknown.join(', ')}; known: ${sectionNames.join(', ')}`);
  process.exit(2);
}
const wanted = (s: Section) => settings.sections.includes(s);
const log = (line: string) => process.stderr.write(`${line}\n`);

const children: Array<Pick<Child<unknown>, 'stop'>> = [];
const stopChildren = async () => {
  await Promise.allSettled(children.splice(0).map((c) => c.stop()));
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`bench: ${signal}, stopping the servers`);
    void stopChildren().then(() => process.exit(130));
  });
}

const startedAt = new Date();
const started = performance.now();
const report: Omit<BenchReport, 'targets'> = {
  version: 1,
  startedAt: startedAt.toISOString(),
  durationMs: 0,
  machine: { cpus: cpus().length, model: cpus()[0]?.model.trim() ?? 'unknown', node: process.version, platform: `${process.platform} ${process.arch}`, loadAverage: { start: loadavg()[0], end: loadavg()[0] } },
  settings,
  errors: {},
};

async function section(name: string, work: () => Promise<void>): Promise<void> {
  log(`bench: ${name}`);
  try {
    await work();
  } catch (error) {
    report.errors[name] = error instanceof Error ? error.message : String(error);
    log(`bench: ${name} not measured: ${report.errors[name]}`);
  }
}

if (wanted('token') || wanted('endpoints')) {
  await section('token endpoint and nauthera endpoints', async () => {
    log('  starting nauthera serve and oidc-provider (child processes)');
    const [nauthera, peer] = await Promise.all([
      startNauthera(root),
      startChild<{ tokenEndpoint: string; client_id: string; client_secret: string }>(process.execPath, [join(root, 'bin', 'run-ts.js'), join(root, 'bench', 'servers', 'oidc-provider.ts')], { cwd: root, label: 'oidc-provider' }),
    ]);
    children.push(nauthera, peer);
    try {
      const info: ServeInfo = nauthera.info;
      if (wanted('token')) {
        const service = credentials(info, 'service');
        report.token = await compareTokenEndpoints(
          { name: 'nauthera', tokenEndpoint: `${info.issuer}/token`, clientId: service.id, clientSecret: service.secret },
          { name: 'oidc-provider 9', tokenEndpoint: peer.info.tokenEndpoint, clientId: peer.info.client_id, clientSecret: peer.info.client_secret },
          { connections: settings.connections, duration: settings.durationSeconds, rounds: settings.rounds, warmup: settings.warmupSeconds, log },
        );
      }
      if (wanted('endpoints')) {
        log(`  preparing ${settings.codes} authorization codes through /authorize`);
        const pool = await prepareCodePool(info, settings.codes);
        report.endpoints = await measureEndpoints(info, pool, { connections: settings.endpointConnections, duration: settings.durationSeconds, log });
      }
    } finally {
      await stopChildren();
    }
  });
}

if (wanted('store')) {
  await section('store', async () => {
    try {
      report.store = await measureStore(root, {
        connections: settings.storeConnections,
        duration: settings.durationSeconds,
        rounds: settings.rounds,
        warmup: settings.warmupSeconds,
        codes: settings.codes,
        log,
        track: (started) => children.push(started),
      });
    } finally {
      await stopChildren();
    }
  });
}

if (wanted('diagrams')) {
  await section('diagram rendering', async () => {
    report.diagrams = await measureDiagrams(root, { rounds: Math.max(settings.rounds, 3), cold: process.env.BENCH_COLD !== '0', log });
  });
}

if (wanted('ldap')) {
  await section('ldap', async () => {
    report.ldap = await measureLdap({ repeats: 5, duration: settings.durationSeconds, concurrency: [1, 10], log });
  });
}

if (wanted('run')) {
  await section('full conformance run', async () => {
    report.fullRun = await measureFullRun(root, { timeoutMs: 10 * 60_000, log });
    if (!report.fullRun.error && (report.fullRun.reported?.workers ?? 1) > 1) {
      const sequential = await measureFullRun(root, { timeoutMs: 10 * 60_000, log, args: ['--workers', '1'] });
      report.fullRun.oneAtATime = sequential.error ? null : { wallMs: sequential.wallMs, flowsMs: sequential.reported?.flowsMs ?? sequential.phases.flowsMs, exitCode: sequential.exitCode };
    }
  });
}

report.durationMs = Math.round(performance.now() - started);
report.machine.loadAverage.end = loadavg()[0];
const full: BenchReport = { ...report, targets: targetsOf(report) };
const markdown = benchMarkdown(full);
const outDir = join(root, 'reports');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'bench.json'), `${JSON.stringify(full, null, 2)}\n`);
writeFileSync(join(outDir, 'bench.md'), `# nauthera benchmarks\n\n${markdown}`);
console.log(markdown);
log(`bench: wrote reports/bench.json and reports/bench.md (${Math.round(report.durationMs / 1000)} s)`);
process.exitCode = Object.keys(report.errors).length > 0 ? 1 : 0;
