/**
 * The protected-resource suite against the reference target: every check passes (its resource
 * server names its metadata in the 401 and serves it, its AS issues a token for the resource
 * named, the resource refuses a token for the downstream audience), and a target without a
 * protected resource is not applicable, saying so.
 */
import { describe, expect, it } from 'vitest';
import flow from '../../suites/protected-resource.suite.ts';
import { vitestFlow } from '../../harness/flow/vitest.ts';
import { sharedReferenceTarget, runOnce, expectEveryCheckPassed } from './support/reference-target.ts';
import type { Target } from '../../harness/target/model.ts';

const sharedTarget = sharedReferenceTarget();

vitestFlow(flow, sharedTarget, {
  closeTarget: false,
  onResult: (result) => {
    expectEveryCheckPassed(result);
    expect(result.steps.flatMap((s) => s.checks.map((c) => c.id))).toContain('protected-resource/resource-call/token-for-another-audience-refused');
  },
});

describe('a target without a protected resource', () => {
  it('is not applicable, naming the config field', async () => {
    const target = await sharedTarget();
    const without = { ...target, resourceServer: undefined } as Target;
    const result = await runOnce(flow, without);
    expect(result.status).toBe('not-applicable');
    expect(result.reason).toMatch(/resourceServer in the config/);
  });
});
