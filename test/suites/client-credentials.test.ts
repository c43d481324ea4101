/**
 * The client-credentials suite against the reference target: every check of every step
 * passes (the reference offers all three authentication methods, so none is skipped), and a
 * target that does not list a method gets that method's checks not applicable, with the reason.
 */
import { describe, expect, it } from 'vitest';
import flow from '../../suites/client-credentials.suite.ts';
import { vitestFlow } from '../../harness/flow/vitest.ts';
import { sharedReferenceTarget, runOnce, expectEveryCheckPassed } from './support/reference-target.ts';
import type { Target } from '../../harness/target/model.ts';

const sharedTarget = sharedReferenceTarget();

vitestFlow(flow, sharedTarget, {
  closeTarget: false,
  onResult: (result) => {
    expectEveryCheckPassed(result);
  },
});

describe('a target that does not list private_key_jwt', () => {
  it('marks the private_key_jwt checks not applicable with the reason, and still passes the others', async () => {
    const target = await sharedTarget();
    const narrowed: Target = {
      ...target,
      capabilities: { ...target.capabilities, tokenEndpointAuthMethods: ['client_secret_basic', 'client_secret_post'] },
    };
    const result = await runOnce(flow, narrowed);
    expect(result.status).toBe('passed');
    const checks = result.steps[0]!.checks;
    const jwt = checks.filter((c) => /private_key_jwt|client assertion/.test(c.name));
    expect(jwt.map((c) => c.name)).toContain('client assertion signed with alg none is refused');
    for (const c of jwt) {
      expect(c.status).toBe('not-applicable');
      expect(c.detail).toMatch(/token_endpoint_auth_methods_supported does not list private_key_jwt/);
    }
    expect(checks.find((c) => c.name === 'client authenticates with client_secret_basic')?.status).toBe('passed');
    expect(result.steps[1]!.checks.map((c) => c.name)).not.toContain('the token response (private_key_jwt) carries a Bearer access token, not cached');
  });
});
