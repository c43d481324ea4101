/** Live progress of `nauthera run`, one line per flow and per step, to stderr. */
import type { FlowResult, Status, StepResult } from './model.ts';
import type { ProgressListener } from './runner.ts';
import { isBlocking } from './status.ts';

const marks: Record<Status, string> = { passed: '✔', failed: '✘', warning: '⚠', skipped: '-', 'not-applicable': '∅' };

const time = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`);

export function consoleProgress(write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): ProgressListener {
  return {
    flowStart(flow) {
      write(`▶ ${flow.id}: ${flow.title}`);
    },
    stepEnd(_flow, step: StepResult) {
      const why = step.status === 'skipped' || step.status === 'not-applicable' ? ` (${step.reason ?? step.status})` : ` (${time(step.durationMs)})`;
      write(`  ${marks[step.status]} ${step.index + 1}. ${step.from} → ${step.to}: ${step.text}${why}`);
      for (const check of step.checks) {
        if (isBlocking(check) || check.status === 'warning' || check.expectedFailure) {
          const label = check.expectedFailure ? 'expected failure' : check.status;
          write(`      ${marks[check.status]} ${label}: ${check.name} [${check.spec}]: ${check.detail}`);
        }
      }
    },
    log(_flow, step, message) {
      write(`      ${step ? `${step.index + 1}: ` : ''}${message}`);
    },
    flowEnd(flow: FlowResult) {
      write(`${marks[flow.status]} ${flow.id} ${flow.status}${flow.reason ? `: ${flow.reason}` : ''} (${time(flow.durationMs)})`);
    },
  };
}
