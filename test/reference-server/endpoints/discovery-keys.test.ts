/**
 * Discovery (OIDC Discovery §4, RFC 8414 §3), the JWKS (kid per key, ES256 and RS256), and
 * key rotation: tokens signed before a rotation keep verifying until the old key retires.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import { startReferenceServer, type RunningReference } from '../../../reference-server/index.ts';
import { tokenRequest } from '../support/oauth.ts';

let ref: RunningReference;

beforeAll(async () => {
  ref = await startReferenceServer();
});
afterAll(async () => {
  await ref?.stop();
});

async function getJson(url: string): Promise<{ status: number; headers: Headers; body: Record<string, any> }> {
  const response = await fetch(url);
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}

describe('discovery', () => {
  it('serves the same metadata at the OpenID and the RFC 8414 well-known paths', async () => {
    const oidc = await getJson(`${ref.issuer}/.well-known/openid-configuration`);
    const oauth = await getJson(`${ref.issuer}/.well-known/oauth-authorization-server`);
    expect(oidc.status).toBe(200);
    expect(oauth.status).toBe(200);
    expect(oauth.body).toEqual(oidc.body);
  });

  it('names the issuer and every endpoint on it', async () => {
    const { body } = await getJson(`${ref.issuer}/.well-known/openid-configuration`);
    expect(body.issuer).toBe(ref.issuer);
    for (const [field, path] of [
      ['authorization_endpoint', '/authorize'],
      ['token_endpoint', '/token'],
      ['userinfo_endpoint', '/userinfo'],
      ['jwks_uri', '/jwks'],
      ['introspection_endpoint', '/introspect'],
      ['revocation_endpoint', '/revoke'],
    ]) {
      expect(body[field!], field).toBe(`${ref.issuer}${path}`);
    }
  });

  it('advertises code with PKCE S256 only, iss in responses, and the supported methods', async () => {
    const { body } = await getJson(`${ref.issuer}/.well-known/openid-configuration`);
    // code, plus the implicit and hybrid types, which clients get only when registered for them.
    expect(body.response_types_supported).toEqual(expect.arrayContaining(['code']));
    expect(body.code_challenge_methods_supported).toEqual(['S256']);
    expect(body.authorization_response_iss_parameter_supported).toBe(true);
    expect(body.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']));
    expect(body.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none']));
    expect(body.id_token_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256', 'RS256']));
    expect(body.id_token_signing_alg_values_supported).not.toContain('none');
    expect(body.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'groups']));
  });
});

describe('JWKS', () => {
  it('lists an ES256 and an RS256 public key, each with its own kid and no private part', async () => {
    const { status, headers, body } = await getJson(`${ref.issuer}/jwks`);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toContain('application/jwk-set+json');
    const keys = body.keys as JWK[];
    expect(keys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
    expect(new Set(keys.map((k) => k.kid)).size).toBe(keys.length);
    for (const key of keys) {
      expect(key.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(key.d).toBeUndefined();
      expect(key.p).toBeUndefined();
    }
  });

  it('signs with ES256 for a client that asks for it and RS256 by default, both verifiable with the JWKS', async () => {
    const jwks = createLocalJWKSet((await getJson(`${ref.issuer}/jwks`)).body as { keys: JWK[] });
    const rs256 = await tokenRequest(ref, 'service', { grant_type: 'client_credentials' });
    expect(rs256.status).toBe(200);
    const header = decodeProtectedHeader(rs256.body.access_token as string);
    expect(header).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    await expect(jwtVerify(rs256.body.access_token as string, jwks, { issuer: ref.issuer })).resolves.toBeTruthy();
  });
});

describe('key rotation', () => {
  it('keeps verifying a token signed before the rotation, and signs new ones with the new kid', async () => {
    const before = await tokenRequest(ref, 'service', { grant_type: 'client_credentials' });
    const oldKid = decodeProtectedHeader(before.body.access_token as string).kid;

    await ref.rotateKeys();

    const { body: jwksAfter } = await getJson(`${ref.issuer}/jwks`);
    const kids = (jwksAfter.keys as JWK[]).map((k) => k.kid);
    expect(kids).toContain(oldKid);
    expect(kids).toHaveLength(4);

    const after = await tokenRequest(ref, 'service', { grant_type: 'client_credentials' });
    const newKid = decodeProtectedHeader(after.body.access_token as string).kid;
    expect(newKid).not.toBe(oldKid);
    expect(kids).toContain(newKid);

    const jwks = createLocalJWKSet(jwksAfter as { keys: JWK[] });
    await expect(jwtVerify(before.body.access_token as string, jwks, { issuer: ref.issuer })).resolves.toBeTruthy();
    await expect(jwtVerify(after.body.access_token as string, jwks, { issuer: ref.issuer })).resolves.toBeTruthy();

    // The resource server fetches the new key for the unknown kid, and still accepts the old one.
    for (const token of [before.body.access_token, after.body.access_token]) {
      const response = await fetch(`${ref.resourceServer}/resource`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
    }
  });
});
