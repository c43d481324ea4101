/**
 * The token endpoint's client authentication (client_secret_basic, client_secret_post,
 * private_key_jwt, none) and the client_credentials grant, with every error: 401
 * invalid_client with WWW-Authenticate (RFC 6749 §5.2), and no refresh token (§4.4.3).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, UnsecuredJWT, generateKeyPair, importJWK, type JWK } from 'jose';
import { randomUUID } from 'node:crypto';
import { startReferenceServer, type RunningReference } from '../../../reference-server/index.ts';
import { defaultConfig } from '../../../reference-server/config/default.ts';
import { basic, client, postForm, tokenRequest } from '../support/oauth.ts';

let ref: RunningReference;
let tokenUrl: string;

beforeAll(async () => {
  // Dozens of refused assertions for one client on purpose: the guessing limit (brute-force.test.ts) is raised here.
  ref = await startReferenceServer({ config: { ...defaultConfig, limits: { clientAuthentication: { consecutiveFailures: 1000 } } } });
  tokenUrl = `${ref.issuer}/token`;
});
afterAll(async () => {
  await ref?.stop();
});

function expectInvalidClient(response: { status: number; headers: Headers; body: Record<string, unknown> }): void {
  expect(response.status).toBe(401);
  expect(response.body.error).toBe('invalid_client');
  expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
}

async function assertion(jwk: JWK, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
  const c = client(ref, 'service-jwt');
  const key = await importJWK(jwk, 'ES256');
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, ...header })
    .setIssuer(c.client_id)
    .setSubject(c.client_id)
    .setAudience((claims.aud as string) ?? ref.issuer)
    .setJti((claims.jti as string) ?? randomUUID())
    .setIssuedAt()
    .setExpirationTime((claims.exp as number) ?? '2m')
    .sign(key);
}

function jwtForm(clientAssertion: string): Record<string, string> {
  return {
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: clientAssertion,
  };
}

describe('client_credentials', () => {
  it('issues an access token and no refresh token to a client_secret_basic client', async () => {
    const response = await tokenRequest(ref, 'service', { grant_type: 'client_credentials', scope: 'api:read' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ token_type: 'Bearer', scope: 'api:read', expires_in: expect.any(Number) });
    expect(response.body.access_token).toEqual(expect.any(String));
    expect(response.body).not.toHaveProperty('refresh_token');
    expect(response.body).not.toHaveProperty('id_token');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('authenticates a client_secret_post client by the secret in the body', async () => {
    const response = await tokenRequest(ref, 'service-post', { grant_type: 'client_credentials' });
    expect(response.status).toBe(200);
    expect(response.body.scope).toBe('api:read api:write');
    expect(response.body).not.toHaveProperty('refresh_token');
  });

  it('authenticates a private_key_jwt client by its signed assertion', async () => {
    const c = client(ref, 'service-jwt');
    expect(c.private_jwk).toBeDefined();
    const response = await postForm(tokenUrl, jwtForm(await assertion(c.private_jwk!)));
    expect(response.status).toBe(200);
    expect(response.body).not.toHaveProperty('refresh_token');
  });

  it('accepts the token endpoint URL as the assertion audience', async () => {
    const c = client(ref, 'service-jwt');
    const response = await postForm(tokenUrl, jwtForm(await assertion(c.private_jwk!, { aud: tokenUrl })));
    expect(response.status).toBe(200);
  });

  it('refuses scopes that need an end-user, and unknown scopes, with invalid_scope', async () => {
    for (const scope of ['openid', 'api:read profile', 'no-such-scope']) {
      const response = await tokenRequest(ref, 'service', { grant_type: 'client_credentials', scope });
      expect(response.status, scope).toBe(400);
      expect(response.body.error, scope).toBe('invalid_scope');
    }
  });

  it('refuses the grant to a client not registered for it with unauthorized_client', async () => {
    const response = await tokenRequest(ref, 'confidential', { grant_type: 'client_credentials' });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('unauthorized_client');
  });
});

describe('bad client authentication', () => {
  it('refuses a wrong secret with 401 invalid_client and a Basic challenge', async () => {
    const c = client(ref, 'service');
    expectInvalidClient(await postForm(tokenUrl, { grant_type: 'client_credentials' }, { clientId: c.client_id, secret: `${c.client_secret}x` }));
  });

  it('refuses an unknown client', async () => {
    expectInvalidClient(await postForm(tokenUrl, { grant_type: 'client_credentials' }, { clientId: 'nobody', secret: 'nothing' }));
  });

  it('refuses a method the client is not registered for (post secret for a basic client)', async () => {
    const c = client(ref, 'service');
    expectInvalidClient(await postForm(tokenUrl, { grant_type: 'client_credentials', client_id: c.client_id, client_secret: c.client_secret! }));
  });

  it('refuses a confidential client that sends no credentials at all', async () => {
    expectInvalidClient(await postForm(tokenUrl, { grant_type: 'client_credentials', client_id: client(ref, 'service').client_id }));
  });

  it('refuses a request without any client identification', async () => {
    expectInvalidClient(await postForm(tokenUrl, { grant_type: 'client_credentials' }));
  });

  it('refuses a malformed Basic header', async () => {
    for (const header of ['Basic', 'Basic !!!', `Basic ${Buffer.from('no-colon').toString('base64')}`, `Basic ${Buffer.from('%zz:x').toString('base64')}`]) {
      expectInvalidClient(await postForm(tokenUrl, { grant_type: 'client_credentials' }, header));
    }
  });

  it('refuses two authentication methods at once with invalid_request (RFC 6749 §2.3)', async () => {
    const c = client(ref, 'service');
    const response = await postForm(tokenUrl, { grant_type: 'client_credentials', client_id: c.client_id, client_secret: c.client_secret! }, basic(c.client_id, c.client_secret!));
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_request');
  });

  it('refuses a client_id in the body that differs from the Basic one', async () => {
    const c = client(ref, 'service');
    const response = await postForm(tokenUrl, { grant_type: 'client_credentials', client_id: 'service-post' }, basic(c.client_id, c.client_secret!));
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_request');
  });

  it('refuses a replayed client assertion (same jti)', async () => {
    const c = client(ref, 'service-jwt');
    const signed = await assertion(c.private_jwk!);
    expect((await postForm(tokenUrl, jwtForm(signed))).status).toBe(200);
    expectInvalidClient(await postForm(tokenUrl, jwtForm(signed)));
  });

  it('accepts an assertion once even when it is sent many times at once', async () => {
    const c = client(ref, 'service-jwt');
    const signed = await assertion(c.private_jwk!);
    const answers = await Promise.all(Array.from({ length: 12 }, () => postForm(tokenUrl, jwtForm(signed))));
    expect(answers.map((a) => a.status).sort()).toEqual([200, ...Array(11).fill(401)]);
  });

  it('refuses an assertion signed by another key, for another audience, or expired', async () => {
    const c = client(ref, 'service-jwt');
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const { exportJWK } = await import('jose');
    const stranger = { ...(await exportJWK(privateKey)), kid: c.private_jwk!.kid };
    expectInvalidClient(await postForm(tokenUrl, jwtForm(await assertion(stranger))));
    expectInvalidClient(await postForm(tokenUrl, jwtForm(await assertion(c.private_jwk!, { aud: 'https://elsewhere.example' }))));
    expectInvalidClient(await postForm(tokenUrl, jwtForm(await assertion(c.private_jwk!, { exp: Math.floor(Date.now() / 1000) - 600 }))));
  });

  it('never accepts an unsigned (alg none) assertion', async () => {
    const c = client(ref, 'service-jwt');
    const unsigned = new UnsecuredJWT({ jti: randomUUID() }).setIssuer(c.client_id).setSubject(c.client_id).setAudience(ref.issuer).setIssuedAt().setExpirationTime('2m').encode();
    expectInvalidClient(await postForm(tokenUrl, jwtForm(unsigned)));
  });

  it('refuses a wrong client_assertion_type with invalid_request', async () => {
    const c = client(ref, 'service-jwt');
    const response = await postForm(tokenUrl, { ...jwtForm(await assertion(c.private_jwk!)), client_assertion_type: 'urn:example:other' });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_request');
  });
});

describe('token endpoint errors', () => {
  it('answers an unknown grant_type with unsupported_grant_type', async () => {
    const response = await tokenRequest(ref, 'service', { grant_type: 'password', username: 'alice', password: 'x' });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('unsupported_grant_type');
  });

  it('answers a missing grant_type and a repeated parameter with invalid_request', async () => {
    expect((await tokenRequest(ref, 'service', {})).body.error).toBe('invalid_request');
    const c = client(ref, 'service');
    const response = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(c.client_id, c.client_secret!) },
      body: 'grant_type=client_credentials&grant_type=client_credentials',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
  });

  it('answers a JSON body with invalid_request, and GET with 405', async () => {
    const c = client(ref, 'service');
    const json = await fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: basic(c.client_id, c.client_secret!) }, body: '{"grant_type":"client_credentials"}' });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: string }).error).toBe('invalid_request');
    const get = await fetch(tokenUrl);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(((await get.json()) as { error: string }).error).toBe('invalid_request');
  });
});
