/** Small protocol helpers the suites share, so every suite builds requests the same way. */
import { createHash, randomBytes } from 'node:crypto';
import type { FormParams } from '../http/client.ts';

/** A random URL-safe value (state, nonce, jti): `bytes` of entropy, base64url. */
export function randomValue(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}

/** RFC 7636 §4.1-4.2: a code_verifier (43 characters) and its S256 code_challenge. */
export function pkce(): { verifier: string; challenge: string; method: 'S256' } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: pkceChallenge(verifier), method: 'S256' };
}

/** RFC 7636 §4.2: S256 challenge = BASE64URL(SHA256(ASCII(code_verifier))). */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** The endpoint URL with these parameters in its query (undefined ones left out). */
export function withQuery(endpoint: string, params: FormParams): string {
  const url = new URL(endpoint);
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
  return url.toString();
}
