/**
 * Compact JWS signing (RFC 7515 §7.1) of the server's own tokens with node:crypto.
 * jose signs through WebCrypto, whose per-call promise, algorithm normalisation and job dispatch
 * were the largest cost of /token in the bench profile; node:crypto's sign() on a KeyObject made
 * once per key does the same signature without them. Verification stays with jose.
 * The signature itself (a third of a client_credentials request's CPU with ES256, a millisecond
 * with RS256) is computed in libuv's thread pool: given a callback, sign() leaves the event loop
 * free to parse and answer other requests on another core meanwhile.
 */
import { sign, type KeyObject } from 'node:crypto';
import type { SigningAlg } from '../../config/types.ts';

export interface JwsHeader {
  alg: SigningAlg;
  kid: string;
  typ: string;
}

export function signJwt(header: JwsHeader, payload: Record<string, unknown>, key: KeyObject): Promise<string> {
  const input = `${encodePart(header)}.${encodePart(payload)}`;
  const data = Buffer.from(input);
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, signature: Buffer) => (error ? reject(error) : resolve(`${input}.${signature.toString('base64url')}`));
    // Both ES256 and RS256 hash with SHA-256. ES256's signature is r || s, not DER (RFC 7518 §3.4).
    if (header.alg === 'ES256') sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, done);
    else sign('sha256', data, key, done);
  });
}

function encodePart(value: object): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}
