/** The openid-connect suite against the reference target: every arrow and every check passes. */
import { expect } from 'vitest';
import flow from '../../suites/openid-connect.suite.ts';
import { vitestFlow } from '../../harness/flow/vitest.ts';
import { startReferenceTarget } from '../../harness/target/reference.ts';
import { checkStatus, unpassedChecks } from './support/flow-result.ts';

vitestFlow(flow, () => startReferenceTarget(), {
  onResult: (result) => {
    expect(unpassedChecks(result)).toEqual([]);
    expect(result.status).toBe('passed');
    for (const name of [
      'ID token signature verifies against the JWKS',
      'ID token echoes the nonce of the request',
      'ID token at_hash matches the access token',
      'ID token is signed with an advertised algorithm, not none',
    ]) expect(checkStatus(result, '(3) AuthN Response', name), name).toBe('passed');
    expect(checkStatus(result, '(5) UserInfo Response', 'UserInfo sub equals the ID token sub')).toBe('passed');
    for (const name of [
      'prompt=login with a session asks the End-User to sign in again (no code at once)',
      'max_age=0 with a session asks the End-User to sign in again (no code at once)',
    ]) expect(checkStatus(result, '(2) AuthN & AuthZ', name), name).toBe('passed');
    expect(checkStatus(result, '(3) AuthN Response', 'prompt=none with a session shows no page')).toBe('passed');
    expect(checkStatus(result, '(3) AuthN Response', 'ID token auth_time honours max_age')).toBe('passed');
    expect(checkStatus(result, '(3) AuthN Response', 'the ID token after a prompt=login sign-in has a later auth_time')).toBe('passed');
  },
  stepTimeoutMs: 180_000,
});
