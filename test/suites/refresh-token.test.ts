/** The refresh-token suite against the reference target: every arrow and every check passes. */
import { expect } from 'vitest';
import flow from '../../suites/refresh-token.suite.ts';
import { vitestFlow } from '../../harness/flow/vitest.ts';
import { startReferenceTarget } from '../../harness/target/reference.ts';
import { checkStatus, unpassedChecks } from './support/flow-result.ts';

vitestFlow(flow, () => startReferenceTarget(), {
  onResult: (result) => {
    expect(unpassedChecks(result)).toEqual([]);
    expect(result.status).toBe('passed');
    const f = '(F) Invalid Token Error';
    for (const name of ['a tampered access token is answered 401 invalid_token', 'a revoked access token is answered 401 invalid_token', 'too little scope is answered 403 insufficient_scope']) {
      expect(checkStatus(result, f, name), name).toBe('passed');
    }
    expect(checkStatus(result, '(G) Refresh Token', 'a refresh asking for more scope grants no more than the original scope')).toBe('passed');
    expect(checkStatus(result, '(G) Refresh Token', 'a refused scope widening is answered with invalid_scope')).toBe('passed');
    expect(checkStatus(result, '(G) Refresh Token', 'a refresh token presented by another client is refused with invalid_grant')).toBe('passed');
    const h = '(H) Access Token & Optional Refresh Token';
    expect(checkStatus(result, h, 'refresh token is rotated and the old one refused')).toBe('passed');
    expect(checkStatus(result, h, 'reusing a rotated refresh token revokes its successor')).toBe('passed');
  },
});
