/**
 * DPoP proof validation (RFC 9449 §4.3), shared by the token endpoint and the resource server:
 * one `DPoP` header holding a JWT of typ dpop+jwt, signed with an asymmetric algorithm by the
 * public key in its own `jwk` header (never a private key, never alg none), whose htm and htu
 * match the request, whose iat is recent, whose jti was never seen (kept in storage with
 * insert(), so every instance on a shared store refuses a replay, §11.1), with the expected
 * nonce when one is required (§8, §9) and, at a resource server, the ath of the token (§4.2).
 */
import { createHash } from 'node:crypto';
import { EmbeddedJWK, calculateJwkThumbprint, decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import type { Storage } from '../storage/adapter.ts';
import { InvalidDpopProof, UseDpopNonce } from '../errors.ts';

/** §5.1 dpop_signing_alg_values_supported: asymmetric only (§4.2). */
export const dpopAlgorithms = ['ES256', 'RS256', 'PS256', 'EdDSA'];

export interface DpopProofCheck {
  /** The request method (§4.3 htm); undefined only for a fault that skips the comparison. */
  method: string | undefined;
  /** The request URI without query and fragment (§4.3 htu); undefined only for a fault. */
  url: string | undefined;
  /** Whether a proof's jti is remembered to refuse replays (false only for a fault). */
  replay?: boolean;
  now: number;
  /** Seconds a proof's iat may be from now (§11.1). */
  iatWindow: number;
  storage: Storage;
  /** At a resource server: the access token the proof must hash in ath (§4.3 step 12). */
  accessToken?: string;
  /** The nonce the proof must carry, when the server requires one (§8, §9). */
  nonce?: { required: boolean; isValid: (nonce: string) => Promise<boolean>; issue: () => Promise<string> };
  /** Errors for a resource server (401 with a DPoP challenge) rather than the token endpoint. */
  atResource?: boolean;
}

export interface DpopProof {
  /** The JWK SHA-256 thumbprint of the proof's key (RFC 7638), the token's cnf.jkt (§6). */
  jkt: string;
  jti: string;
}

/** The proof of a request: exactly one DPoP header (§4.3 step 1), or undefined when none. */
export function dpopHeader(header: string | string[] | undefined, atResource = false): string | undefined {
  if (header === undefined) return undefined;
  if (Array.isArray(header) || header.includes(',')) throw new InvalidDpopProof('more than one DPoP header', atResource);
  return header.trim();
}

export function accessTokenHash(token: string): string {
  return createHash('sha256').update(token, 'ascii').digest('base64url');
}

/** The htu a request is compared with: its URL without query and fragment (§4.3 step 9). */
export function normalizeHtu(url: string): string | undefined {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return undefined;
  }
}

export async function verifyDpopProof(proof: string, check: DpopProofCheck): Promise<DpopProof> {
  const refuse = (why: string) => new InvalidDpopProof(why, check.atResource);
  if (proof.length > 8192 || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(proof)) throw refuse('the DPoP proof is not a signed JWT');
  let header;
  try {
    header = decodeProtectedHeader(proof);
  } catch {
    throw refuse('the DPoP proof header is not JSON');
  }
  // §4.3 steps 4-7: typ dpop+jwt, an asymmetric alg, a public jwk that verifies the signature.
  if (header.typ !== 'dpop+jwt') throw refuse('the DPoP proof typ is not dpop+jwt');
  if (typeof header.alg !== 'string' || !dpopAlgorithms.includes(header.alg)) throw refuse(`the DPoP proof alg must be one of ${dpopAlgorithms.join(', ')}`);
  const jwk = header.jwk as JWK | undefined;
  if (!jwk || typeof jwk !== 'object') throw refuse('the DPoP proof has no jwk header');
  if (['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'].some((member) => member in jwk)) throw refuse('the DPoP proof jwk holds a private or symmetric key');
  let payload;
  try {
    ({ payload } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: dpopAlgorithms }));
  } catch {
    throw refuse('the DPoP proof signature does not verify with its jwk');
  }
  const { htm, htu, iat, jti, ath, nonce } = payload as Record<string, unknown>;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) throw refuse('the DPoP proof has no jti');
  // §4.3 steps 8-9: the method and URI of this request.
  if (check.method !== undefined && htm !== check.method) throw refuse(`the DPoP proof htm is not ${check.method}`);
  if (typeof htu !== 'string' || (check.url !== undefined && normalizeHtu(htu) !== normalizeHtu(check.url))) throw refuse('the DPoP proof htu is not the URI of this request');
  // §4.3 step 11, §11.1: a recent iat.
  if (typeof iat !== 'number' || Math.abs(check.now - iat) > check.iatWindow) throw refuse('the DPoP proof iat is not within the acceptable window');
  // §4.3 step 12: at a resource server, ath is the hash of the access token presented.
  if (check.accessToken !== undefined && ath !== accessTokenHash(check.accessToken)) throw refuse('the DPoP proof ath is not the hash of the access token');
  // §4.3 step 10, §8: the nonce the server handed out.
  if (check.nonce?.required && (typeof nonce !== 'string' || !(await check.nonce.isValid(nonce)))) {
    throw new UseDpopNonce(await check.nonce.issue(), check.atResource);
  }
  // §11.1: a proof is used once; a jti seen within the iat window is a replay.
  const jkt = await calculateJwkThumbprint(jwk, 'sha256');
  if (check.replay !== false && !(await check.storage.insert('DpopProof', `${jkt}:${jti}`, {}, 2 * check.iatWindow + 1))) throw refuse('the DPoP proof was already used (jti replay)');
  return { jkt, jti };
}
