/** Checking what the reference server issues: ID tokens against its JWKS, and the at_hash / c_hash values. */
import { createHash } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, type JWK, type JWTPayload } from 'jose';
import type { RunningReference } from '../../../reference-server/index.ts';

/** OIDC Core §3.3.2.11: base64url of the left half of the SHA-256 (ES256 and RS256 both use SHA-256). */
export function leftHalfHash(value: string): string {
  return createHash('sha256').update(value, 'ascii').digest().subarray(0, 16).toString('base64url');
}

export async function verifyIdToken(ref: RunningReference, idToken: string, clientId: string): Promise<JWTPayload> {
  const jwks = (await (await fetch(`${ref.issuer}/jwks`)).json()) as { keys: JWK[] };
  const { payload } = await jwtVerify(idToken, createLocalJWKSet(jwks), { issuer: ref.issuer, audience: clientId, algorithms: ['ES256', 'RS256'] });
  return payload;
}

/** GET /resource at the reference resource server with a bearer token. */
export async function readResource(ref: RunningReference, accessToken: string): Promise<number> {
  const response = await fetch(`${ref.resourceServer}/resource`, { headers: { authorization: `Bearer ${accessToken}` } });
  await response.arrayBuffer();
  return response.status;
}

/** GET /userinfo: 200 while the token is live in storage, 401 once it is revoked. */
export async function userinfoStatus(ref: RunningReference, accessToken: string): Promise<number> {
  const response = await fetch(`${ref.issuer}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
  await response.arrayBuffer();
  return response.status;
}
