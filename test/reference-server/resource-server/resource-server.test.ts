/**
 * The resource server: JWT access tokens checked against the JWKS, opaque ones through
 * introspection; 401 invalid_token for a bad, expired or revoked token, 401 with a bare
 * challenge for none, 403 insufficient_scope (RFC 6750 §3).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, UnsecuredJWT, generateKeyPair } from 'jose';
import { startReferenceServer, type RunningReference } from '../../../reference-server/index.ts';
import { MovingClock } from '../../support/moving-clock.ts';
import { defaultConfig } from '../../../reference-server/config/default.ts';
import { client, postForm, tokenRequest, user } from '../support/oauth.ts';
import { tokensFor } from '../support/flows.ts';

let ref: RunningReference;
const clock = new MovingClock();

beforeAll(async () => {
  ref = await startReferenceServer({
    clock,
    config: {
      ...defaultConfig,
      clients: [
        ...defaultConfig.clients,
        // Tokens that expire after one second, to see the resource server refuse them.
        { client_id: 'short-jwt', token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api:read', access_token_ttl: 1 },
        { client_id: 'short-opaque', token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api:read', access_token_ttl: 1, access_token_format: 'opaque' },
      ],
    },
  });
});
afterAll(async () => {
  await ref?.stop();
});

async function resource(token: string | undefined, method = 'GET'): Promise<{ status: number; challenge: string | null; body: Record<string, unknown> }> {
  const response = await fetch(`${ref.resourceServer}/resource`, { method, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  return { status: response.status, challenge: response.headers.get('www-authenticate'), body: (await response.json()) as Record<string, unknown> };
}

function expectInvalidToken(answer: { status: number; challenge: string | null }): void {
  expect(answer.status).toBe(401);
  expect(answer.challenge).toMatch(/^Bearer realm="nauthera", error="invalid_token"/);
}

describe('accepted tokens', () => {
  it('serves a JWT access token checked against the JWKS', async () => {
    const tokens = await tokensFor(ref, 'confidential', user(ref, 'user'));
    const answer = await resource(tokens.access_token as string);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ client_id: 'confidential', token_format: 'jwt' });
  });

  it('serves an opaque access token checked by introspection', async () => {
    const tokens = await tokensFor(ref, 'opaque', user(ref, 'user'));
    const answer = await resource(tokens.access_token as string);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ client_id: 'opaque', token_format: 'opaque' });
  });
});

describe('refused tokens', () => {
  it('answers no token with 401 and a challenge without an error code (RFC 6750 §3.1)', async () => {
    const answer = await resource(undefined);
    expect(answer.status).toBe(401);
    expect(answer.challenge).toBe(`Bearer realm="nauthera", resource_metadata="${ref.resourceServer}/.well-known/oauth-protected-resource/resource"`);
  });

  it('answers too little scope with 403 insufficient_scope', async () => {
    const service = await tokenRequest(ref, 'service', { grant_type: 'client_credentials', scope: 'api:read' });
    const answer = await resource(service.body.access_token as string, 'POST');
    expect(answer.status).toBe(403);
    expect(answer.challenge).toMatch(/error="insufficient_scope".*scope="api:write"/);
    expect(answer.body.error).toBe('insufficient_scope');
  });

  it('answers an expired JWT and an expired opaque token with invalid_token', async () => {
    const jwt = await tokenRequest(ref, 'short-jwt', { grant_type: 'client_credentials' });
    const opaque = await tokenRequest(ref, 'short-opaque', { grant_type: 'client_credentials' });
    clock.advance(2.1);
    expectInvalidToken(await resource(jwt.body.access_token as string));
    expectInvalidToken(await resource(opaque.body.access_token as string));
  });

  it('answers a revoked opaque token with invalid_token', async () => {
    const tokens = await tokensFor(ref, 'opaque', user(ref, 'user'));
    expect((await resource(tokens.access_token as string)).status).toBe(200);
    const c = client(ref, 'opaque');
    await postForm(`${ref.issuer}/revoke`, { token: tokens.access_token as string }, { clientId: c.client_id, secret: c.client_secret! });
    expectInvalidToken(await resource(tokens.access_token as string));
  });

  it('answers a tampered JWT with invalid_token', async () => {
    const service = await tokenRequest(ref, 'service', { grant_type: 'client_credentials', scope: 'api:read' });
    const [header, payload, signature] = (service.body.access_token as string).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, scope: 'api:read api:write' })).toString('base64url');
    expectInvalidToken(await resource(`${header}.${forged}.${signature}`, 'POST'));
  });

  it('answers an unsigned (alg none) JWT with invalid_token', async () => {
    const unsigned = new UnsecuredJWT({ client_id: 'service', scope: 'api:read' }).setIssuer(ref.issuer).setSubject('service').setAudience(ref.resourceServer).setIssuedAt().setExpirationTime('5m').encode();
    expectInvalidToken(await resource(unsigned));
  });

  it('answers a JWT signed by a stranger under a real kid with invalid_token', async () => {
    const jwks = (await (await fetch(`${ref.issuer}/jwks`)).json()) as { keys: Array<{ kid: string; alg: string }> };
    const kid = jwks.keys.find((k) => k.alg === 'ES256')!.kid;
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ client_id: 'service', scope: 'api:read' }).setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' }).setIssuer(ref.issuer).setSubject('service').setAudience(ref.resourceServer).setIssuedAt().setExpirationTime('5m').sign(privateKey);
    expectInvalidToken(await resource(forged));
  });

  it('answers an ID token presented as an access token with invalid_token (typ is not at+jwt)', async () => {
    const tokens = await tokensFor(ref, 'confidential', user(ref, 'user'));
    expectInvalidToken(await resource(tokens.id_token as string));
  });

  it('answers a malformed Authorization header with 400 invalid_request', async () => {
    const response = await fetch(`${ref.resourceServer}/resource`, { headers: { authorization: 'Bearer a b c' } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
  });
});
