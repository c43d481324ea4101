/**
 * The client-credentials suite against the reference target: every check of every step
 * passes (the reference offers all three authentication methods, so none is skipped), and a
 * target that does not list a method gets that method's checks not applicable, with the reason.
 */
import { afterAll, describe, expect, it } from 'vitest';
import flow from '../../suites/client-credentials.suite.ts';
import { vitestFlow } from '../../harness/flow/vitest.ts';
import { runFlow } from '../../harness/flow/runner.ts';
import { BrowserSession } from '../../harness/browser/session.ts';
import { startReferenceTarget } from '../../harness/target/reference.ts';
import type { Target } from '../../harness/target/model.ts';

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
  },
});

describe('a target that does not list private_key_jwt', () => {
  it('marks the private_key_jwt checks not applicable with the reason, and still passes the others', async () => {
    const target = await sharedTarget();
    const narrowed: Target = {
      ...target,
      capabilities: { ...target.capabilities, tokenEndpointAuthMethods: ['client_secret_basic', 'client_secret_post'] },
    };
    const browser = new BrowserSession();
    try {
      const result = await runFlow(flow, { target: narrowed, browser });
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
    } finally {
      await browser.close();
    }
  });
});
