/** The hybrid suite against the reference target: code id_token, code token and code id_token token, every check passes. */
import { expect } from 'vitest';
import flow from '../../suites/hybrid.suite.ts';
import { vitestFlow } from '../../harness/flow/vitest.ts';
import { startReferenceTarget } from '../../harness/target/reference.ts';

vitestFlow(flow, () => startReferenceTarget(), {
  onResult: (result) => {
    expect(result.status).toBe('passed');
    // Not applicable only where the reference truly lacks what a check needs (no acr claim).
    const notPassed = result.steps.flatMap((s) => s.checks.filter((c) => c.status !== 'passed' && !(c.status === 'not-applicable' && /has no acr/.test(c.detail ?? ''))).map((c) => `${s.text}: ${c.name} ${c.status} ${c.detail}`));
    expect(notPassed).toEqual([]);
  },
  stepTimeoutMs: 120_000,
});
