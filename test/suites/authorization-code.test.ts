/** The authorization-code suite against the reference target: every arrow and every check passes. */
import { expect } from 'vitest';
import flow from '../../suites/authorization-code.suite.ts';
import { vitestFlow } from '../../harness/flow/vitest.ts';
import { startReferenceTarget } from '../../harness/target/reference.ts';
import { checkStatus, unpassedChecks } from './support/flow-result.ts';

const exchange = 'Exchanges Authorization Code for Access Token';

vitestFlow(flow, () => startReferenceTarget(), {
  onResult: (result) => {
    expect(unpassedChecks(result)).toEqual([]);
    expect(result.status).toBe('passed');
    // The negative checks ran (a not-applicable one would hide a missing defence).
    for (const name of [
      'authorization code reuse is refused',
      'authorization code reuse is refused: the error is invalid_grant',
      'tokens issued for a reused code are revoked',
      'a code issued to another client is refused',
      'a wrong PKCE code_verifier is refused',
      'a missing PKCE code_verifier is refused',
      'a code_verifier for a code issued without code_challenge is refused (PKCE downgrade)',
      'bad client authentication is refused with 401 invalid_client',
    ]) expect(checkStatus(result, exchange, name), name).toBe('passed');
    expect(checkStatus(result, 'Redirects user to Authorization Server', 'prompt=none without a session is answered with an error (login_required or another of §3.1.2.6), not a page')).toBe('passed');
    expect(checkStatus(result, 'Provides Authorization Code', 'authorization response carries iss (RFC 9207)')).toBe('passed');
    // Every other check ran: a not-applicable one would hide a missing defence. The reference
    // sends no error_uri and no acr, so those checks have nothing to judge.
    const expectedNotApplicable = [
      'authorization-code/authorize/error-uri-characters',
      'authorization-code/token/error-uri-characters',
      'authorization-code/token-response/id-token-acr-string',
    ];
    const notApplicable = result.steps.flatMap((s) => s.checks.filter((c) => c.status === 'not-applicable').map((c) => c.id));
    expect(notApplicable.filter((id) => !expectedNotApplicable.includes(id!))).toEqual([]);
  },
});
