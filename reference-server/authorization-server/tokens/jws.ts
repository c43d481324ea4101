/**
 * Compact JWS signing (RFC 7515 §7.1) of the server's own tokens with node:crypto, synchronously.
 * jose signs through WebCrypto, whose per-call promise, algorithm normalisation and job dispatch
 * were the largest cost of /token in the bench profile; node:crypto's sign() on a KeyObject made
 * once per key does the same signature without them. Verification stays with jose.
 */
import { sign, type KeyObject } from 'node:crypto';
import type { SigningAlg } from '../../config/types.ts';

export interface JwsHeader {
  alg: SigningAlg;
  kid: string;
  typ: string;
}

export function signJwt(header: JwsHeader, payload: Record<string, unknown>, key: KeyObject): string {
  const input = `${encodePart(header)}.${encodePart(payload)}`;
  // Both ES256 and RS256 hash with SHA-256. ES256's signature is r || s, not DER (RFC 7518 §3.4).
  const signature = header.alg === 'ES256'
    ? sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
    : sign('sha256', Buffer.from(input), key);
  return `${input}.${signature.toString('base64url')}`;
}

function encodePart(value: object): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}
