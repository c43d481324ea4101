/**
 * The dpop suite against the reference target: every check of every step passes (the reference
 * asks for a nonce, binds tokens and public clients' refresh tokens to the proof key, and its
 * resource server takes DPoP with ath), and a target whose metadata has no
 * dpop_signing_alg_values_supported is not applicable, saying so.
 */
import { afterAll, describe, expect, it } from 'vitest';
import flow from '../../suites/dpop.suite.ts';
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
    const skipped = result.steps.filter((s) => s.status !== 'passed').map((s) => `${s.text}: ${s.status}`);
    expect(skipped).toEqual([]);
  },
});

describe('a target whose metadata has no dpop_signing_alg_values_supported', () => {
  it('is not applicable, naming the discovery field', async () => {
    const target = await sharedTarget();
    const { dpop_signing_alg_values_supported: _, ...metadata } = target.metadata;
    const without: Target = { ...target, metadata: metadata as Target['metadata'] };
    const browser = new BrowserSession();
    try {
      const result = await runFlow(flow as unknown as FlowDefinition, { target: without, browser });
      expect(result.status).toBe('not-applicable');
      expect(result.reason).toMatch(/dpop_signing_alg_values_supported/);
    } finally {
      await browser.close();
    }
  });
});
