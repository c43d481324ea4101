/**
 * Request Objects (RFC 9101 §4; OIDC Core §6.1) as a client builds them: the parameters of a
 * code request as JWT claims, with iss (the client_id) and aud (the issuer) that §4 says a
 * signed object SHOULD carry, a short exp, and the authorization URL that carries it by value
 * (`request`) or by reference (`request_uri`) beside the parameters OAuth 2.0 and OIDC Core §6.1
 * want in the query too (client_id, response_type, scope: the same values as inside).
 */
import { randomUUID } from 'node:crypto';
import { withQuery, type Target } from '../../harness/flow/index.ts';
import type { CodeRequest } from './authorization-request.ts';

export const requestObjectType = 'oauth-authz-req+jwt';

/** The claims of a Request Object for `request`; `overrides` replace or (undefined) remove claims. */
export function requestObjectClaims(target: Target, request: CodeRequest, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: request.client.client_id,
    aud: target.issuer,
    ...request.params,
    iat: now,
    nbf: now - 5,
    exp: now + 300,
    jti: randomUUID(),
    ...overrides,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return claims;
}

/** The authorization URL carrying the object (`{ request }` or `{ request_uri }`), plus `outside` parameters beside it. */
export function requestObjectUrl(target: Target, request: CodeRequest, carried: { request: string } | { request_uri: string }, outside: Record<string, string> = {}): string {
  const query: Record<string, string> = { client_id: request.client.client_id, response_type: request.params.response_type! };
  if (request.params.scope) query.scope = request.params.scope;
  return withQuery(target.endpoint('authorization_endpoint'), { ...query, ...outside, ...carried });
}
