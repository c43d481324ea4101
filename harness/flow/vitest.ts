/**
 * Runs a suite on vitest: one test per step, in order, each skipped after a failed step
 * (and all of them when the flow is not applicable). Import it only from test files.
 *
 *   import flow from '../../suites/authorization-code.suite.ts';
 *   import { vitestFlow } from '../../harness/flow/vitest.ts';
 *   import { startReferenceTarget } from '../../harness/target/reference.ts';
 *   vitestFlow(flow, () => startReferenceTarget());
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import { BrowserSession } from '../browser/session.ts';
import type { Target } from '../target/model.ts';
import { isFlowDefinition, type FlowDefinition } from './define.ts';
import type { FlowResult, StepResult } from '../results/model.ts';
import { FlowExecution, type RunEnvironment } from './runner.ts';
import { firstFailingCheck } from '../results/status.ts';

export interface VitestFlowOptions {
  /** A browser shared with other flows of the test file (closed by its owner); by default one per flow. */
  browser?: BrowserSession;
  /** Report directory for screenshots. */
  outDir?: string;
  projectRoot?: string;
  stepTimeoutMs?: number;
  /** Receives the flow's result after the last test (to write a report, or assert on it). */
  onResult?: (result: FlowResult) => void | Promise<void>;
  /** Close the target after the flow (default true: the factory made it for this flow). */
  closeTarget?: boolean;
}

function failureMessage(step: StepResult): string {
  const check = firstFailingCheck(step);
  return check ? `${check.name} [${check.spec}]: ${check.detail}` : `step ${step.index + 1} failed`;
}

export function vitestFlow<S>(flowOrModule: FlowDefinition<S> | { default: FlowDefinition<S> }, targetFactory: () => Target | Promise<Target>, options: VitestFlowOptions = {}): void {
  // Generic, so a suite with a typed state (defineFlow<State>) needs no cast; the engine runs any state.
  const flow = (isFlowDefinition(flowOrModule) ? flowOrModule : (flowOrModule as { default: FlowDefinition<S> }).default) as unknown as FlowDefinition;
  describe(`${flow.id}: ${flow.title}`, () => {
    let target: Target | undefined;
    let execution: FlowExecution | undefined;
    const browser = options.browser ?? new BrowserSession();

    beforeAll(async () => {
      target = await targetFactory();
      const env: RunEnvironment = { target, browser, outDir: options.outDir, projectRoot: options.projectRoot, stepTimeoutMs: options.stepTimeoutMs };
      execution = await FlowExecution.start(flow, env);
    });

    afterAll(async () => {
      try {
        const result = await execution?.finish();
        if (result) await options.onResult?.(result);
      } finally {
        if (!options.browser) await browser.close();
        if (options.closeTarget !== false) await target?.close();
      }
    });

    test('the diagram binds every arrow to a step', () => {
      if (!execution) throw new Error('the flow did not start');
      if (execution.setupErrors.length > 0) throw new Error(execution.setupErrors.join('\n'));
    });

    flow.steps.forEach((s, k) => {
      test(`${k + 1}. ${s.from} → ${s.to}: ${s.text}`, async (t) => {
        if (!execution) throw new Error('the flow did not start');
        if (execution.setupErrors.length > 0) return t.skip('the suite does not bind its diagram');
        if (execution.notApplicable) return t.skip(`not applicable: ${execution.notApplicable}`);
        const result = await execution.runStep(k);
        if (!result) return t.skip('this step is bound to no arrow');
        if (result.status === 'skipped') return t.skip(result.reason ?? 'skipped');
        if (result.status === 'not-applicable') return t.skip(`not applicable: ${result.reason ?? ''}`);
        if (result.status === 'failed') throw new Error(failureMessage(result));
      }, (options.stepTimeoutMs ?? 60_000) + 5_000);
    });
  });
}
