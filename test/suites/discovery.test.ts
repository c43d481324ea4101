/**
 * The discovery suite against the reference target: every check passes or is not applicable
 * for a true reason (an optional member the reference does not publish, a loopback http
 * issuer whose scheme is not judged); the rules the reference does publish for are all judged.
 */
import { expect } from 'vitest';
import flow from '../../suites/discovery.suite.ts';
import { vitestFlow } from '../../harness/flow/vitest.ts';
import { startReferenceTarget } from '../../harness/target/reference.ts';
import { unpassedChecks } from './support/flow-result.ts';

vitestFlow(flow, () => startReferenceTarget(), {
  onResult: (result) => {
    expect(unpassedChecks(result)).toEqual([]);
    expect(result.status).toBe('passed');
    const status = (id: string) => result.steps.flatMap((s) => s.checks).find((c) => c.id === `discovery/${id}`)?.status;
    for (const id of [
      'metadata/issuer-identical-target', 'metadata/oidc-required-members-present', 'metadata/id-token-signing-algs-include-rs256',
      'metadata/client-auth-signing-algs-exclude-none', 'metadata/code-challenge-methods-include-s256', 'metadata/oauth-metadata-names-same-issuer',
      'jwks/no-private-rsa-members', 'jwks/no-private-ec-members', 'jwks/no-symmetric-keys', 'jwks/rsa-keys-least-2048-bits', 'jwks/ec-keys-have-crv-x-y-full-size',
    ]) expect(status(id), id).toBe('passed');
    expect(status('metadata/issuer-uses-https')).toBe('not-applicable');
  },
});
