/**
 * `nauthera run`: the main job. Runs suites/*.suite.ts against a target (the reference
 * server, or an external IdP by issuer URL and config file), prints progress as it goes
 * and a summary table at the end, and writes results.json, junit.xml, report.html and
 * the annotated diagrams. Exit 0 / 1 / 2 as docs/design.md says.
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BrowserSession } from '../browser/session.ts';
import { createDiagramRenderer, type DiagramRenderer } from '../diagram/render.ts';
import { UsageError } from '../cli-errors.ts';
import { importSuite, listSuites, type LoadedSuite } from '../flow/load-suites.ts';
import { flowCatalogue } from '../flow/catalogue.ts';
import type { RunPhases, RunResult } from '../results/model.ts';
import { consoleProgress } from '../flow/progress.ts';
import { projectRoot } from '../flow/runner.ts';
import { runSuites } from '../flow/run-suites.ts';
import { exitCodeFor } from '../results/status.ts';
import { summaryTable } from '../report/summary.ts';
import { writeResults } from '../results/io.ts';
import { writeReports } from '../report/write.ts';
import type { Target } from '../target/model.ts';
import { resolveTarget } from '../target/resolve.ts';
import { defineCommand, parseCommand } from './command-table.ts';
import { didYouMean } from './did-you-mean.ts';
import { scrubHandledSecrets } from '../http/handled-secrets.ts';
import { ensureSystemParts } from './setup.ts';
import { parseShard, shareOf } from '../results/shard.ts';

/** The reference server's flows share nothing but the server; an external IdP's may (lockouts, rate limits). */
export const defaultWorkers = { reference: 4, external: 1 } as const;

export const runCommand = defineCommand({
  command: 'run',
  description: 'Runs the flow suites against a target and writes the reports:\nresults.json, junit.xml, report.html and diagrams/<flow>.{svg,png,md}.',
  options: {
    target: { type: 'string', value: 'reference|<issuer URL>', help: 'reference (default: the embedded server and OpenLDAP, started and\nstopped by the run), or the issuer URL of an external IdP' },
    config: { type: 'string', value: 'FILE', help: 'the target config file (JSON): clients, users, login automation,\nskipFlows, expectedFailures (docs/config.md)' },
    out: { type: 'string', value: 'DIR', help: 'the report directory (default: reports/)' },
    flows: { type: 'string', value: 'id,id', help: 'only these flow ids, comma-separated' },
    shard: { type: 'string', value: 'i/n', help: "only this machine's share of the flows (flow k of the selection\ngoes to shard k mod n + 1); `nauthera merge` combines the shards' reports" },
    suites: { type: 'string', value: 'DIR', help: 'the directory of *.suite.ts files (default: suites/ of nauthera)' },
    workers: { type: 'string', value: 'N', help: `how many flows run at once, each in its own browser context\n(default ${defaultWorkers.reference} on the reference target, ${defaultWorkers.external} on an external IdP, whose\nrate limits and shared test users may not take concurrent sign-ins)` },
    'warnings-as-failures': { type: 'boolean', help: 'a warning (a missed SHOULD) is a failure in junit.xml and makes the\nexit code 1, for a CI that holds a target to every SHOULD' },
    browser: { type: 'string', value: 'PATH', help: 'the Chromium (or Chrome) to run; default NAUTHERA_CHROMIUM, else\none `npx playwright install chromium` installed, else a system one\n(/usr/bin/chromium, Chrome...)' },
    instances: { type: 'string', value: 'N', help: 'the reference target as N instances on one store behind a round-robin\nbalancer, so every flow\'s requests alternate between them (default 1)' },
    store: { type: 'string', value: 'URL', help: "the reference target's store: memory (default) or redis://host:port;\nwith --instances > 1 and no --store, a private redis-server is started" },
  },
  exitCodes: {
    0: 'every applicable failure check passed or is an expected failure',
    1: 'one did not (or, with --warnings-as-failures, a check warned)',
    2: 'a usage or config error',
  },
});

