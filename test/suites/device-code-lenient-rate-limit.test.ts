/**
 * The device-code suite against a reference server that lets 1000 wrong user codes a minute
 * through (deviceAuthorization.userCodeAttempts): the rate-limit check of RFC 8628 §5.1 warns,
 * saying the right code was still accepted, and every other check passes.
 */
import { expect } from 'vitest';
import flow from '../../suites/device-code.suite.ts';
import { vitestFlow } from '../../harness/flow/vitest.ts';
import { startReferenceTarget } from '../../harness/target/reference.ts';
import { defaultConfig } from '../../reference-server/config/default.ts';

vitestFlow(flow, () => startReferenceTarget({
  serverOptions: { config: { ...defaultConfig, deviceAuthorization: { interval: 1, userCodeAttempts: 1000 } } },
}), {
  stepTimeoutMs: 120_000,
  onResult: (result) => {
    expect(result.status).toBe('warning');
    const notPassed = result.steps.flatMap((s) => s.checks.filter((c) => c.status !== 'passed').map((c) => ({ step: s.text, name: c.name, status: c.status, detail: c.detail })));
    expect(notPassed).toEqual([{
      step: 'Enter device code',
      name: 'wrong user codes are rate-limited: after many, the right one is refused too',
      status: 'warning',
      detail: expect.stringMatching(/the right code accepted after 12 wrong codes \(options\.userCodeGuesses: 12\): expected false, got true/),
    }]);
  },
});
