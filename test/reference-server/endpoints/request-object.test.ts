/**
 * Request Objects (RFC 9101) at the reference's authorization endpoint, over real HTTP: a signed
 * object by value is taken and only its parameters are used; the ones §6.2, §6.3 and §10.5 rule
 * out are refused with invalid_request_object, redirected to the query's redirect_uri once that is
 * verified as registered (else shown as a page); a request_uri is fetched only when registered,
 * from a real loopback server, and refused (invalid_request_uri) when it answers anything but a JWT;
 * one pushed to /par (RFC 9126 §3) is verified there and its request_uri then taken at /authorize.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, generateKeyPair, importJWK } from 'jose';
import { startReferenceServer, type RunningReference } from '../../../reference-server/index.ts';
import { client, pkce, postForm } from '../support/oauth.ts';
import { redirectUri } from '../support/user-agent.ts';

let ref: RunningReference;
let objects: Server;
let objectsOrigin: string;
const served = new Map<string, { type: string; body: string }>();

beforeAll(async () => {
  ref = await startReferenceServer();
  objects = createServer((req, res) => {
    const entry = served.get(req.url ?? '');
    if (!entry) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': entry.type }).end(entry.body);
  });
  await new Promise<void>((resolve) => objects.listen(0, '127.0.0.1', resolve));
  objectsOrigin = `http://127.0.0.1:${(objects.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => objects.close(() => resolve()));
  await ref?.stop();
});

const jar = () => client(ref, 'jar');

function claims(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: jar().client_id, aud: ref.issuer, client_id: jar().client_id, response_type: 'code', redirect_uri: redirectUri,
    scope: 'openid', state: 'inside', code_challenge: pkce().challenge, code_challenge_method: 'S256', iat: now, exp: now + 60, ...extra,
  };
}

async function sign(payload: Record<string, unknown>, key?: Awaited<ReturnType<typeof importJWK>>, typ: string | undefined = 'oauth-authz-req+jwt'): Promise<string> {
  const jwk = jar().private_jwk!;
  return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid: jwk.kid, ...(typ === undefined ? {} : { typ }) }).sign(key ?? await importJWK(jwk, 'ES256'));
}

/** GET /authorize with these query parameters; the Location (or the page's status). */
async function authorize(query: Record<string, string>): Promise<{ status: number; location?: URL }> {
  const res = await fetch(`${ref.issuer}/authorize?${new URLSearchParams(query)}`, { redirect: 'manual' });
  await res.body?.cancel();
  const location = res.headers.get('location');
  return { status: res.status, location: location ? new URL(location, ref.issuer) : undefined };
}

const errorOf = (r: { location?: URL }) => r.location?.searchParams.get('error');

