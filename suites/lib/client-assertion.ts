/**
 * Client assertions for private_key_jwt (RFC 7523 §2.2, §3; OIDC Core §9), built by hand so
 * that a suite can send the broken ones a server must refuse: signed by a key the client never
 * registered, for another audience, or not signed at all (alg "none").
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, generateKeyPair, importJWK, type JWK } from 'jose';
import type { FormParams, TargetClient } from '../../harness/flow/index.ts';

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

function algOf(jwk: JWK): string {
  if (jwk.alg) return jwk.alg;
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'OKP') return 'EdDSA';
  return jwk.crv === 'P-384' ? 'ES384' : 'ES256';
}

/** Signed with the client's own private key (its registered one). */
export async function signedAssertion(client: TargetClient, claims: AssertionClaims): Promise<string> {
  if (!client.private_jwk) throw new Error(`client ${client.client_id} has no private_jwk`);
  const alg = algOf(client.private_jwk);
  const key = await importJWK(client.private_jwk, alg);
  return new SignJWT({ ...claims }).setProtectedHeader({ alg, ...(client.private_jwk.kid ? { kid: client.private_jwk.kid } : {}) }).sign(key);
}

/** Signed with a fresh key of the same algorithm, but carrying the client's kid: the signature cannot verify. */
export async function assertionSignedByAnotherKey(client: TargetClient, claims: AssertionClaims): Promise<string> {
  const alg = client.private_jwk ? algOf(client.private_jwk) : 'ES256';
  const { privateKey } = await generateKeyPair(alg);
  return new SignJWT({ ...claims }).setProtectedHeader({ alg, ...(client.private_jwk?.kid ? { kid: client.private_jwk.kid } : {}) }).sign(privateKey);
}

/** An Unsecured JWS (RFC 7515 Appendix A.5): header {"alg":"none"}, empty signature. */
export function unsignedAssertion(claims: AssertionClaims): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

/** The form members that present an assertion (RFC 7523 §2.2). */
export function assertionForm(client: TargetClient, assertion: string): FormParams {
  return { client_id: client.client_id, client_assertion_type: jwtBearerAssertionType, client_assertion: assertion };
}
