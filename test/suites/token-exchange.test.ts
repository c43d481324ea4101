/**
 * The token-exchange suite against the reference target: every check of every step passes
 * (the reference exchanges for its downstream API, names the actor and refuses what RFC 8693
 * refuses), and a target whose discovery does not list the grant is not applicable, saying so.
 */
import { describe, expect, it } from 'vitest';
import flow from '../../suites/token-exchange.suite.ts';
import { vitestFlow } from '../../harness/flow/vitest.ts';
import { sharedReferenceTarget, runOnce, expectEveryCheckPassed } from './support/reference-target.ts';
import type { Target } from '../../harness/target/model.ts';

const sharedTarget = sharedReferenceTarget();

vitestFlow(flow, sharedTarget, {
  closeTarget: false,
  onResult: (result) => {
    expectEveryCheckPassed(result);
    const checks = result.steps.flatMap((s) => s.checks.map((c) => c.name));
    expect(checks).toContain('a delegated token names its actor in act');
    expect(checks).toContain('an expired subject token is refused with invalid_request');
  },
});

describe('a target whose metadata does not list the token exchange grant', () => {
  it('is not applicable, naming the grant type', async () => {
    const target = await sharedTarget();
    const without: Target = { ...target, capabilities: { ...target.capabilities, grantTypes: target.capabilities.grantTypes.filter((g) => !g.includes('token-exchange')) } };
    const result = await runOnce(flow, without);
    expect(result.status).toBe('not-applicable');
    expect(result.reason).toMatch(/grant_types_supported does not list urn:ietf:params:oauth:grant-type:token-exchange/);
  });
});