function parseWorkers(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 32) throw new UsageError(`--workers must be a whole number from 1 to 32, not "${value}"`);
  return n;
}

function parseInstances(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 8) throw new UsageError(`--instances must be a whole number from 1 to 8, not "${value}"`);
  return n;
}

function selectSuites(entries: Array<{ id: string; file: string }>, flows: string | undefined): Array<{ id: string; file: string }> {
  if (flows === undefined) return entries;
  const wanted = flows.split(',').map((s) => s.trim()).filter(Boolean);
  if (wanted.length === 0) throw new UsageError('--flows needs at least one flow id');
  const known = entries.map((e) => e.id);
  const unknown = wanted.filter((id) => !known.includes(id));
  if (unknown.length > 0) {
    const named = unknown.map((u) => `"${u}"${didYouMean(u, known)}`).join(', ');
    throw new UsageError(`unknown flow id${unknown.length > 1 ? 's' : ''} ${named}; known: ${known.length ? known.join(', ') : '(no suites exist yet)'}`);
  }
  return entries.filter((e) => wanted.includes(e.id));
}

/**
 * Config entries naming flows or checks that do not exist are typos worth a warning, and an
 * expected failure named by its check's name (not its id) gets a deprecation note naming the id.
 */
export function configWarnings(target: Pick<Target, "skipFlows" | "expectedFailures">, known: string[], suites: LoadedSuite[]): string[] {
  const warnings: string[] = [];
  const catalogue = suites.flatMap((s) => (s.flow ? flowCatalogue(s.flow) : []));
  const loaded = new Set(suites.filter((s) => s.flow).map((s) => s.id));
  target.skipFlows.forEach((s, i) => {
    if (!known.includes(s.flow)) warnings.push(`skipFlows[${i}].flow "${s.flow}" is not a known flow`);
  });
  target.expectedFailures.forEach((x, i) => {
    if (!known.includes(x.flow)) warnings.push(`expectedFailures[${i}].flow "${x.flow}" is not a known flow`);
    if (!loaded.has(x.flow)) return;
    if (x.id !== undefined && !catalogue.some((e) => e.id === x.id)) warnings.push(`expectedFailures[${i}].id "${x.id}" is not a check of any suite (nauthera checks --flow ${x.flow} lists them)`);
    if (x.id === undefined && x.check !== undefined) {
      const ids = catalogue.filter((e) => e.flow === x.flow && e.name === x.check).map((e) => e.id);
      warnings.push(`expectedFailures[${i}].check names a check by its name, which is deprecated: ${ids.length ? `use "id": "${ids[0]}"` : 'no check of that name is declared (nauthera checks lists ids and names)'}`);
    }
  });
  return warnings;
}

