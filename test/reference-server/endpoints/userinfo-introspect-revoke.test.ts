/**
 * UserInfo (OIDC Core §5.3, bearer per RFC 6750 §2.1/§2.2), introspection (RFC 7662) and
 * revocation (RFC 7009), including who may see and revoke which token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer, type RunningReference } from '../../../reference-server/index.ts';
import { client, postForm, tokenRequest, user } from '../support/oauth.ts';
import { tokensFor } from '../support/flows.ts';

let ref: RunningReference;
let alice: Record<string, unknown>;
let narrow: Record<string, unknown>;

beforeAll(async () => {
  ref = await startReferenceServer();
  alice = await tokensFor(ref, 'confidential', user(ref, 'user'));
  narrow = await tokensFor(ref, 'confidential', user(ref, 'user'), { scope: 'openid' });
});
afterAll(async () => {
  await ref?.stop();
});

function as(role: string): { clientId: string; secret: string } {
  const c = client(ref, role);
  return { clientId: c.client_id, secret: c.client_secret! };
}

describe('userinfo', () => {
  it('answers GET with the bearer header', async () => {
    const response = await fetch(`${ref.issuer}/userinfo`, { headers: { authorization: `Bearer ${alice.access_token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toMatchObject({ preferred_username: 'alice', email: 'alice@nauthera.test' });
  });

  it('answers POST with the bearer header and with the token in the form body', async () => {
    const header = await fetch(`${ref.issuer}/userinfo`, { method: 'POST', headers: { authorization: `Bearer ${alice.access_token}` } });
    expect(header.status).toBe(200);
    const body = await postForm(`${ref.issuer}/userinfo`, { access_token: alice.access_token as string });
    expect(body.status).toBe(200);
    expect(body.body.preferred_username).toBe('alice');
  });

  it('releases only the claims of the granted scopes', async () => {
    const response = await fetch(`${ref.issuer}/userinfo`, { headers: { authorization: `Bearer ${narrow.access_token}` } });
    expect(Object.keys((await response.json()) as object)).toEqual(['sub']);
  });

  it('refuses a token in both the header and the body', async () => {
    const response = await postForm(`${ref.issuer}/userinfo`, { access_token: alice.access_token as string }, `Bearer ${alice.access_token}`);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_request');
  });

  it('answers no token with 401 and a bare Bearer challenge (RFC 6750 §3.1)', async () => {
    const response = await fetch(`${ref.issuer}/userinfo?access_token=${alice.access_token}`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="nauthera"');
  });

  it('answers an invalid token with 401 invalid_token', async () => {
    const response = await fetch(`${ref.issuer}/userinfo`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="nauthera", error="invalid_token"/);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_token');
  });

  it('answers a token without openid (client credentials) with 403 insufficient_scope', async () => {
    const service = await tokenRequest(ref, 'service', { grant_type: 'client_credentials' });
    const response = await fetch(`${ref.issuer}/userinfo`, { headers: { authorization: `Bearer ${service.body.access_token}` } });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
  });
});

describe('introspection', () => {
  it('tells the resource server about a JWT access token', async () => {
    const response = await postForm(`${ref.issuer}/introspect`, { token: alice.access_token as string }, as('resource-server'));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ active: true, token_type: 'Bearer', client_id: 'confidential', scope: 'openid profile email groups api:read', iss: ref.issuer, aud: ref.resourceServer });
    expect(response.body.exp).toBeGreaterThan(Date.now() / 1000);
  });

  it('tells a client about its own refresh token', async () => {
    const response = await postForm(`${ref.issuer}/introspect`, { token: alice.refresh_token as string, token_type_hint: 'refresh_token' }, as('confidential'));
    expect(response.body).toMatchObject({ active: true, token_type: 'refresh_token', client_id: 'confidential' });
  });

  it('answers active:false for another client\'s token, an unknown token and a made-up JWT', async () => {
    expect((await postForm(`${ref.issuer}/introspect`, { token: alice.access_token as string }, as('opaque'))).body).toEqual({ active: false });
    expect((await postForm(`${ref.issuer}/introspect`, { token: 'nothing' }, as('resource-server'))).body).toEqual({ active: false });
    expect((await postForm(`${ref.issuer}/introspect`, { token: 'eyJhbGciOiJub25lIn0.eyJqdGkiOiJ4In0.' }, as('resource-server'))).body).toEqual({ active: false });
  });

  it('refuses public clients and unauthenticated callers with 401 invalid_client', async () => {
    const pub = await postForm(`${ref.issuer}/introspect`, { token: alice.access_token as string, client_id: 'public' });
    expect(pub.status).toBe(401);
    expect(pub.body.error).toBe('invalid_client');
    expect((await postForm(`${ref.issuer}/introspect`, { token: alice.access_token as string })).status).toBe(401);
  });

  it('answers a missing token parameter with invalid_request', async () => {
    const response = await postForm(`${ref.issuer}/introspect`, {}, as('resource-server'));
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_request');
  });
});

describe('revocation', () => {
  it('revokes an access token: 200, then inactive', async () => {
    const tokens = await tokensFor(ref, 'opaque', user(ref, 'user'));
    const response = await postForm(`${ref.issuer}/revoke`, { token: tokens.access_token as string, token_type_hint: 'access_token' }, as('opaque'));
    expect(response.status).toBe(200);
    expect((await postForm(`${ref.issuer}/introspect`, { token: tokens.access_token as string }, as('resource-server'))).body.active).toBe(false);
    expect((await postForm(`${ref.issuer}/introspect`, { token: tokens.refresh_token as string }, as('opaque'))).body.active).toBe(true);
  });

  it('revokes a refresh token with every access token of its grant (RFC 7009 §2.1)', async () => {
    const tokens = await tokensFor(ref, 'confidential', user(ref, 'user'));
    expect((await postForm(`${ref.issuer}/revoke`, { token: tokens.refresh_token as string }, as('confidential'))).status).toBe(200);
    expect((await postForm(`${ref.issuer}/introspect`, { token: tokens.access_token as string }, as('resource-server'))).body.active).toBe(false);
    expect((await tokenRequest(ref, 'confidential', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string })).body.error).toBe('invalid_grant');
  });

  it('lets a public client revoke its own token with its client_id', async () => {
    const tokens = await tokensFor(ref, 'public', user(ref, 'user'));
    const response = await postForm(`${ref.issuer}/revoke`, { token: tokens.refresh_token as string, client_id: 'public' });
    expect(response.status).toBe(200);
    expect((await tokenRequest(ref, 'public', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string })).body.error).toBe('invalid_grant');
  });

  it('answers 200 for an unknown token (RFC 7009 §2.2)', async () => {
    expect((await postForm(`${ref.issuer}/revoke`, { token: 'unknown' }, as('confidential'))).status).toBe(200);
  });

  it('refuses to revoke another client\'s token, which stays active', async () => {
    const tokens = await tokensFor(ref, 'confidential', user(ref, 'user'));
    const response = await postForm(`${ref.issuer}/revoke`, { token: tokens.access_token as string }, as('opaque'));
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_request');
    expect((await postForm(`${ref.issuer}/introspect`, { token: tokens.access_token as string }, as('resource-server'))).body.active).toBe(true);
  });

  it('refuses an unauthenticated caller with 401 invalid_client', async () => {
    const response = await postForm(`${ref.issuer}/revoke`, { token: alice.access_token as string });
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('invalid_client');
  });
});
