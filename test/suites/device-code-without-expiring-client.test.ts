/**
 * The device-code suite on a target without a device-expiring client: the expiring code comes
 * from the device client, whose codes live 20 seconds here: the suite waits them out and sees
 * expired_token. (With the default 600 s, longer than the run waits, the check is not applicable.)
 */
import { expect } from 'vitest';
import flow from '../../suites/device-code.suite.ts';
import { vitestFlow } from '../../harness/flow/vitest.ts';
import { startReferenceTarget } from '../../harness/target/reference.ts';
import { defaultConfig } from '../../reference-server/config/default.ts';

const clients = defaultConfig.clients.filter((c) => c.role !== 'device-expiring');

vitestFlow(flow, () => startReferenceTarget({
  serverOptions: { config: { ...defaultConfig, clients, ttl: { deviceCode: 20 }, deviceAuthorization: { interval: 1 } } },
}), {
  stepTimeoutMs: 120_000,
  onResult: (result) => {
    expect(result.status).toBe('passed');
    const expired = result.steps.flatMap((s) => s.checks).find((c) => c.name === 'an expired device code gets expired_token');
    expect(expired?.status).toBe('passed');
    expect(expired?.evidence).toContainEqual({ kind: 'note', label: 'client', text: 'device (role device)' });
  },
});
