/**
 * The jar suite against the reference target: every check of every step passes (signed Request
 * Objects by value and by a registered request_uri, the refusals of §6.2, §6.3 and §10.5, the
 * object's parameters alone used), and a target whose metadata does not offer the request
 * parameter is not applicable, saying so.
 */
import { afterAll, describe, expect, it } from 'vitest';
import flow from '../../suites/jar.suite.ts';
import { vitestFlow } from '../../harness/flow/vitest.ts';
import { runFlow } from '../../harness/flow/runner.ts';
import { BrowserSession } from '../../harness/browser/session.ts';
import { startReferenceTarget } from '../../harness/target/reference.ts';
import type { Target } from '../../harness/target/model.ts';
import type { FlowDefinition } from '../../harness/flow/define.ts';

let started: Promise<Target> | undefined;
const sharedTarget = () => (started ??= startReferenceTarget());
afterAll(async () => {
  await (await started)?.close();
});

vitestFlow(flow, sharedTarget, {
  closeTarget: false,
  onResult: (result) => {
    expect(result.status).toBe('passed');
    const notPassed = result.steps.flatMap((s) => s.checks.filter((c) => c.status !== 'passed').map((c) => `${s.text}: ${c.name} ${c.status} ${c.detail}`));
    expect(notPassed).toEqual([]);
    expect(result.steps.flatMap((s) => s.checks).length).toBe(10);
  },
});

describe('a target whose metadata does not offer Request Objects', () => {
  it('is not applicable, naming request_parameter_supported', async () => {
    const target = await sharedTarget();
    const without: Target = { ...target, metadata: { ...target.metadata, request_parameter_supported: false } };
    const browser = new BrowserSession();
    try {
      const result = await runFlow(flow as unknown as FlowDefinition, { target: without, browser });
      expect(result.status).toBe('not-applicable');
      expect(result.reason).toMatch(/request_parameter_supported false/);
    } finally {
      await browser.close();
    }
  });
});
