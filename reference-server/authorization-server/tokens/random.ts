import { randomBytes, randomFillSync } from 'node:crypto';

// Bytes from the CSPRNG are drawn 4 KiB at a time and handed out once each, as node's own
// randomUUID() does: one getrandom call per ~128 tokens instead of one per token, which was 6%
// of /token's CPU in the bench profile. Every byte is used at most once.
const poolSize = 4096;
const pool = Buffer.allocUnsafeSlow(poolSize);
let offset = poolSize;

/** 256 bits from the CSPRNG by default, base64url: codes, opaque tokens, ids (RFC 6749 §10.10). */
export function randomToken(bytes = 32): string {
  if (bytes > poolSize) return randomBytes(bytes).toString('base64url');
  if (offset + bytes > poolSize) {
    randomFillSync(pool);
    offset = 0;
  }
  const token = pool.toString('base64url', offset, offset + bytes);
  pool.fill(0, offset, offset + bytes);
  offset += bytes;
  return token;
}
