/** How statuses roll up: checks → step → flow → run exit code (docs/design.md, "The model"). */
import type { CheckResult, FlowResult, RunResult, Status, StepResult } from './model.ts';

/** A check that fails the run: failure severity, failed, and not an expected failure. */
export const isBlocking = (check: CheckResult) => check.status === 'failed' && check.severity === 'failure' && !check.expectedFailure;

/** A check that warns: a missed SHOULD, or a warning-severity check that failed (never an expected failure). */
export const isWarning = (check: CheckResult) => !isBlocking(check) && !check.expectedFailure && (check.status === 'warning' || check.status === 'failed');

export function stepStatus(checks: CheckResult[], notApplicable: boolean): Status {
  if (checks.some(isBlocking)) return 'failed';
  if (notApplicable) return 'not-applicable';
  if (checks.some((c) => c.status === 'warning' || (c.status === 'failed' && c.expectedFailure))) return 'warning';
  if (checks.length > 0 && checks.every((c) => c.status === 'not-applicable')) return 'not-applicable';
  return 'passed';
}

export function flowStatus(steps: StepResult[]): Status {
  if (steps.some((s) => s.status === 'failed')) return 'failed';
  if (steps.length > 0 && steps.every((s) => s.status === 'not-applicable')) return 'not-applicable';
  if (steps.some((s) => s.status === 'warning')) return 'warning';
  if (steps.some((s) => s.status === 'skipped')) return 'skipped';
  return 'passed';
}

/** The first check that fails its step (for JUnit messages, notes on the diagram, summaries). */
export function firstFailingCheck(step: StepResult): CheckResult | undefined {
  return step.checks.find(isBlocking);
}

/**
 * docs/design.md: 0 when every applicable failure check passed or is expected, 1 otherwise; with
 * warningsAsFailures (`nauthera run --warnings-as-failures`) a warning is 1 as well.
 */
export function exitCodeFor(run: RunResult, options: { warningsAsFailures?: boolean } = {}): 0 | 1 {
  if (run.flows.some((f) => f.status === 'failed')) return 1;
  if (options.warningsAsFailures && run.flows.some((f) => f.steps.some((s) => s.checks.some(isWarning)))) return 1;
  return 0;
}

export function countSteps(flow: FlowResult): Record<Status, number> {
  const counts: Record<Status, number> = { passed: 0, failed: 0, warning: 0, skipped: 0, 'not-applicable': 0 };
  for (const s of flow.steps) counts[s.status]++;
  return counts;
}
