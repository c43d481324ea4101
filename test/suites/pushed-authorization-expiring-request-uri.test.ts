/**
 * The pushed-authorization suite against a reference server whose request_uris live 15 seconds
 * (ttl.pushedAuthorizationRequest): the expired one is really waited for and refused (RFC 9126
 * §4), and the main request, older than its stated lifetime by the time the browser goes, is
 * pushed again rather than failing the flow; every check passes.
 */
import { expect } from 'vitest';
import flow from '../../suites/pushed-authorization.suite.ts';
import { vitestFlow } from '../../harness/flow/vitest.ts';
import { startReferenceTarget } from '../../harness/target/reference.ts';
import { defaultConfig } from '../../reference-server/config/default.ts';
import { checkStatus, unpassedChecks } from './support/flow-result.ts';

vitestFlow(flow, () => startReferenceTarget({
  serverOptions: { config: { ...defaultConfig, ttl: { pushedAuthorizationRequest: 15 } } },
}), {
  stepTimeoutMs: 180_000,
  onResult: (result) => {
    expect(unpassedChecks(result)).toEqual([]);
    expect(checkStatus(result, 'Grants Authorization using Request Token', 'an expired request_uri is refused')).toBe('passed');
    expect(checkStatus(result, 'Grants Authorization using Request Token', 'the pushed request is authorized and a code returned')).toBe('passed');
  },
});
