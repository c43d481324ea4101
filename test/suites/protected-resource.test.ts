/**
 * The protected-resource suite against the reference target: every check passes (its resource
 * server names its metadata in the 401 and serves it, its AS issues a token for the resource
 * named, the resource refuses a token for the downstream audience), and a target without a
 * protected resource is not applicable, saying so.
 */
import { afterAll, describe, expect, it } from 'vitest';
import flow from '../../suites/protected-resource.suite.ts';
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
    expect(result.steps.flatMap((s) => s.checks.map((c) => c.id))).toContain('protected-resource/resource-call/token-for-another-audience-refused');
  },
});

describe('a target without a protected resource', () => {
  it('is not applicable, naming the config field', async () => {
    const target = await sharedTarget();
    const without = { ...target, resourceServer: undefined } as Target;
    const browser = new BrowserSession();
    try {
      const result = await runFlow(flow as unknown as FlowDefinition, { target: without, browser });
      expect(result.status).toBe('not-applicable');
      expect(result.reason).toMatch(/resourceServer in the config/);
    } finally {
      await browser.close();
    }
  });
});
