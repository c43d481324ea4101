/**
 * The token-exchange suite against the reference target: every check of every step passes
 * (the reference exchanges for its downstream API, names the actor and refuses what RFC 8693
 * refuses), and a target whose discovery does not list the grant is not applicable, saying so.
 */
import { afterAll, describe, expect, it } from 'vitest';
import flow from '../../suites/token-exchange.suite.ts';
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
    const checks = result.steps.flatMap((s) => s.checks.map((c) => c.name));
    expect(checks).toContain('a delegated token names its actor in act');
    expect(checks).toContain('an expired subject token is refused with invalid_request');
  },
});

describe('a target whose metadata does not list the token exchange grant', () => {
  it('is not applicable, naming the grant type', async () => {
    const target = await sharedTarget();
    const without: Target = { ...target, capabilities: { ...target.capabilities, grantTypes: target.capabilities.grantTypes.filter((g) => !g.includes('token-exchange')) } };
    const browser = new BrowserSession();
    try {
      const result = await runFlow(flow as unknown as FlowDefinition, { target: without, browser });
      expect(result.status).toBe('not-applicable');
      expect(result.reason).toMatch(/grant_types_supported does not list urn:ietf:params:oauth:grant-type:token-exchange/);
    } finally {
      await browser.close();
    }
  });
});