/** Expected failures that did not happen: the target may have been fixed. */
function unusedExpectedFailures(target: Target, run: RunResult): string[] {
  return target.expectedFailures.flatMap((x) => {
    const flow = run.flows.find((f) => f.id === x.flow);
    if (!flow || flow.status === 'not-applicable') return [];
    // An entry names its check by id, or (deprecated) by name.
    const used = flow.steps.some((s) => s.checks.some((c) => c.expectedFailure !== undefined && (x.id !== undefined ? c.id === x.id : c.name === x.check)));
    return used ? [] : [`expected failure "${x.id ?? x.check}"${x.id ? '' : ` in ${x.flow}`} did not occur (it passed, or did not run); remove it once the target is fixed`];
  });
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(runCommand, args);
  if (!parsed) return 0;
  const { values } = parsed;
  const workersOption = parseWorkers(values.workers);
  const instances = parseInstances(values.instances);
  const shard = parseShard(values.shard);
  const warningsAsFailures = values['warnings-as-failures'] === true;
  // Console lines are scrubbed of the secrets the run handled, as the reports are.
  const log = (line: string) => process.stderr.write(`${scrubHandledSecrets(line)}\n`);
  const began = performance.now();
  const since = (t: number) => Math.round(performance.now() - t);
  let t = performance.now();
  // Every run needs a browser; the reference target checks its directory's parts as it starts.
  await ensureSystemParts({ quiet: true, parts: ['chromium'], browser: values.browser });
  const systemCheckMs = since(t);

  const outDir = resolve(values.out ?? 'reports');
  const suitesDir = resolve(values.suites ?? join(projectRoot, 'suites'));
  const entries = listSuites(suitesDir);
  const wanted = selectSuites(entries, values.flows);
  const selected = shard ? shareOf(wanted, shard) : wanted;
  // The target first: an unreachable issuer or a bad config fails fast, before any suite loads.
  t = performance.now();
  const target = await resolveTarget({ target: values.target, config: values.config, instances, store: values.store });
  const targetStartMs = since(t);
  t = performance.now();
  const suites: LoadedSuite[] = [];
  try {
    for (const entry of selected) suites.push(await importSuite(entry));
  } catch (error) {
    await target.close();
    throw error;
  }
  const suitesLoadMs = since(t);
  // Screenshots of an earlier run would be mistaken for this one's.
  rmSync(join(outDir, 'screenshots'), { recursive: true, force: true });
  const browser = new BrowserSession({ browser: values.browser });
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    log(`nauthera run: ${signal}, stopping the target and the browser`);
    void Promise.allSettled([browser.close(), target.close()]).then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  // The diagram renderer (a page of the run's browser with mermaid loaded) starts now, so that
  // launching Chromium and loading mermaid overlap the flows instead of following them.
  const rendererStart = performance.now();
  let rendererStartMs: number | undefined;
  const renderer: Promise<DiagramRenderer> | undefined =
    suites.length > 0
      ? browser.get().then((b) => createDiagramRenderer({ browser: b })).then((r) => ((rendererStartMs = since(rendererStart)), r))
      : undefined;
  renderer?.catch(() => undefined); // awaited (and reported) by writeReports

  let result: RunResult;
  let written;
  let workers = 1;
  try {
    workers = Math.min(workersOption ?? defaultWorkers[target.kind], Math.max(1, suites.length));
    const shardNote = shard ? ` (shard ${shard.index}/${shard.total}: ${selected.length} of ${wanted.length} flows)` : '';
    log(`nauthera run: ${target.kind} target ${target.issuer}, ${suites.length} suite${suites.length === 1 ? '' : 's'}${suites.length || shard ? '' : ` (none in ${suitesDir})`}${shardNote}${workers > 1 ? `, ${workers} at a time` : ''}`);
    for (const warning of configWarnings(target, entries.map((e) => e.id), suites)) log(`warning: config: ${warning}`);
    const setupMs = since(began);
    try {
      result = await runSuites(suites, { target, browser, outDir, progress: consoleProgress(log, { grouped: workers > 1 }) }, { workers });
    } finally {
      t = performance.now();
      await target.close();
    }
    const phases: RunPhases = { setupMs, systemCheckMs, targetStartMs, suitesLoadMs, flowsMs: result.durationMs, workers };
    result.phases = phases;
    if (shard) result.shard = { ...shard, flows: wanted.map((e) => e.id) };
    // The diagrams are drawn in the run's browser: one Chromium for everything.
    written = await writeReports(result, outDir, { projectRoot, renderer, junit: { warningsAsFailures } });
    // results.json is written first, as the source of the rest; the phases end after it.
    if (rendererStartMs !== undefined) phases.rendererStartMs = rendererStartMs;
    phases.reportsMs = since(t);
    writeResults(result, outDir);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await renderer?.then((r) => r.close(), () => undefined);
    await browser.close();
    await target.close();
  }
  for (const warning of [...written.warnings, ...unusedExpectedFailures(target, result)]) log(`warning: ${warning}`);
  console.log(scrubHandledSecrets(summaryTable(result)));
  console.log(`\nreports: ${outDir}/ (results.json, junit.xml, report.html${written.files.some((f) => f.includes('/diagrams/')) ? ', diagrams/' : ''})`);
  return exitCodeFor(result, { warningsAsFailures });
}
