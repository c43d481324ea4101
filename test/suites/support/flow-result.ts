/** Reading a FlowResult in the suites' tests: what did not pass, and how one named check ended. */
import type { FlowResult } from '../../../harness/results/model.ts';

/** Every check that failed or only warned, as "step text › check name [status]: detail". */
export function unpassedChecks(result: FlowResult): string[] {
  return result.steps.flatMap((s) => s.checks
    .filter((c) => c.status === 'failed' || c.status === 'warning')
    .map((c) => `${s.text} › ${c.name} [${c.status}]: ${c.detail}`));
}

/** The status of the named check on the step with this arrow text (undefined when it did not run). */
export function checkStatus(result: FlowResult, stepText: string, checkName: string): string | undefined {
  return result.steps.find((s) => s.text === stepText)?.checks.find((c) => c.name === checkName)?.status;
}
