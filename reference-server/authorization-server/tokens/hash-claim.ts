/**
 * at_hash / c_hash (OIDC Core §3.1.3.6, §3.3.2.11): base64url of the left-most half of the
 * hash of the ASCII value, with the hash of the ID token's alg (SHA-256 for ES256 and RS256).
 */
import { createHash } from 'node:crypto';
import type { SigningAlg } from '../../config/types.ts';

export function leftHalfHash(value: string, alg: SigningAlg): string {
  void alg; // both supported algorithms use SHA-256
  const digest = createHash('sha256').update(value, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
