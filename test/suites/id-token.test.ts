/** The pure parts of suites/lib/id-token.ts: hash claims (OIDC Core spec vectors) and the signature verifier's refusals. */
import { describe, expect, test } from 'vitest';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { forgeAlgNone, hashAlgorithmOf, leftHalfHash, verifyJwsSignature } from '../../suites/lib/id-token.ts';

describe('at_hash / c_hash', () => {
  test('match the examples of OIDC Core Appendix A', () => {
    expect(leftHalfHash('jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y', 'RS256')).toBe('77QmUPtjPfzWtF2AnpK9RQ');
    expect(leftHalfHash('Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk', 'RS256')).toBe('LDktKdoQak3Pk0cnXxCltA');
  });
  test('use the hash of the alg', () => {
    expect(hashAlgorithmOf('ES384')).toBe('sha384');
    expect(hashAlgorithmOf('PS512')).toBe('sha512');
    expect(hashAlgorithmOf('EdDSA')).toBe('sha512');
    expect(hashAlgorithmOf('none')).toBeUndefined();
    expect(leftHalfHash('x', 'ES512')).toHaveLength(43);
  });
});

describe('verifyJwsSignature', async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
  const jwt = await new SignJWT({ sub: 'alice' }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(privateKey);

  test('accepts a token signed by a key of the JWKS', async () => {
    await expect(verifyJwsSignature(jwt, { keys: [jwk] })).resolves.toBe('kid k1 (ES256)');
  });
  test('refuses the alg none copy of that token', async () => {
    const forged = forgeAlgNone(jwt);
    expect(forged.endsWith('.')).toBe(true);
    await expect(verifyJwsSignature(forged, { keys: [jwk] })).rejects.toThrow(/alg "none" is refused/);
  });
  test('refuses a changed payload and an unknown key', async () => {
    const [h, , s] = jwt.split('.');
    const payload = Buffer.from(JSON.stringify({ sub: 'mallory' })).toString('base64url');
    await expect(verifyJwsSignature(`${h}.${payload}.${s}`, { keys: [jwk] })).rejects.toThrow();
    const other = { ...(await exportJWK((await generateKeyPair('ES256')).publicKey)), kid: 'k1', alg: 'ES256' };
    await expect(verifyJwsSignature(jwt, { keys: [other] })).rejects.toThrow();
  });
  test('verifies HS256 with the client secret only', async () => {
    const secret = 'a-client-secret-that-is-long-enough-for-hs256';
    const hs = await new SignJWT({ sub: 'alice' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
    const client = { role: 'confidential' as const, client_id: 'c', client_secret: secret, token_endpoint_auth_method: 'client_secret_basic', grant_types: [], response_types: [], redirect_uris: [] };
    await expect(verifyJwsSignature(hs, { keys: [] }, client)).resolves.toMatch(/client_secret/);
    await expect(verifyJwsSignature(hs, { keys: [] }, { ...client, client_secret: 'wrong-secret-wrong-secret-wrong-secret!!' })).rejects.toThrow();
  });
});
