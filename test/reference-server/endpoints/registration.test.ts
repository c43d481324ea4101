/**
 * Dynamic client registration (RFC 7591) and its management (RFC 7592) against the reference
 * server over real HTTP: what a registration returns, that the new client really works at the
 * token and authorization endpoints, metadata validation (invalid_redirect_uri,
 * invalid_client_metadata), and read / update / delete through the registration access token.
 * (The initial access token needs its own config: config-variants.test.ts. A registered web app
 * signing a person in, in Chromium, is sample-app.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer, type RunningReference } from '../../../reference-server/index.ts';
import { rfcErrorCodes } from '../../../reference-server/authorization-server/errors.ts';
import { authorize, redirectUri } from '../support/user-agent.ts';
import { client as roleClient, pkce, postForm, user } from '../support/oauth.ts';
import { jsonCall } from '../support/registration.ts';

let ref: RunningReference;
let endpoint: string;

beforeAll(async () => {
  ref = await startReferenceServer();
  endpoint = `${ref.issuer}/register`;
});
afterAll(async () => {
  await ref?.stop();
});

const webApp = { client_name: 'Registered web app', redirect_uris: ['https://app.example/cb', 'http://127.0.0.1:8123/cb'], scope: 'openid profile api:read' };

describe('registration (RFC 7591)', () => {
  it('is in the discovery document', async () => {
    const metadata = (await (await fetch(`${ref.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(metadata.registration_endpoint).toBe(endpoint);
  });

  it('answers 201 with client_id, a secret, the defaults it applied, and how to manage the registration', async () => {
    const { status, headers, body } = await jsonCall(endpoint, { body: webApp });
    expect(status).toBe(201);
    expect(headers.get('cache-control')).toContain('no-store');
    expect(body).toMatchObject({
      client_name: 'Registered web app',
      redirect_uris: webApp.redirect_uris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'openid profile api:read',
      client_secret_expires_at: 0,
    });
    expect(body.client_id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(body.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.client_id_issued_at).toBeGreaterThan(1_700_000_000);
    expect(body.registration_access_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.registration_client_uri).toBe(`${endpoint}/${body.client_id}`);
  });

  it('registers a client that signs a person in with code + PKCE and gets tokens with its secret, and nothing else', async () => {
    const { body } = await jsonCall(endpoint, { body: { ...webApp, redirect_uris: [redirectUri] } });
    const clientId = body.client_id as string;
    const { verifier, challenge } = pkce();
    const outcome = await authorize(
      ref,
      { client_id: clientId, redirect_uri: redirectUri, response_type: 'code', scope: 'openid api:read', state: 's', code_challenge: challenge, code_challenge_method: 'S256' },
      { signIn: user(ref, 'user') },
    );
    expect(outcome.seen).toEqual(['login', 'consent']);
    const code = outcome.response!.get('code')!;
    const credentials = { clientId, secret: body.client_secret as string };
    const tokens = await postForm(`${ref.issuer}/token`, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }, credentials);
    expect(tokens.status).toBe(200);
    expect(tokens.body.scope).toBe('openid api:read');
    // Registered for authorization_code only: no refresh token, and no client_credentials.
    expect(tokens.body.refresh_token).toBeUndefined();
    expect((await postForm(`${ref.issuer}/token`, { grant_type: 'client_credentials' }, credentials)).body.error).toBe('unauthorized_client');
  });

  it('registers a service that gets client_credentials tokens, and a public client with no secret', async () => {
    const service = (await jsonCall(endpoint, { body: { client_name: 'Batch job', grant_types: ['client_credentials'], scope: 'api:read' } })).body;
    expect(service.response_types).toEqual([]);
    const tokens = await postForm(`${ref.issuer}/token`, { grant_type: 'client_credentials' }, { clientId: service.client_id as string, secret: service.client_secret as string });
    expect(tokens.status).toBe(200);
    expect(tokens.body.scope).toBe('api:read');
    expect(tokens.body.refresh_token).toBeUndefined();

    const native = await jsonCall(endpoint, { body: { redirect_uris: ['com.example.app:/oauth2redirect'], token_endpoint_auth_method: 'none' } });
    expect(native.status).toBe(201);
    expect(native.body.client_secret).toBeUndefined();
    expect(native.body.client_secret_expires_at).toBeUndefined();
  });

  it('registers implicit only when asked for with its grant type (it is never a default)', async () => {
    const implicit = await jsonCall(endpoint, { body: { redirect_uris: ['https://spa.example/cb'], grant_types: ['implicit'], response_types: ['id_token token'], token_endpoint_auth_method: 'none' } });
    expect(implicit.status).toBe(201);
    expect(implicit.body.response_types).toEqual(['id_token token']);
  });

  it('keeps require_pushed_authorization_requests for the client (RFC 9126 §6)', async () => {
    const { body } = await jsonCall(endpoint, { body: { ...webApp, require_pushed_authorization_requests: true } });
    expect(body.require_pushed_authorization_requests).toBe(true);
    const { challenge } = pkce();
    const response = await fetch(`${ref.issuer}/authorize?${new URLSearchParams({ client_id: body.client_id as string, redirect_uri: 'https://app.example/cb', response_type: 'code', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' })}`, { redirect: 'manual' });
    expect(new URL(response.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
    const pushed = await postForm(`${ref.issuer}/par`, { redirect_uri: 'https://app.example/cb', response_type: 'code', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' }, { clientId: body.client_id as string, secret: body.client_secret as string });
    expect(pushed.status).toBe(201);
  });

  it('ignores metadata it does not know, and the client_id or secret a client tries to choose', async () => {
    const { status, body } = await jsonCall(endpoint, { body: { ...webApp, client_id: 'chosen', client_secret: 'chosen-secret', favourite_colour: 'blue' } });
    expect(status).toBe(201);
    expect(body.client_id).not.toBe('chosen');
    expect(body.client_secret).not.toBe('chosen-secret');
    expect(body.favourite_colour).toBeUndefined();
  });

  it.each([
    ['a fragment', ['https://app.example/cb#x']],
    ['http on a host other than loopback', ['http://app.example/cb']],
    ['a javascript: URI', ['javascript:alert(1)']],
    ['a relative URI', ['/cb']],
    ['credentials in the URI', ['https://user:pw@app.example/cb']],
    ['a non-string', [42]],
    ['not an array', 'https://app.example/cb'],
  ])('answers invalid_redirect_uri for %s', async (_name, redirectUris) => {
    const { status, body } = await jsonCall(endpoint, { body: { redirect_uris: redirectUris } });
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_redirect_uri');
    expect(typeof body.error_description).toBe('string');
  });

  it('answers invalid_redirect_uri when a code client names no redirect URI', async () => {
    const { body } = await jsonCall(endpoint, { body: { client_name: 'no redirect' } });
    expect(body.error).toBe('invalid_redirect_uri');
  });

  it.each([
    ['an unknown grant type', { grant_types: ['password'] }],
    ['an unknown response type', { response_types: ['code device'] }],
    ['a response type without its grant type', { response_types: ['code token'] }],
    ['implicit without an implicit response type', { grant_types: ['authorization_code', 'implicit'] }],
    ['an unknown token_endpoint_auth_method', { token_endpoint_auth_method: 'client_secret_jwt' }],
    ['client_credentials for a public client', { grant_types: ['client_credentials'], token_endpoint_auth_method: 'none' }],
    ['private_key_jwt without keys', { token_endpoint_auth_method: 'private_key_jwt' }],
    ['jwks_uri', { token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://app.example/jwks' }],
    ['a private key in jwks', { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'secret' }] } }],
    ['an unknown scope', { scope: 'openid admin' }],
    ['a client_name that is not a string', { client_name: ['x'] }],
    ['a logo_uri that is not a web URL', { logo_uri: 'file:///etc/passwd' }],
    ['an ID token alg none', { id_token_signed_response_alg: 'none' }],
    ['require_pushed_authorization_requests as a string', { require_pushed_authorization_requests: 'yes' }],
  ])('answers invalid_client_metadata for %s', async (_name, fields) => {
    const { status, body } = await jsonCall(endpoint, { body: { redirect_uris: ['https://app.example/cb'], ...fields } });
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_client_metadata');
  });

  it.each([
    ['a JSON array', '[]', 'application/json', 'invalid_client_metadata'],
    ['broken JSON', '{"redirect_uris":', 'application/json', 'invalid_request'],
    ['a form body', 'redirect_uris=https://app.example/cb', 'application/x-www-form-urlencoded', 'invalid_request'],
  ])('answers %s with an RFC error', async (_name, rawBody, contentType, error) => {
    const { status, body } = await jsonCall(endpoint, { rawBody, contentType });
    expect(status).toBe(400);
    expect(body.error).toBe(error);
    expect(rfcErrorCodes.has(body.error as string)).toBe(true);
  });
});

describe('management (RFC 7592)', () => {
  async function registered() {
    const { body } = await jsonCall(endpoint, { body: webApp });
    return { clientId: body.client_id as string, secret: body.client_secret as string, token: body.registration_access_token as string, uri: body.registration_client_uri as string };
  }

  it('reads the registration with its registration access token', async () => {
    const client = await registered();
    const { status, body } = await jsonCall(client.uri, { token: client.token });
    expect(status).toBe(200);
    expect(body).toMatchObject({ client_id: client.clientId, client_name: 'Registered web app', redirect_uris: webApp.redirect_uris, registration_client_uri: client.uri });
    // Secrets are kept hashed, so a read cannot return one.
    expect(body.client_secret).toBeUndefined();
  });

  it.each([
    ['no token', undefined],
    ['a wrong token', 'not-the-registration-access-token'],
  ])('answers 401 invalid_token with a Bearer challenge for %s', async (_name, token) => {
    const client = await registered();
    const { status, headers, body } = await jsonCall(client.uri, { token });
    expect(status).toBe(401);
    expect(body.error).toBe('invalid_token');
    expect(headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('does not let one client read another with its own token, nor touch a configured client', async () => {
    const one = await registered();
    const other = await registered();
    expect((await jsonCall(other.uri, { token: one.token })).status).toBe(401);
    expect((await jsonCall(`${endpoint}/confidential`, { token: one.token })).status).toBe(401);
  });

  it('replaces the metadata on update; omitted fields fall back to their defaults and the secret stays', async () => {
    const client = await registered();
    const { status, body } = await jsonCall(client.uri, { method: 'PUT', token: client.token, body: { client_id: client.clientId, client_secret: client.secret, redirect_uris: ['https://app.example/new-cb'], client_name: 'Renamed' } });
    expect(status).toBe(200);
    expect(body).toMatchObject({ client_name: 'Renamed', redirect_uris: ['https://app.example/new-cb'], registration_access_token: client.token });
    expect(body.scope).toBeUndefined();
    const read = await jsonCall(client.uri, { token: client.token });
    expect(read.body.client_name).toBe('Renamed');
    // The old redirect URI is gone: /authorize shows an error page for it.
    const { challenge } = pkce();
    const old = await fetch(`${ref.issuer}/authorize?${new URLSearchParams({ client_id: client.clientId, redirect_uri: webApp.redirect_uris[0]!, response_type: 'code', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' })}`, { redirect: 'manual' });
    expect(old.status).toBe(400);
    // The secret still works at /token.
    const tokens = await postForm(`${ref.issuer}/token`, { grant_type: 'authorization_code', code: 'x' }, { clientId: client.clientId, secret: client.secret });
    expect(tokens.body.error).toBe('invalid_grant');
  });

  it.each([
    ['another client_id', (c: { clientId: string }) => ({ client_id: `${c.clientId}x`, redirect_uris: ['https://app.example/cb'] }), 'invalid_request'],
    ['no client_id', () => ({ redirect_uris: ['https://app.example/cb'] }), 'invalid_request'],
    ['a wrong client_secret', (c: { clientId: string }) => ({ client_id: c.clientId, client_secret: 'wrong', redirect_uris: ['https://app.example/cb'] }), 'invalid_request'],
    ['the registration_access_token', (c: { clientId: string; token: string }) => ({ client_id: c.clientId, registration_access_token: c.token, redirect_uris: ['https://app.example/cb'] }), 'invalid_request'],
    ['a bad redirect URI', (c: { clientId: string }) => ({ client_id: c.clientId, redirect_uris: ['http://app.example/cb'] }), 'invalid_redirect_uri'],
    ['bad metadata', (c: { clientId: string }) => ({ client_id: c.clientId, redirect_uris: ['https://app.example/cb'], grant_types: ['password'] }), 'invalid_client_metadata'],
  ])('refuses an update with %s', async (_name, build, error) => {
    const client = await registered();
    const { status, body } = await jsonCall(client.uri, { method: 'PUT', token: client.token, body: build(client) });
    expect(status).toBe(400);
    expect(body.error).toBe(error);
    // Nothing changed.
    expect((await jsonCall(client.uri, { token: client.token })).body.redirect_uris).toEqual(webApp.redirect_uris);
  });

  it('deletes the client: 204, then its token and its credentials stop working', async () => {
    const client = await registered();
    const deleted = await fetch(client.uri, { method: 'DELETE', headers: { authorization: `Bearer ${client.token}` } });
    expect(deleted.status).toBe(204);
    expect((await jsonCall(client.uri, { token: client.token })).status).toBe(401);
    const tokens = await postForm(`${ref.issuer}/token`, { grant_type: 'authorization_code', code: 'x' }, { clientId: client.clientId, secret: client.secret });
    expect(tokens.status).toBe(401);
    expect(tokens.body.error).toBe('invalid_client');
  });

  it('deletes the client\'s tokens with it (RFC 7592 §2.3): introspection calls them inactive at once', async () => {
    const service = (await jsonCall(endpoint, { body: { client_name: 'Doomed job', grant_types: ['client_credentials'], scope: 'api:read' } })).body;
    const tokens = await postForm(`${ref.issuer}/token`, { grant_type: 'client_credentials' }, { clientId: service.client_id as string, secret: service.client_secret as string });
    expect(tokens.status).toBe(200);
    const rs = roleClient(ref, 'resource-server');
    const introspect = async () => (await postForm(`${ref.issuer}/introspect`, { token: tokens.body.access_token as string }, { clientId: rs.client_id, secret: rs.client_secret! })).body;
    expect(await introspect()).toMatchObject({ active: true, client_id: service.client_id });
    const deleted = await fetch(service.registration_client_uri as string, { method: 'DELETE', headers: { authorization: `Bearer ${service.registration_access_token}` } });
    expect(deleted.status).toBe(204);
    expect(await introspect()).toEqual({ active: false });
  });
});
