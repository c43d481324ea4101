/** The pushed-authorization suite against the reference target: every arrow and every check passes. */
import { expect } from 'vitest';
import flow from '../../suites/pushed-authorization.suite.ts';
import { vitestFlow } from '../../harness/flow/vitest.ts';
import { startReferenceTarget } from '../../harness/target/reference.ts';
import { checkStatus, unpassedChecks } from './support/flow-result.ts';

vitestFlow(flow, () => startReferenceTarget(), {
  onResult: (result) => {
    expect(unpassedChecks(result)).toEqual([]);
    expect(result.status).toBe('passed');
    expect(checkStatus(result, 'Requests Request Token', 'a request_uri inside a pushed request is refused')).toBe('passed');
    expect(checkStatus(result, 'Redirects user to Authorization Server with Request Token', 'a request_uri presented by another client is refused')).toBe('passed');
    expect(checkStatus(result, 'Redirects user to Authorization Server with Request Token', 'a client that must use PAR cannot send a plain authorization request')).toBe('passed');
    expect(checkStatus(result, 'Grants Authorization using Request Token', 'a used request_uri is refused')).toBe('passed');
  },
});
