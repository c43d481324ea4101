/**
 * The dpop suite against the reference target: every check of every step passes (the reference
 * asks for a nonce, binds tokens and public clients' refresh tokens to the proof key, and its
 * resource server takes DPoP with ath), and a target whose metadata has no
 * dpop_signing_alg_values_supported is not applicable, saying so.
 */
import { describe, expect, it } from 'vitest';
import flow from '../../suites/dpop.suite.ts';
import { vitestFlow } from '../../harness/flow/vitest.ts';
import { sharedReferenceTarget, runOnce, expectEveryCheckPassed } from './support/reference-target.ts';
import type { Target } from '../../harness/target/model.ts';

const sharedTarget = sharedReferenceTarget();

vitestFlow(flow, sharedTarget, {
  closeTarget: false,
  onResult: (result) => {
    expectEveryCheckPassed(result);
    const skipped = result.steps.filter((s) => s.status !== 'passed').map((s) => `${s.text}: ${s.status}`);
    expect(skipped).toEqual([]);
  },
});

describe('a target whose metadata has no dpop_signing_alg_values_supported', () => {
  it('is not applicable, naming the discovery field', async () => {
    const target = await sharedTarget();
    const { dpop_signing_alg_values_supported: _, ...metadata } = target.metadata;
    const without: Target = { ...target, metadata: metadata as Target['metadata'] };
    const result = await runOnce(flow, without);
    expect(result.status).toBe('not-applicable');
    expect(result.reason).toMatch(/dpop_signing_alg_values_supported/);
  });
});
