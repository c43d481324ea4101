/**
 * Live progress of `nauthera run`, one line per flow and per step, to stderr. With flows
 * running at once, a flow's step lines are held and written together when it ends, so
 * they never interleave with another flow's; meanwhile a line every `heartbeatMs` says which
 * flows are still running and on which arrow, so a slow or hanging IdP never looks like silence.
 */
import { statusMarks } from '../results/marks.ts';
import type { FlowResult, Status, StepResult } from '../results/model.ts';
import { isBlocking } from '../results/status.ts';
import type { ProgressListener } from './runner.ts';

const mark = (status: Status) => statusMarks[status].symbol;

const time = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`);

export interface ConsoleProgressOptions {
  /** Hold each flow's step lines until it ends (for concurrent flows). */
  grouped?: boolean;
  /** Grouped only: how often to say what is still running (default 10 s). */
  heartbeatMs?: number;
  now?: () => number;
}

interface Running {
  startedAt: number;
  lines: string[];
  step?: { index: number; text: string; startedAt: number };
}

export function consoleProgress(write: (line: string) => void = (line) => process.stderr.write(`${line}\n`), options: ConsoleProgressOptions = {}): ProgressListener {
  const now = options.now ?? Date.now;
  const running = new Map<string, Running>();
  let heartbeat: NodeJS.Timeout | undefined;
  const out = (flowId: string, line: string) => {
    const flow = options.grouped ? running.get(flowId) : undefined;
    if (flow) flow.lines.push(line);
    else write(line);
  };
  const beat = () => {
    const at = now();
    const parts = [...running].map(([id, flow]) => {
      const step = flow.step ? `arrow ${flow.step.index + 1} "${flow.step.text}" for ${time(at - flow.step.startedAt)}` : 'starting';
      return `${id} (${time(at - flow.startedAt)}; ${step})`;
    });
    if (parts.length > 0) write(`… still running: ${parts.join(', ')}`);
  };
  return {
    flowStart(flow) {
      write(`▶ ${flow.id}: ${flow.title}`);
      if (!options.grouped) return;
      running.set(flow.id, { startedAt: now(), lines: [] });
      if (!heartbeat) {
        heartbeat = setInterval(beat, options.heartbeatMs ?? 10_000);
        heartbeat.unref();
      }
    },
    stepStart(flow, step) {
      const entry = running.get(flow.id);
      if (entry) entry.step = { index: step.index, text: step.text, startedAt: now() };
    },
    stepEnd(flow, step: StepResult) {
      const why = step.status === 'skipped' || step.status === 'not-applicable' ? ` (${step.reason ?? step.status})` : ` (${time(step.durationMs)})`;
      out(flow.id, `  ${mark(step.status)} ${step.index + 1}. ${step.from} → ${step.to}: ${step.text}${why}`);
      for (const check of step.checks) {
        if (isBlocking(check) || check.status === 'warning' || check.expectedFailure) {
          const label = check.expectedFailure ? 'expected failure' : check.status;
          out(flow.id, `      ${mark(check.status)} ${label}: ${check.name} [${check.spec}]: ${check.detail}`);
        }
      }
    },
    log(flow, step, message) {
      out(flow.id, `      ${step ? `${step.index + 1}: ` : ''}${message}`);
    },
    flowEnd(flow: FlowResult) {
      const entry = running.get(flow.id);
      running.delete(flow.id);
      if (running.size === 0 && heartbeat) {
        clearInterval(heartbeat);
        heartbeat = undefined;
      }
      const end = `${mark(flow.status)} ${flow.id} ${flow.status}${flow.reason ? `: ${flow.reason}` : ''} (${time(flow.durationMs)})`;
      // Grouped, the flow's own lines follow a header naming it again, since other flows may have started since.
      if (entry) write([`${end}:`, ...entry.lines].join('\n'));
      else write(end);
    },
  };
}
