/**
 * Live progress of `nauthera run`, one line per flow and per step, to stderr. With flows
 * running at once, a flow's step lines are held and written together when it ends, so
 * they never interleave with another flow's.
 */
import type { FlowResult, Status, StepResult } from './model.ts';
import type { ProgressListener } from './runner.ts';
import { isBlocking } from './status.ts';

const marks: Record<Status, string> = { passed: '✔', failed: '✘', warning: '⚠', skipped: '-', 'not-applicable': '∅' };

const time = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`);

export interface ConsoleProgressOptions {
  /** Hold each flow's step lines until it ends (for concurrent flows). */
  grouped?: boolean;
}

export function consoleProgress(write: (line: string) => void = (line) => process.stderr.write(`${line}\n`), options: ConsoleProgressOptions = {}): ProgressListener {
  const held = new Map<string, string[]>();
  const out = (flowId: string, line: string) => {
    const lines = options.grouped ? held.get(flowId) : undefined;
    if (lines) lines.push(line);
    else write(line);
  };
  return {
    flowStart(flow) {
      write(`▶ ${flow.id}: ${flow.title}`);
      if (options.grouped) held.set(flow.id, []);
    },
    stepEnd(flow, step: StepResult) {
      const why = step.status === 'skipped' || step.status === 'not-applicable' ? ` (${step.reason ?? step.status})` : ` (${time(step.durationMs)})`;
      out(flow.id, `  ${marks[step.status]} ${step.index + 1}. ${step.from} → ${step.to}: ${step.text}${why}`);
      for (const check of step.checks) {
        if (isBlocking(check) || check.status === 'warning' || check.expectedFailure) {
          const label = check.expectedFailure ? 'expected failure' : check.status;
          out(flow.id, `      ${marks[check.status]} ${label}: ${check.name} [${check.spec}]: ${check.detail}`);
        }
      }
    },
    log(flow, step, message) {
      out(flow.id, `      ${step ? `${step.index + 1}: ` : ''}${message}`);
    },
    flowEnd(flow: FlowResult) {
      const lines = held.get(flow.id);
      held.delete(flow.id);
      const end = `${marks[flow.status]} ${flow.id} ${flow.status}${flow.reason ? `: ${flow.reason}` : ''} (${time(flow.durationMs)})`;
      // Grouped, the flow's own lines follow a header naming it again, since other flows may have started since.
      if (lines) write([`${end}:`, ...lines].join('\n'));
      else write(end);
    },
  };
}
