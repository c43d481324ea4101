/**
 * The set-up the suites' tests share: one reference target per test file, closed after its
 * tests; a flow run once on a (narrowed) copy of it with a browser of its own; and the verdict a
 * suite must reach on the reference, every check passed.
 */
import { afterAll, expect } from 'vitest';
import { BrowserSession } from '../../../harness/browser/session.ts';
import { runFlow } from '../../../harness/flow/runner.ts';
import type { FlowDefinition } from '../../../harness/flow/define.ts';
import type { FlowResult } from '../../../harness/results/model.ts';
import { startReferenceTarget } from '../../../harness/target/reference.ts';
import type { Target } from '../../../harness/target/model.ts';

/** The reference target of this test file, started on the first ask and closed after the file's tests. */
export function sharedReferenceTarget(): () => Promise<Target> {
  let started: Promise<Target> | undefined;
  afterAll(async () => {
    await (await started)?.close();
  });
  return () => (started ??= startReferenceTarget());
}

/** Runs the flow once on this target with a browser of its own, closed afterwards. */
export async function runOnce(flow: unknown, target: Target): Promise<FlowResult> {
  const browser = new BrowserSession();
  try {
    return await runFlow(flow as FlowDefinition, { target, browser });
  } finally {
    await browser.close();
  }
}

/** The flow passed, and so did every check of every step (none warned, failed or was not applicable). */
export function expectEveryCheckPassed(result: FlowResult): void {
  expect(result.status).toBe('passed');
  const notPassed = result.steps.flatMap((s) => s.checks.filter((c) => c.status !== 'passed').map((c) => `${s.text}: ${c.name} ${c.status} ${c.detail}`));
  expect(notPassed).toEqual([]);
}
