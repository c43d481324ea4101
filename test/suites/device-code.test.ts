/**
 * The device-code suite against the reference target with a one-second polling interval:
 * every check passes. The expired_token check is really waited for, on the codes of the
 * built-in device-expiring client, which live 5 seconds.
 */
import { expect } from 'vitest';
import flow from '../../suites/device-code.suite.ts';
import { vitestFlow } from '../../harness/flow/vitest.ts';
import { startReferenceTarget } from '../../harness/target/reference.ts';
import { defaultConfig } from '../../reference-server/config/default.ts';

vitestFlow(flow, () => startReferenceTarget({
  serverOptions: { config: { ...defaultConfig, deviceAuthorization: { interval: 1 } } },
}), {
  stepTimeoutMs: 120_000,
  onResult: (result) => {
    expect(result.status).toBe('passed');
    const notPassed = result.steps.flatMap((s) => s.checks.filter((c) => c.status !== 'passed').map((c) => `${s.text}: ${c.name} ${c.status} ${c.detail}`));
    expect(notPassed).toEqual([]);
    const expired = result.steps.flatMap((s) => s.checks).find((c) => c.name === 'an expired device code gets expired_token');
    expect(expired?.evidence).toContainEqual({ kind: 'note', label: 'client', text: 'device-expiring (role device-expiring)' });
  },
});
