/**
 * The authorization endpoint and the authorization_code + refresh_token grants, over real
 * HTTP with a real slapd: PKCE S256 (missing, wrong, downgraded), exact redirect_uri, state
 * and iss on every response, errors shown as a page until the client and redirect_uri are
 * verified, single-use codes, refresh rotation with family revocation, scope narrowing only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import { startReferenceServer, type RunningReference } from '../../../reference-server/index.ts';
import { authorize, redirectUri } from '../support/user-agent.ts';
import { client, pkce, postForm, tokenRequest, user } from '../support/oauth.ts';
import { codeFor, exchange, tokensFor } from '../support/flows.ts';

let ref: RunningReference;
let alice: { username: string; password: string };

beforeAll(async () => {
  ref = await startReferenceServer();
  alice = user(ref, 'user');
});
afterAll(async () => {
  await ref?.stop();
});

function base(role: string, extra: Record<string, string> = {}): Record<string, string> {
  const { challenge } = pkce();
  return {
    client_id: client(ref, role).client_id,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid profile',
    state: 'st-123',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  };
}

async function authorizeRaw(params: Record<string, string>): Promise<Response> {
  return fetch(`${ref.issuer}/authorize?${new URLSearchParams(params)}`, { redirect: 'manual' });
}

function leftHalf(value: string): string {
  const digest = createHash('sha256').update(value).digest();
  return digest.subarray(0, 16).toString('base64url');
}

async function active(token: string): Promise<boolean> {
  const rs = client(ref, 'resource-server');
  const response = await postForm(`${ref.issuer}/introspect`, { token }, { clientId: rs.client_id, secret: rs.client_secret! });
  return response.body.active === true;
}

describe('errors before the client and redirect_uri are verified are shown as a page', () => {
  it.each([
    ['an unknown client', { client_id: 'nobody' }, 'invalid_client'],
    ['no client_id', { client_id: '' }, 'invalid_request'],
    ['a client_id sent twice', { client_id: 'confidential&client_id=public' }, 'invalid_request'],
    ['an unregistered redirect_uri', { redirect_uri: 'https://attacker.example/callback' }, 'invalid_request'],
    ['a redirect_uri with an extra path', { redirect_uri: `${redirectUri}/extra` }, 'invalid_request'],
    ['a redirect_uri prefix', { redirect_uri: 'https://rp.nauthera.test/call' }, 'invalid_request'],
    ['a redirect_uri with an added query', { redirect_uri: `${redirectUri}?next=x` }, 'invalid_request'],
    ['a redirect_uri differing in case', { redirect_uri: 'https://RP.nauthera.test/callback' }, 'invalid_request'],
  ])('%s', async (_name, override, code) => {
    const params = base('confidential', override as Record<string, string>);
    const query = new URLSearchParams(params).toString().replace(/client_id=confidential%26client_id%3Dpublic/, 'client_id=confidential&client_id=public');
    const response = await fetch(`${ref.issuer}/authorize?${query}`, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toContain('text/html');
    const page = await response.text();
    expect(page).toContain(`<code id="error-code">${code}</code>`);
  });
});

describe('errors after verification go back to the client with state and iss (RFC 9207)', () => {
  it.each([
    ['no response_type', { response_type: '' }, 'invalid_request'],
    ['an unsupported response_type', { response_type: 'code device' }, 'unsupported_response_type'],
    ['a response_type the client is not registered for (implicit is off by default)', { response_type: 'token' }, 'unauthorized_client'],
    ['no scope', { scope: '' }, 'invalid_scope'],
    ['an unknown scope', { scope: 'openid admin' }, 'invalid_scope'],
    ['PKCE plain', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['a code_challenge without method (= plain)', { code_challenge_method: '' }, 'invalid_request'],
    ['a malformed code_challenge', { code_challenge: 'short' }, 'invalid_request'],
    ['an unsigned request object', { request: 'eyJhbGciOiJub25lIn0.e30.' }, 'invalid_request_object'],
    ['an unknown prompt', { prompt: 'sometimes' }, 'invalid_request'],
    ['prompt=none with another value', { prompt: 'none login' }, 'invalid_request'],
    ['a negative max_age', { max_age: '-1' }, 'invalid_request'],
    ['prompt=none without a session', { prompt: 'none' }, 'login_required'],
  ])('%s', async (_name, override, code) => {
    const response = await authorizeRaw(base('confidential', override as Record<string, string>));
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    // A response type that returns tokens answers in the fragment, errors included.
    const answer = (override as Record<string, string>).response_type === 'token' ? new URLSearchParams(location.hash.slice(1)) : location.searchParams;
    expect(answer.get('error')).toBe(code);
    expect(answer.get('state')).toBe('st-123');
    expect(answer.get('iss')).toBe(ref.issuer);
    expect(answer.get('code')).toBeNull();
  });

  it('refuses a public client without PKCE', async () => {
    const params = base('public');
    delete params.code_challenge;
    delete params.code_challenge_method;
    const location = new URL((await authorizeRaw(params)).headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/PKCE/);
    expect(location.searchParams.get('iss')).toBe(ref.issuer);
  });

  it('refuses a repeated parameter (RFC 6749 §3.1)', async () => {
    const query = `${new URLSearchParams(base('confidential'))}&scope=openid`;
    const location = new URL((await fetch(`${ref.issuer}/authorize?${query}`, { redirect: 'manual' })).headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('invalid_request');
  });

  it('refuses a client not registered for the response type with unauthorized_client', async () => {
    const response = await authorizeRaw({ ...base('hybrid'), response_type: 'code' });
    const location = new URL(response.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('unauthorized_client');
  });
});

describe('authorization code with PKCE', () => {
  it('returns code, state and iss, and exchanges the code for verified tokens', async () => {
    const tokens = await tokensFor(ref, 'confidential', alice);
    const { outcome, state, nonce } = tokens.flow;
    expect(outcome.seen).toEqual(['login', 'consent']);
    expect([...outcome.response!.keys()].sort()).toEqual(['code', 'iss', 'state']);
    expect(outcome.response!.get('state')).toBe(state);
    expect(outcome.response!.get('iss')).toBe(ref.issuer);
    expect(tokens).toMatchObject({ token_type: 'Bearer', scope: 'openid profile email groups api:read' });
    expect(tokens.refresh_token).toEqual(expect.any(String));

    const jwks = createLocalJWKSet((await (await fetch(`${ref.issuer}/jwks`)).json()) as { keys: JWK[] });
    const { payload: idToken, protectedHeader } = await jwtVerify(tokens.id_token as string, jwks, { issuer: ref.issuer, audience: client(ref, 'confidential').client_id });
    expect(protectedHeader.alg).toBe('RS256');
    expect(idToken.nonce).toBe(nonce);
    expect(idToken.at_hash).toBe(leftHalf(tokens.access_token as string));
    expect(idToken.auth_time).toEqual(expect.any(Number));
    expect(idToken.sub).toMatch(/^[0-9a-f-]{36}$/);

    // RFC 9068: typ at+jwt, and this client asked for ES256.
    expect(decodeProtectedHeader(tokens.access_token as string)).toMatchObject({ typ: 'at+jwt', alg: 'ES256' });
    const { payload: at } = await jwtVerify(tokens.access_token as string, jwks, { issuer: ref.issuer, audience: ref.resourceServer, typ: 'at+jwt' });
    expect(at).toMatchObject({ sub: idToken.sub, client_id: 'confidential', scope: 'openid profile email groups api:read' });
  });

  it('runs for a public client (auth none) with PKCE', async () => {
    const tokens = await tokensFor(ref, 'public', alice);
    expect(tokens.access_token).toEqual(expect.any(String));
    expect(tokens.id_token).toEqual(expect.any(String));
  });

  it('gives no ID token without the openid scope', async () => {
    const tokens = await tokensFor(ref, 'confidential', alice, { scope: 'api:read' });
    expect(tokens.scope).toBe('api:read');
    expect(tokens).not.toHaveProperty('id_token');
  });

  it('refuses a missing code_verifier', async () => {
    const flow = await codeFor(ref, 'public', { signIn: alice });
    const response = await exchange(ref, 'public', { ...flow, verifier: undefined });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_grant');
  });

  it('refuses a wrong code_verifier', async () => {
    const flow = await codeFor(ref, 'public', { signIn: alice });
    const response = await exchange(ref, 'public', { ...flow, verifier: pkce().verifier });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_grant');
  });

  it('refuses a code_verifier for a code issued without a code_challenge (PKCE downgrade, RFC 9700 §4.8.2)', async () => {
    const flow = await codeFor(ref, 'confidential', { signIn: alice, usePkce: false });
    const response = await exchange(ref, 'confidential', { ...flow, verifier: pkce().verifier });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_grant');
    expect(response.body.error_description).toMatch(/downgrade/);
  });

  it('accepts a confidential client without PKCE when it sends no verifier', async () => {
    const flow = await codeFor(ref, 'confidential', { signIn: alice, usePkce: false });
    expect((await exchange(ref, 'confidential', flow)).status).toBe(200);
  });

  it('refuses a redirect_uri that differs from the authorization request', async () => {
    const flow = await codeFor(ref, 'confidential', { signIn: alice });
    const response = await exchange(ref, 'confidential', flow, { redirect_uri: `${redirectUri}/other` });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_grant');
  });

  it('refuses a code presented by another client, without burning it', async () => {
    const flow = await codeFor(ref, 'confidential', { signIn: alice });
    const stolen = await exchange(ref, 'opaque', flow);
    expect(stolen.status).toBe(400);
    expect(stolen.body.error).toBe('invalid_grant');
    expect((await exchange(ref, 'confidential', flow)).status).toBe(200);
  });

  it('treats a reused code as an attack: invalid_grant, and every token issued for it is revoked', async () => {
    const flow = await codeFor(ref, 'confidential', { signIn: alice });
    const first = await exchange(ref, 'confidential', flow);
    expect(first.status).toBe(200);
    expect(await active(first.body.access_token as string)).toBe(true);

    const second = await exchange(ref, 'confidential', flow);
    expect(second.status).toBe(400);
    expect(second.body.error).toBe('invalid_grant');

    expect(await active(first.body.access_token as string)).toBe(false);
    const refresh = await tokenRequest(ref, 'confidential', { grant_type: 'refresh_token', refresh_token: first.body.refresh_token as string });
    expect(refresh.body.error).toBe('invalid_grant');
    const userinfo = await fetch(`${ref.issuer}/userinfo`, { headers: { authorization: `Bearer ${first.body.access_token}` } });
    expect(userinfo.status).toBe(401);
  });

  it('refuses an unknown code and a missing code', async () => {
    expect((await tokenRequest(ref, 'confidential', { grant_type: 'authorization_code', code: 'made-up', redirect_uri: redirectUri })).body.error).toBe('invalid_grant');
    expect((await tokenRequest(ref, 'confidential', { grant_type: 'authorization_code', redirect_uri: redirectUri })).body.error).toBe('invalid_request');
  });
});

describe('refresh token rotation', () => {
  it('rotates: a new refresh token each time, and the old one no longer works', async () => {
    const tokens = await tokensFor(ref, 'confidential', alice);
    const first = await tokenRequest(ref, 'confidential', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string });
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).toEqual(expect.any(String));
    expect(first.body.refresh_token).not.toBe(tokens.refresh_token);
    expect(first.body.id_token).toEqual(expect.any(String));
    const second = await tokenRequest(ref, 'confidential', { grant_type: 'refresh_token', refresh_token: first.body.refresh_token as string });
    expect(second.status).toBe(200);
  });

  it('on reuse of a rotated token revokes the whole family, including the newest tokens', async () => {
    const tokens = await tokensFor(ref, 'confidential', alice);
    const rotated = await tokenRequest(ref, 'confidential', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string });
    expect(rotated.status).toBe(200);

    const replay = await tokenRequest(ref, 'confidential', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string });
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');

    const newest = await tokenRequest(ref, 'confidential', { grant_type: 'refresh_token', refresh_token: rotated.body.refresh_token as string });
    expect(newest.body.error).toBe('invalid_grant');
    expect(await active(rotated.body.access_token as string)).toBe(false);
  });

  it('narrows the scope on request, while the refresh token keeps the granted scope', async () => {
    const tokens = await tokensFor(ref, 'confidential', alice);
    const narrow = await tokenRequest(ref, 'confidential', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string, scope: 'openid' });
    expect(narrow.status).toBe(200);
    expect(narrow.body.scope).toBe('openid');
    const full = await tokenRequest(ref, 'confidential', { grant_type: 'refresh_token', refresh_token: narrow.body.refresh_token as string });
    expect(full.body.scope).toBe('openid profile email groups api:read');
  });

  it('refuses a wider scope with invalid_scope, and the refresh token stays usable', async () => {
    const tokens = await tokensFor(ref, 'confidential', alice, { scope: 'openid profile' });
    const wider = await tokenRequest(ref, 'confidential', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string, scope: 'openid profile api:write' });
    expect(wider.status).toBe(400);
    expect(wider.body.error).toBe('invalid_scope');
    const same = await tokenRequest(ref, 'confidential', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string });
    expect(same.status).toBe(200);
  });

  it('refuses a refresh token presented by another client', async () => {
    const tokens = await tokensFor(ref, 'confidential', alice);
    const stolen = await tokenRequest(ref, 'opaque', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string });
    expect(stolen.body.error).toBe('invalid_grant');
  });
});
