/** The console progress of `nauthera run`: grouped lines for concurrent flows, and the heartbeat while they run. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { consoleProgress } from '../../harness/flow/progress.ts';
import type { FlowResult, StepResult } from '../../harness/results/model.ts';

const step = (index: number, text: string): StepResult => ({ index, from: 'A', to: 'B', text, status: 'passed', durationMs: 5, checks: [] });
const flow = (id: string, steps: StepResult[]): FlowResult => ({ id, title: id, diagram: `${id}.mmd`, status: 'passed', durationMs: 12_000, steps });

afterEach(() => {
  vi.useRealTimers();
});

describe('console progress', () => {
  it('holds a flow\'s lines until it ends, and says every 10 s which flows run on which arrow', () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const progress = consoleProgress((line) => lines.push(line), { grouped: true, now: () => Date.now() });
    progress.flowStart!({ id: 'slow', title: 'Slow flow' });
    progress.flowStart!({ id: 'quick', title: 'Quick flow' });
    progress.stepStart!({ id: 'slow' }, { index: 0, from: 'A', to: 'B', text: 'Sign in' });
    vi.advanceTimersByTime(4_000);
    progress.stepEnd!({ id: 'quick' }, step(0, 'Ask'));
    progress.flowEnd!(flow('quick', [step(0, 'Ask')]));
    expect(lines).toEqual(['▶ slow: Slow flow', '▶ quick: Quick flow', '✔ quick passed (12.0 s):\n  ✔ 1. A → B: Ask (5 ms)']);
    vi.advanceTimersByTime(6_000);
    expect(lines.at(-1)).toBe('… still running: slow (10.0 s; arrow 1 "Sign in" for 10.0 s)');
    progress.stepEnd!({ id: 'slow' }, step(0, 'Sign in'));
    progress.stepStart!({ id: 'slow' }, { index: 1, from: 'B', to: 'A', text: 'Answer' });
    vi.advanceTimersByTime(10_000);
    expect(lines.at(-1)).toBe('… still running: slow (20.0 s; arrow 2 "Answer" for 10.0 s)');
    progress.flowEnd!(flow('slow', [step(0, 'Sign in')]));
    const count = lines.length;
    // Nothing runs any more: no heartbeat.
    vi.advanceTimersByTime(30_000);
    expect(lines.length).toBe(count);
  });

  it('writes each line as it comes when flows run one at a time, with no heartbeat', () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const progress = consoleProgress((line) => lines.push(line));
    progress.flowStart!({ id: 'one', title: 'One' });
    progress.stepStart!({ id: 'one' }, { index: 0, from: 'A', to: 'B', text: 'Ask' });
    vi.advanceTimersByTime(60_000);
    progress.stepEnd!({ id: 'one' }, step(0, 'Ask'));
    progress.flowEnd!(flow('one', [step(0, 'Ask')]));
    expect(lines).toEqual(['▶ one: One', '  ✔ 1. A → B: Ask (5 ms)', '✔ one passed (12.0 s)']);
  });
});
