/**
 * The device-code suite on a target without a device-expiring client: the expiring code comes
 * from the device client, whose codes live 60 seconds here (long enough for the approved code to
 * be used on a loaded machine): the suite, told it may wait 90 s, waits them out and sees
 * expired_token. (With the default 600 s, longer than the run waits, the check is not applicable.)
 */
import { expect } from 'vitest';
import flow from '../../suites/device-code.suite.ts';
import { vitestFlow } from '../../harness/flow/vitest.ts';
import { startReferenceTarget } from '../../harness/target/reference.ts';
import { defaultConfig } from '../../reference-server/config/default.ts';
import { emptyConfig } from '../../harness/target/config.ts';

const clients = defaultConfig.clients.filter((c) => c.role !== 'device-expiring');

vitestFlow(flow, () => startReferenceTarget({
  serverOptions: { config: { ...defaultConfig, clients, ttl: { deviceCode: 60 }, deviceAuthorization: { interval: 1 } } },
  config: { ...emptyConfig(), options: { deviceCodeMaxWaitSeconds: 90 } },
}), {
  stepTimeoutMs: 180_000,
  onResult: (result) => {
    expect(result.status).toBe('passed');
    const expired = result.steps.flatMap((s) => s.checks).find((c) => c.name === 'an expired device code gets expired_token');
    expect(expired?.status).toBe('passed');
    expect(expired?.evidence).toContainEqual({ kind: 'note', label: 'client', text: 'device (role device)' });
  },
});
