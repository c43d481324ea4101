/** The table `nauthera run` prints at the end. */
import { statusMarks } from '../results/marks.ts';
import type { RunPhases, RunResult, Status } from '../results/model.ts';
import { countSteps, exitCodeFor } from '../results/status.ts';

export function summaryTable(run: RunResult): string {
  const header = ['flow', 'status', 'passed', 'failed', 'warn', 'skipped', 'n/a', 'time'];
  const rows = run.flows.map((f) => {
    const c = countSteps(f);
    return [f.id, `${statusMarks[f.status].symbol} ${f.status}`, String(c.passed), String(c.failed), String(c.warning), String(c.skipped), String(c['not-applicable']), `${(f.durationMs / 1000).toFixed(1)}s`];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const lines = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  if (rows.length === 0) lines.push('(no suites ran)');
  const byStatus = (s: Status) => run.flows.filter((f) => f.status === s).length;
  const total = `${run.flows.length} flow${run.flows.length === 1 ? '' : 's'}: ${byStatus('passed')} passed, ${byStatus('failed')} failed, ${byStatus('warning')} with warnings, ${byStatus('not-applicable')} not applicable`;
  const xf = run.flows.flatMap((f) => f.steps.flatMap((s) => s.checks)).filter((c) => c.expectedFailure).length;
  lines.push('', `${total}${xf ? `; ${xf} expected failure${xf === 1 ? '' : 's'}` : ''}`);
  if (run.phases) lines.push(phasesLine(run.phases));
  lines.push(exitCodeFor(run) === 0 ? 'verdict: PASS' : 'verdict: FAIL');
  return lines.join('\n');
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** One line: where the run's time went (each flow's own time is in the table above). */
export function phasesLine(p: RunPhases): string {
  const parts = [
    `set-up ${seconds(p.setupMs)} (system check ${seconds(p.systemCheckMs)}, target start ${seconds(p.targetStartMs)}, suites load ${seconds(p.suitesLoadMs)})`,
    `flows ${seconds(p.flowsMs)}${p.workers && p.workers > 1 ? ` (${p.workers} at a time)` : ''}`,
  ];
  if (p.reportsMs !== undefined) parts.push(`reports ${seconds(p.reportsMs)}${p.rendererStartMs !== undefined ? ` (diagram renderer started in ${seconds(p.rendererStartMs)} during the flows)` : ''}`);
  return `time: ${parts.join(', ')}`;
}
