import { randomBytes } from 'node:crypto';

/** 256 bits from the CSPRNG, base64url: codes, opaque tokens, ids (RFC 6749 §10.10). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
