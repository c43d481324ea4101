/** The authorization-code-ldap-consent suite against the reference target: every arrow and every check passes. */
import { expect } from 'vitest';
import flow from '../../suites/authorization-code-ldap-consent.suite.ts';
import { vitestFlow } from '../../harness/flow/vitest.ts';
import { startReferenceTarget } from '../../harness/target/reference.ts';
import { checkStatus, unpassedChecks } from './support/flow-result.ts';

vitestFlow(flow, () => startReferenceTarget(), {
  // Two arrows play several sign-ins each and carry their own step budget.
  stepTimeoutMs: 150_000,
  onResult: (result) => {
    expect(unpassedChecks(result)).toEqual([]);
    expect(result.status).toBe('passed');
    expect(checkStatus(result, 'Display consent', 'the consent page is displayed after sign-in')).toBe('passed');
    expect(checkStatus(result, 'Verify consent', 'consent by a user outside the consent group is refused with access_denied')).toBe('passed');
    expect(checkStatus(result, 'Confirm', 'the consent of a member of the consent group is confirmed')).toBe('passed');
  },
});
