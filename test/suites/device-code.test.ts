/**
 * The device-code suite against the reference target, configured with a one-second polling
 * interval and device codes that live 20 seconds, so that expired_token is really waited
 * for (the default 600 s makes that check not applicable): every check passes.
 */
import { expect } from 'vitest';
import flow from '../../suites/device-code.suite.ts';
import { vitestFlow } from '../../harness/flow/vitest.ts';
import { startReferenceTarget } from '../../harness/target/reference.ts';
import { defaultConfig } from '../../reference-server/config/default.ts';

vitestFlow(flow, () => startReferenceTarget({
  serverOptions: { config: { ...defaultConfig, ttl: { deviceCode: 20 }, deviceAuthorization: { interval: 1 } } },
}), {
  stepTimeoutMs: 120_000,
  onResult: (result) => {
    expect(result.status).toBe('passed');
    const notPassed = result.steps.flatMap((s) => s.checks.filter((c) => c.status !== 'passed').map((c) => `${s.text}: ${c.name} ${c.status} ${c.detail}`));
    expect(notPassed).toEqual([]);
  },
});
