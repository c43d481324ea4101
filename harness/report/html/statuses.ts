/**
 * Which status a row of report.html shows and counts under: a check's (an expected failure shows
 * as a warning), or an arrow's when it has no checks (skipped, not applicable), or a flow's when
 * it has no arrows (a suite that did not load). The header's counts and filter read these.
 */
import type { CheckResult, FlowResult, RunResult, Status, StepResult } from '../../results/model.ts';
import { statuses } from '../../results/model.ts';

export const shownStatus = (check: CheckResult): Status => (check.status === 'failed' && check.expectedFailure ? 'warning' : check.status);

export function stepRowStatuses(step: StepResult): Status[] {
  return step.checks.length > 0 ? step.checks.map(shownStatus) : [step.status];
}

export function flowRowStatuses(flow: FlowResult): Status[] {
  return flow.steps.length > 0 ? flow.steps.flatMap(stepRowStatuses) : [flow.status];
}

export function countRows(run: RunResult): Record<Status, number> {
  const counts = Object.fromEntries(statuses.map((s) => [s, 0])) as Record<Status, number>;
  for (const flow of run.flows) for (const s of flowRowStatuses(flow)) counts[s]++;
  return counts;
}

/** `has-failed has-warning`: the statuses a filter finds inside an element. */
export function hasClasses(rows: Status[]): string {
  return [...new Set(rows)].map((s) => `has-${s}`).join(' ');
}
