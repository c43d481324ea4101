/**
 * The logout suite against the reference target: every check of every step passes (the
 * reference refuses an unregistered post_logout_redirect_uri, redirects to the registered one
 * with state and ends the session), and a target without end_session_endpoint is not
 * applicable, saying so. The back-channel arrows run (a registered client gets a logout token
 * whose every check passes) and are not applicable without backchannel_logout_supported.
 */
import { describe, expect, it } from 'vitest';
import flow from '../../suites/logout.suite.ts';
import { vitestFlow } from '../../harness/flow/vitest.ts';
import { sharedReferenceTarget, runOnce } from './support/reference-target.ts';
import { runFlow } from '../../harness/flow/runner.ts';
import { BrowserSession } from '../../harness/browser/session.ts';
import type { Target } from '../../harness/target/model.ts';
import type { FlowDefinition } from '../../harness/flow/define.ts';

const sharedTarget = sharedReferenceTarget();

vitestFlow(flow, sharedTarget, {
  closeTarget: false,
  onResult: (result) => {
    expect(result.status).toBe('passed');
    const notPassed = result.steps.flatMap((s) => s.checks.filter((c) => c.status !== 'passed').map((c) => `${s.text}: ${c.name} ${c.status} ${c.detail}`));
    expect(notPassed).toEqual([]);
    const checks = result.steps.flatMap((s) => s.checks.map((c) => c.name));
    expect(checks).toContain('after the logout, an authorization request with prompt=none finds no session');
    // Back-Channel Logout 1.0: the token arrived and every check of it ran and passed.
    for (const name of ['the OP POSTs a form-encoded logout_token to the backchannel_logout_uri when the session ends', 'the logout token has no nonce', 'the logout token has sid when the client registered backchannel_logout_session_required', 'the logout token\'s sub and sid are those of the client\'s ID token', 'with backchannel_logout_session_supported, the ID token carries sid']) expect(checks).toContain(name);
  },
});

describe('a target whose discovery has no end_session_endpoint', () => {
  it('is not applicable, naming the member', async () => {
    const target = await sharedTarget();
    const { end_session_endpoint: _, ...metadata } = target.metadata;
    const without: Target = { ...target, metadata };
    const result = await runOnce(flow, without);
    expect(result.status).toBe('not-applicable');
    expect(result.reason).toMatch(/no end_session_endpoint/);
  });
});

describe('a target without registration_endpoint and no client pre-registered with a backchannel_logout_uri', () => {
  it('marks the back-channel arrows not applicable, naming registration_endpoint', async () => {
    const target = await sharedTarget();
    const { registration_endpoint: _, ...metadata } = target.metadata;
    const browser = new BrowserSession();
    try {
      const result = await runFlow(flow as unknown as FlowDefinition, { target: { ...target, metadata }, browser });
      expect(result.status).toBe('passed');
      const registration = result.steps.find((s) => s.text.startsWith('Registers a second client'));
      expect(registration?.status).toBe('not-applicable');
      expect(registration?.reason).toMatch(/no registration_endpoint/);
    } finally {
      await browser.close();
    }
  });
});

describe('a target whose discovery lacks backchannel_logout_supported', () => {
  it('runs the RP-initiated logout and marks the back-channel arrows not applicable, naming the member', async () => {
    const target = await sharedTarget();
    const { backchannel_logout_supported: _, ...metadata } = target.metadata;
    const without: Target = { ...target, metadata };
    const result = await runOnce(flow, without);
    expect(result.status).toBe('passed');
    const backChannel = result.steps.filter((s) => /second client|logout_token|logout token/.test(s.text));
    expect(backChannel).toHaveLength(4);
    for (const s of backChannel) {
      expect(s.status).toBe('not-applicable');
      expect(s.reason).toMatch(/backchannel_logout_supported/);
    }
  });
});
