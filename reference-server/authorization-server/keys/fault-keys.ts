/**
 * Keys that exist only for the discovery faults (config/faults/discovery.ts): extra JWKS
 * entries, each with a kid no token names, so that a fault breaks the key-set rule it is about
 * and nothing a flow verifies. Made once per server, on first use.
 */
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { FaultsConfig } from '../../config/faults.ts';

const made = new WeakMap<FaultsConfig, Promise<JWK[]>>();

async function make(faults: FaultsConfig): Promise<JWK[]> {
  const keys: JWK[] = [];
  if (faults.jwksPrivateRsaMembers) {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    keys.push({ ...(await exportJWK(privateKey)), kid: 'fault-private-rsa', use: 'sig', alg: 'RS256' });
  }
  if (faults.jwksSymmetricKey) keys.push({ kty: 'oct', k: randomBytes(32).toString('base64url'), kid: 'fault-oct', alg: 'HS256' });
  if (faults.jwksShortRsaKey) {
    // node:crypto, not jose: jose rightly refuses to make an RSA key under 2048 bits.
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    keys.push({ ...(publicKey.export({ format: 'jwk' }) as JWK), kid: 'fault-rsa-1024', use: 'sig', alg: 'RS256' });
  }
  if (faults.jwksEcKeyWithoutY) {
    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    const { y: _y, ...withoutY } = await exportJWK(publicKey);
    keys.push({ ...withoutY, kid: 'fault-ec-no-y', use: 'sig', alg: 'ES256' });
  }
  if (faults.jwksContradictoryKeyOps) {
    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    keys.push({ ...(await exportJWK(publicKey)), kid: 'fault-key-ops', use: 'sig', key_ops: ['encrypt'] });
  }
  if (faults.jwksDuplicateKid) {
    for (let i = 0; i < 2; i++) {
      const { publicKey } = await generateKeyPair('ES256', { extractable: true });
      keys.push({ ...(await exportJWK(publicKey)), kid: 'fault-duplicate', use: 'sig', alg: 'ES256' });
    }
  }
  return keys;
}

/** The extra keys the faults that are on add to the JWKS (none when no such fault is on). */
export function faultKeys(faults: FaultsConfig): Promise<JWK[]> {
  let keys = made.get(faults);
  if (!keys) made.set(faults, keys = make(faults));
  return keys;
}
