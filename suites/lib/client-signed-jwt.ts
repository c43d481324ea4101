/**
 * JWTs a client signs with its registered private key (private_key_jwt assertions, Request
 * Objects), and the broken ones a server must refuse: signed by a key the client never
 * registered (with the client's kid, so the signature is what fails), or not signed at all.
 */
import { SignJWT, generateKeyPair, importJWK, type JWK } from 'jose';
import type { TargetClient } from '../../harness/flow/index.ts';

export function algOf(jwk: JWK): string {
  if (jwk.alg) return jwk.alg;
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'OKP') return 'EdDSA';
  return jwk.crv === 'P-384' ? 'ES384' : 'ES256';
}

/** Signed with the client's own private key (its registered one); `typ` in the header when given (RFC 8725 §3.11). */
export async function signWithClientKey(client: TargetClient, claims: object, typ?: string): Promise<string> {
  if (!client.private_jwk) throw new Error(`client ${client.client_id} has no private_jwk`);
  const alg = algOf(client.private_jwk);
  const key = await importJWK(client.private_jwk, alg);
  return new SignJWT({ ...claims }).setProtectedHeader({ alg, ...(typ ? { typ } : {}), ...(client.private_jwk.kid ? { kid: client.private_jwk.kid } : {}) }).sign(key);
}

/** Signed with a fresh key of the same algorithm, but carrying the client's kid: the signature cannot verify. */
export async function signWithAnotherKey(client: TargetClient, claims: object, typ?: string): Promise<string> {
  const alg = client.private_jwk ? algOf(client.private_jwk) : 'ES256';
  const { privateKey } = await generateKeyPair(alg);
  return new SignJWT({ ...claims }).setProtectedHeader({ alg, ...(typ ? { typ } : {}), ...(client.private_jwk?.kid ? { kid: client.private_jwk.kid } : {}) }).sign(privateKey);
}

/** An Unsecured JWS (RFC 7515 Appendix A.5): header {"alg":"none"}, empty signature. */
export function unsignedJwt(claims: object, typ = 'JWT'): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ })}.${part(claims)}.`;
}
