/**
 * The main job, timed from outside: `nauthera run --out <tmp>` as a child process on the
 * reference target, with whatever suites exist. The run's own phase timings (results.json
 * `phases`: system check, target start, suite load, flows, reports) are the breakdown; the
 * phases are also cut at the lines it prints, each stamped on arrival, which adds what the run
 * cannot see of itself (node + tsx start-up before the command, and the exit):
 *   set-up    spawn → "nauthera run: reference target ..." (node + tsx, system check, slapd,
 *             reference server, suite imports)
 *   flows     each "▶ <flow>" → its end line; results.json has each flow's own durationMs
 *   reports   last flow end → first stdout line (target stop, results.json, junit, html,
 *             diagram rendering, browser close)
 *   exit      → process exit
 * The browser launch and the mermaid load start with the flows and overlap them (results.json
 * phases.rendererStartMs).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { statusMarks } from '../harness/results/marks.ts';
import { statuses, type RunPhases as ReportedPhases, type RunResult } from '../harness/results/model.ts';

export interface TimedLine {
  atMs: number;
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface FlowTiming {
  id: string;
  status: string;
  /** From results.json (the engine's own clock). */
  durationMs: number;
  /** Between its start and end lines, seen from outside. */
  observedMs: number | null;
  steps: number;
  /** Checks the flow ran (every status but skipped). */
  checks: number;
}

export interface RunPhases {
  setupMs: number | null;
  flowsMs: number | null;
  reportsMs: number | null;
  exitMs: number | null;
}

export interface FullRunFigures {
  command: string;
  exitCode: number | null;
  wallMs: number;
  suites: number;
  /** Checks the run ran, over all flows. */
  checks: number;
  /** results.json durationMs: the flows as the engine timed them. */
  engineMs: number | null;
  phases: RunPhases;
  /** The run's own phases from results.json (null when it wrote none). */
  reported?: ReportedPhases | null;
  flows: FlowTiming[];
  /** `nauthera diagrams --results` on this run, a process of its own, when the run has flows. */
  redrawMs: number | null;
  /** The same run with `--workers 1` right after, for the gain of running flows at once. */
  oneAtATime?: { wallMs: number; flowsMs: number | null; exitCode: number | null } | null;
  error?: string;
}

const flowEnd = new RegExp(`^[${statuses.map((s) => statusMarks[s].symbol.replace(/[-\\\]^]/g, '\\$&')).join('')}] (\\S+) (${statuses.join('|')})\\b`);

/** Phases from the stamped lines (pure; tested in test/bench/). */
export function phasesFrom(lines: TimedLine[], exitAtMs: number): { phases: RunPhases; observed: Map<string, number> } {
  const err = lines.filter((l) => l.stream === 'stderr');
  const setupLine = err.find((l) => l.text.startsWith('nauthera run: ') && / target /.test(l.text));
  const firstOut = lines.find((l) => l.stream === 'stdout' && l.text.trim() !== '');
  const observed = new Map<string, number>();
  let lastEnd: number | undefined;
  const starts = new Map<string, number>();
  for (const l of err) {
    const start = /^▶ ([^:\s]+):/.exec(l.text);
    if (start) starts.set(start[1], l.atMs);
    const end = flowEnd.exec(l.text);
    if (end) {
      lastEnd = l.atMs;
      const began = starts.get(end[1]);
      if (began !== undefined) observed.set(end[1], l.atMs - began);
    }
  }
  const setupMs = setupLine ? setupLine.atMs : null;
  const flowsFrom = setupLine?.atMs;
  const flowsMs = flowsFrom !== undefined ? (lastEnd ?? flowsFrom) - flowsFrom : null;
  const reportsFrom = lastEnd ?? flowsFrom;
  const reportsMs = reportsFrom !== undefined && firstOut ? firstOut.atMs - reportsFrom : null;
  const exitMs = firstOut ? exitAtMs - firstOut.atMs : null;
  return { phases: { setupMs, flowsMs, reportsMs, exitMs }, observed };
}

function runTimed(command: string, args: string[], cwd: string, timeoutMs: number): Promise<{ lines: TimedLine[]; exitCode: number | null; exitAtMs: number }> {
  const started = performance.now();
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: TimedLine[] = [];
  for (const stream of ['stdout', 'stderr'] as const) {
    createInterface({ input: child[stream]! }).on('line', (text) => lines.push({ atMs: performance.now() - started, stream, text }));
  }
  const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
  return new Promise((resolve) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ lines, exitCode: code, exitAtMs: performance.now() - started });
    });
  });
}

export async function measureFullRun(root: string, options: { timeoutMs: number; log: (line: string) => void; args?: string[] }): Promise<FullRunFigures> {
  const out = mkdtempSync(join(tmpdir(), 'nauthera-bench-run-'));
  const args = [join(root, 'bin', 'nauthera.js'), 'run', '--out', out, ...(options.args ?? [])];
  const command = ['nauthera run --out <tmp>', ...(options.args ?? [])].join(' ');
  try {
    const { lines, exitCode, exitAtMs } = await runTimed(process.execPath, args, root, options.timeoutMs);
    const { phases, observed } = phasesFrom(lines, exitAtMs);
    const resultsFile = join(out, 'results.json');
    if (!existsSync(resultsFile)) {
      const tail = lines.slice(-6).map((l) => l.text).join(' / ');
      return { command, exitCode, wallMs: exitAtMs, suites: 0, checks: 0, engineMs: null, phases, reported: null, flows: [], redrawMs: null, error: `no results.json (exit ${exitCode}): ${tail}` };
    }
    const result = JSON.parse(readFileSync(resultsFile, 'utf8')) as RunResult;
    const flows: FlowTiming[] = result.flows.map((f) => ({
      id: f.id, status: f.status, durationMs: f.durationMs, observedMs: observed.get(f.id) ?? null, steps: f.steps.length,
      checks: f.steps.reduce((n, s) => n + s.checks.filter((c) => c.status !== 'skipped').length, 0),
    }));
    options.log(`  run: exit ${exitCode}, ${flows.length} flows, ${Math.round(exitAtMs)} ms`);
    let redrawMs: number | null = null;
    if (flows.length > 0) {
      const redraw = await runTimed(process.execPath, [join(root, 'bin', 'nauthera.js'), 'diagrams', '--results', resultsFile, '--out', join(out, 'redraw')], root, options.timeoutMs);
      redrawMs = redraw.exitCode === 0 ? redraw.exitAtMs : null;
    }
    return { command, exitCode, wallMs: exitAtMs, suites: flows.length, checks: flows.reduce((n, f) => n + f.checks, 0), engineMs: result.durationMs, phases, reported: result.phases ?? null, flows, redrawMs };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
