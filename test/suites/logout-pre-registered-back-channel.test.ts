/**
 * The logout suite on a target that registers no clients (registration off) but whose public
 * client is pre-registered with a loopback backchannel_logout_uri: the flow's receiver listens
 * on that URI, the public client is the second client, and every back-channel check passes.
 */
import { createServer } from 'node:net';
import { expect } from 'vitest';
import flow from '../../suites/logout.suite.ts';
import { vitestFlow } from '../../harness/flow/vitest.ts';
import { startReferenceTarget } from '../../harness/target/reference.ts';
import { defaultConfig } from '../../reference-server/config/default.ts';

/** A port free now (the receiver binds it when the flow starts). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

vitestFlow(flow, async () => {
  const uri = `http://127.0.0.1:${await freePort()}/rp/backchannel-logout`;
  const clients = defaultConfig.clients.map((c) => (c.role === 'public' ? { ...c, backchannel_logout_uri: uri } : c));
  return startReferenceTarget({ serverOptions: { config: { ...defaultConfig, clients, registration: { ...defaultConfig.registration, enabled: false } } } });
}, {
  onResult: (result) => {
    expect(result.status).toBe('passed');
    const notPassed = result.steps.flatMap((s) => s.checks.filter((c) => c.status !== 'passed').map((c) => `${s.text}: ${c.name} ${c.status} ${c.detail}`));
    expect(notPassed).toEqual([]);
    const checks = result.steps.flatMap((s) => s.checks.map((c) => c.name));
    expect(checks).toContain('the logout token has no nonce');
    expect(checks).toContain('the logout token\'s sub and sid are those of the client\'s ID token');
  },
});