describe('a Request Object by value', () => {
  it('is advertised in the metadata with the algorithms it is verified with', async () => {
    const m = (await (await fetch(`${ref.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(m).toMatchObject({ request_parameter_supported: true, request_uri_parameter_supported: true, require_request_uri_registration: true });
    expect(m.request_object_signing_alg_values_supported).not.toContain('none');
  });

  it('signed with the client\'s key is taken, and its parameters alone are used (RFC 9101 §6.3)', async () => {
    const r = await authorize({ client_id: jar().client_id, state: 'outside', redirect_uri: 'https://attacker.example/cb', request: await sign(claims()) });
    expect(r.status).toBe(303);
    expect(r.location!.pathname).toMatch(/^\/interaction\//);
  });

  it.each([[undefined], ['JWT'], ['application/oauth-authz-req+jwt']])('typed %s is taken (RFC 9101 §4 only recommends oauth-authz-req+jwt)', async (typ) => {
    const r = await authorize({ client_id: jar().client_id, request: await sign(claims(), undefined, typ) });
    expect(r.status).toBe(303);
    expect(r.location!.pathname).toMatch(/^\/interaction\//);
  });

  it.each([
    ['signed by another key with the client\'s kid', async () => sign(claims(), (await generateKeyPair('ES256')).privateKey)],
    ['naming another client_id', async () => sign(claims({ client_id: 'public' }))],
    ['with another iss', async () => sign(claims({ iss: 'public' }))],
    ['for another audience', async () => sign(claims({ aud: 'https://other.example' }))],
    ['expired', async () => sign(claims({ iat: 1_000, exp: 2_000 }))],
    ['unsigned (alg none)', async () => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.`],
    ['holding a request_uri', async () => sign(claims({ request_uri: `${objectsOrigin}/x.jwt` }))],
    ['that is not a JWT', async () => 'not-a-jwt'],
    ['typed as another kind of JWT (a DPoP proof)', async () => sign(claims(), undefined, 'dpop+jwt')],
  ])('%s is refused with invalid_request_object, redirected to the verified redirect_uri with the query\'s state', async (_name, make) => {
    const r = await authorize({ client_id: jar().client_id, redirect_uri: redirectUri, state: 'outside', request: await make() });
    expect(r.status).toBe(303);
    expect(r.location!.href.startsWith(redirectUri)).toBe(true);
    expect(errorOf(r)).toBe('invalid_request_object');
    expect(r.location!.searchParams.get('state')).toBe('outside');
  });

  it('that is bad, beside a redirect_uri the client never registered, is a page: nothing is redirected', async () => {
    const r = await authorize({ client_id: jar().client_id, redirect_uri: 'https://attacker.example/cb', request: 'not-a-jwt' });
    expect(r.status).toBe(400);
  });

  it('is required of a client registered with require_signed_request_object: a plain request is refused (RFC 9101 §10.5)', async () => {
    const r = await authorize({ client_id: jar().client_id, response_type: 'code', redirect_uri: redirectUri, scope: 'openid', state: 's', code_challenge: pkce().challenge, code_challenge_method: 'S256' });
    expect(errorOf(r)).toBe('invalid_request');
  });

  it('and a request_uri together are refused', async () => {
    const r = await authorize({ client_id: jar().client_id, redirect_uri: redirectUri, request: await sign(claims()), request_uri: `${objectsOrigin}/x.jwt` });
    expect(errorOf(r)).toBe('invalid_request');
  });
});

describe('a Request Object by reference', () => {
  /** A public client registered with this request_uri (RFC 7591) and the jar client's public key. */
  async function registerFor(requestUri: string): Promise<string> {
    const { d: _d, ...publicJwk } = jar().private_jwk!;
    const res = await fetch(`${ref.issuer}/register`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [redirectUri], token_endpoint_auth_method: 'none', jwks: { keys: [publicJwk] }, request_uris: [requestUri], require_signed_request_object: true }),
    });
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status, JSON.stringify(body)).toBe(201);
    return body.client_id as string;
  }

  it('at a registered request_uri is fetched and taken', async () => {
    const clientId = await registerFor(`${objectsOrigin}/good.jwt`);
    served.set('/good.jwt', { type: 'application/oauth-authz-req+jwt', body: await sign(claims({ iss: clientId, client_id: clientId })) });
    const r = await authorize({ client_id: clientId, request_uri: `${objectsOrigin}/good.jwt` });
    expect(r.status).toBe(303);
    expect(r.location!.pathname).toMatch(/^\/interaction\//);
  });

  it('at a request_uri the client never registered is not fetched: invalid_request_uri', async () => {
    served.set('/unregistered.jwt', { type: 'application/oauth-authz-req+jwt', body: await sign(claims()) });
    const r = await authorize({ client_id: jar().client_id, redirect_uri: redirectUri, request_uri: `${objectsOrigin}/unregistered.jwt` });
    expect(errorOf(r)).toBe('invalid_request_uri');
  });

  it('answered as text/html, or not found, is invalid_request_uri', async () => {
    const clientId = await registerFor(`${objectsOrigin}/html.jwt`);
    served.set('/html.jwt', { type: 'text/html', body: '<p>hello</p>' });
    expect(errorOf(await authorize({ client_id: clientId, redirect_uri: redirectUri, request_uri: `${objectsOrigin}/html.jwt` }))).toBe('invalid_request_uri');
    const missing = await registerFor(`${objectsOrigin}/missing.jwt`);
    expect(errorOf(await authorize({ client_id: missing, redirect_uri: redirectUri, request_uri: `${objectsOrigin}/missing.jwt` }))).toBe('invalid_request_uri');
  });

  it('can be registered only as https or loopback http (RFC 9101 §10.4.1)', async () => {
    const res = await fetch(`${ref.issuer}/register`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [redirectUri], token_endpoint_auth_method: 'none', request_uris: ['http://intranet.example/objects.jwt'] }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_client_metadata' });
  });
});

describe('a Request Object pushed (RFC 9126 §3)', () => {
  /** POST /par as the jar client, authenticated with a private_key_jwt assertion (RFC 7523 §2.2). */
  async function pushAsJar(fields: Record<string, string>) {
    const jwk = jar().private_jwk!;
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({ iss: jar().client_id, sub: jar().client_id, aud: ref.issuer, jti: crypto.randomUUID(), iat: now, exp: now + 60 })
      .setProtectedHeader({ alg: 'ES256', kid: jwk.kid }).sign(await importJWK(jwk, 'ES256'));
    return postForm(`${ref.issuer}/par`, {
      client_id: jar().client_id, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion, ...fields,
    });
  }

  it('is verified at the push, and its request_uri is then taken at /authorize', async () => {
    const pushed = await pushAsJar({ request: await sign(claims()) });
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(201);
    const r = await authorize({ client_id: jar().client_id, request_uri: pushed.body.request_uri as string });
    expect(r.status).toBe(303);
    expect(r.location!.pathname).toMatch(/^\/interaction\//);
  });

  it('that is bad is refused at the push with invalid_request_object, in JSON', async () => {
    const pushed = await pushAsJar({ request: await sign(claims({ client_id: 'public' })) });
    expect(pushed.status).toBe(400);
    expect(pushed.body.error).toBe('invalid_request_object');
  });

  it('is required of a client with require_signed_request_object: a plain pushed request is refused (RFC 9101 §10.5)', async () => {
    const { iss: _iss, aud: _aud, iat: _iat, exp: _exp, ...plain } = claims();
    const pushed = await pushAsJar(Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, String(v)])));
    expect(pushed.status).toBe(400);
    expect(pushed.body.error).toBe('invalid_request');
  });
});
