/**
 * Client assertions for private_key_jwt (RFC 7523 §2.2, §3; OIDC Core §9), built by hand so
 * that a suite can send the broken ones a server must refuse: signed by a key the client never
 * registered, for another audience, or not signed at all (alg "none").
 */
import { randomUUID } from 'node:crypto';
import type { FormParams, TargetClient } from '../../harness/flow/index.ts';
import { signWithAnotherKey, signWithClientKey, unsignedJwt } from './client-signed-jwt.ts';

export const jwtBearerAssertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface AssertionClaims {
  iss: string;
  sub: string;
  aud: string;
  jti: string;
  iat: number;
  exp: number;
}

/** RFC 7523 §3: iss = sub = client_id, aud = the token endpoint, a fresh jti, a short exp. */
export function assertionClaims(client: TargetClient, audience: string, overrides: Partial<AssertionClaims> = {}): AssertionClaims {
  const now = Math.floor(Date.now() / 1000);
  return { iss: client.client_id, sub: client.client_id, aud: audience, jti: randomUUID(), iat: now, exp: now + 120, ...overrides };
}

/** Signed with the client's own private key (its registered one). */
export function signedAssertion(client: TargetClient, claims: AssertionClaims): Promise<string> {
  return signWithClientKey(client, claims);
}

/** Signed with a fresh key of the same algorithm, but carrying the client's kid: the signature cannot verify. */
export function assertionSignedByAnotherKey(client: TargetClient, claims: AssertionClaims): Promise<string> {
  return signWithAnotherKey(client, claims);
}

/** An Unsecured JWS (RFC 7515 Appendix A.5): header {"alg":"none"}, empty signature. */
export function unsignedAssertion(claims: AssertionClaims): string {
  return unsignedJwt(claims);
}

/** The form members that present an assertion (RFC 7523 §2.2). */
export function assertionForm(client: TargetClient, assertion: string): FormParams {
  return { client_id: client.client_id, client_assertion_type: jwtBearerAssertionType, client_assertion: assertion };
}
