/**
 * Tokens from the authorization endpoint, in a real Chromium against the reference server and
 * a real slapd: the implicit response types (RFC 6749 §4.2, OIDC Core §3.2) and the hybrid ones
 * (OIDC Core §3.3) in the fragment, with nonce, at_hash and c_hash; response_mode=form_post
 * (OAuth 2.0 Form Post Response Mode) as a self-submitting, escaped form; and their errors.
 * Every authorization asks prompt=consent, so each test signs in and consents in a fresh context.
 */
import { describe, expect, it } from 'vitest';
import { redirectUri } from '../support/user-agent.ts';
import { client, pkce, postForm, tokenRequest, user } from '../support/oauth.ts';
import { answerConsent, openVisit, signIn, type Callback, type Visit } from '../support/browser.ts';
import { leftHalfHash, readResource, userinfoStatus, verifyIdToken } from '../support/tokens.ts';
import { useReferenceAndBrowser } from '../support/reference-and-browser.ts';

const shared = useReferenceAndBrowser();

function authorizeUrl(params: Record<string, string>): string {
  return `${shared.ref.issuer}/authorize?${new URLSearchParams({ redirect_uri: redirectUri, state: 'st-fc', prompt: 'consent', ...params })}`;
}

/** Opens the authorization URL, signs alice in, allows, and returns what reached the client. */
async function authorizeAsAlice(params: Record<string, string>): Promise<{ callback: Callback; visit: Visit }> {
  const visit = await openVisit(shared.browser);
  const callback = visit.callback();
  await visit.open(authorizeUrl(params));
  await signIn(visit.page, user(shared.ref, 'user'));
  await answerConsent(visit.page, 'Allow');
  return { callback: await callback, visit };
}

/** Opens an authorization URL that fails before sign-in, and returns the error response. */
async function authorizeExpectingError(params: Record<string, string>): Promise<Callback> {
  const visit = await openVisit(shared.browser);
  try {
    const callback = visit.callback();
    await visit.open(authorizeUrl(params));
    return await callback;
  } finally {
    await visit.close();
  }
}

describe('discovery', () => {
  it('advertises the implicit and hybrid response types, form_post and the implicit grant', async () => {
    const metadata = (await (await fetch(`${shared.ref.issuer}/.well-known/openid-configuration`)).json()) as Record<string, string[]>;
    expect(metadata.response_types_supported).toEqual(expect.arrayContaining(['code', 'token', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token']));
    expect(metadata.response_modes_supported).toEqual(expect.arrayContaining(['query', 'fragment', 'form_post']));
    expect(metadata.grant_types_supported).toContain('implicit');
  });
});

describe('implicit', () => {
  it('response_type token: the access token comes in the fragment, with state and iss and without a refresh token, and the resource server accepts it', async () => {
    const { callback, visit } = await authorizeAsAlice({ client_id: 'implicit', response_type: 'token', scope: 'api:read' });
    try {
      expect(callback.via).toBe('fragment');
      expect(callback.url.search).toBe('');
      const p = callback.params;
      expect(p.get('token_type')).toBe('Bearer');
      expect(Number(p.get('expires_in'))).toBeGreaterThan(0);
      expect(p.get('scope')).toBe('api:read');
      expect(p.get('state')).toBe('st-fc');
      expect(p.get('iss')).toBe(shared.ref.issuer);
      // RFC 6749 §4.2.2: no refresh token from the authorization endpoint.
      expect(p.has('refresh_token')).toBe(false);
      expect(p.has('code')).toBe(false);
      expect(await readResource(shared.ref, p.get('access_token')!)).toBe(200);
    } finally {
      await visit.close();
    }
  });

  it('response_type id_token token: the ID token carries the nonce and the at_hash of the access token', async () => {
    const { callback, visit } = await authorizeAsAlice({ client_id: 'implicit', response_type: 'id_token token', scope: 'openid profile', nonce: 'n-implicit' });
    try {
      const p = callback.params;
      const claims = await verifyIdToken(shared.ref, p.get('id_token')!, 'implicit');
      expect(claims.nonce).toBe('n-implicit');
      expect(claims.at_hash).toBe(leftHalfHash(p.get('access_token')!));
      expect(claims.c_hash).toBeUndefined();
      // Claims of profile come from UserInfo when there is an access token (OIDC Core §5.4).
      expect(claims.name).toBeUndefined();
      const userinfo = await fetch(`${shared.ref.issuer}/userinfo`, { headers: { authorization: `Bearer ${p.get('access_token')}` } });
      expect(((await userinfo.json()) as { sub: string }).sub).toBe(claims.sub);
    } finally {
      await visit.close();
    }
  });

  it('response_type id_token: no access token, so the claims of the scopes are in the ID token', async () => {
    const { callback, visit } = await authorizeAsAlice({ client_id: 'implicit', response_type: 'id_token', scope: 'openid profile email', nonce: 'n-only' });
    try {
      const p = callback.params;
      expect(p.has('access_token')).toBe(false);
      const claims = await verifyIdToken(shared.ref, p.get('id_token')!, 'implicit');
      expect(claims).toMatchObject({ nonce: 'n-only', name: 'Alice Liddell', email: 'alice@nauthera.test' });
      expect(claims.at_hash).toBeUndefined();
    } finally {
      await visit.close();
    }
  });

  it.each([
    ['nonce is missing with an ID token', { client_id: 'implicit', response_type: 'id_token token', scope: 'openid' }, 'invalid_request', /nonce/],
    ['id_token without the openid scope', { client_id: 'implicit', response_type: 'id_token token', scope: 'api:read', nonce: 'n' }, 'invalid_scope', /openid/],
    ['response_mode=query for tokens', { client_id: 'implicit', response_type: 'token', scope: 'api:read', response_mode: 'query' }, 'invalid_request', /query/],
    ['implicit is off by default: a code client asks for a token', { client_id: 'confidential', response_type: 'token', scope: 'api:read' }, 'unauthorized_client', /token/],
    ['a code-only client asks for a hybrid type', { client_id: 'confidential', response_type: 'code id_token', scope: 'openid', nonce: 'n' }, 'unauthorized_client', /code id_token/],
  ])('refuses %s, in the fragment, with state and iss', async (_name, params, error, description) => {
    const callback = await authorizeExpectingError(params);
    expect(callback.via).toBe('fragment');
    expect(callback.params.get('error')).toBe(error);
    expect(callback.params.get('error_description')).toMatch(description);
    expect(callback.params.get('state')).toBe('st-fc');
    expect(callback.params.get('iss')).toBe(shared.ref.issuer);
    expect(callback.params.has('access_token')).toBe(false);
  });
});

describe('hybrid', () => {
  it('code id_token: the ID token has c_hash and nonce; the code is exchanged for tokens', async () => {
    const { challenge, verifier } = pkce();
    const { callback, visit } = await authorizeAsAlice({ client_id: 'hybrid', response_type: 'code id_token', scope: 'openid api:read', nonce: 'n-hybrid', code_challenge: challenge, code_challenge_method: 'S256' });
    try {
      const p = callback.params;
      expect(callback.via).toBe('fragment');
      const code = p.get('code')!;
      const front = await verifyIdToken(shared.ref, p.get('id_token')!, 'hybrid');
      expect(front.c_hash).toBe(leftHalfHash(code));
      expect(front.nonce).toBe('n-hybrid');
      expect(front.at_hash).toBeUndefined();
      expect(p.has('access_token')).toBe(false);
      const tokens = await tokenRequest(shared.ref, 'hybrid', { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier });
      expect(tokens.status).toBe(200);
      const back = await verifyIdToken(shared.ref, tokens.body.id_token as string, 'hybrid');
      expect(back.sub).toBe(front.sub);
      expect(back.nonce).toBe('n-hybrid');
      expect(tokens.body.refresh_token).toBeTruthy();
    } finally {
      await visit.close();
    }
  });

  it('code token: a code and an access token of one grant, so reusing the code revokes the front-channel token too', async () => {
    const { callback, visit } = await authorizeAsAlice({ client_id: 'hybrid', response_type: 'code token', scope: 'openid api:read' });
    try {
      const p = callback.params;
      const frontToken = p.get('access_token')!;
      expect(p.get('token_type')).toBe('Bearer');
      expect(p.has('id_token')).toBe(false);
      expect(await userinfoStatus(shared.ref, frontToken)).toBe(200);
      const first = await tokenRequest(shared.ref, 'hybrid', { grant_type: 'authorization_code', code: p.get('code')!, redirect_uri: redirectUri });
      expect(first.status).toBe(200);
      const again = await tokenRequest(shared.ref, 'hybrid', { grant_type: 'authorization_code', code: p.get('code')!, redirect_uri: redirectUri });
      expect(again.body.error).toBe('invalid_grant');
      expect(await userinfoStatus(shared.ref, frontToken)).toBe(401);
      expect(await userinfoStatus(shared.ref, first.body.access_token as string)).toBe(401);
    } finally {
      await visit.close();
    }
  });

  it('code id_token token: the ID token has both c_hash and at_hash', async () => {
    const { callback, visit } = await authorizeAsAlice({ client_id: 'hybrid', response_type: 'code id_token token', scope: 'openid', nonce: 'n-all' });
    try {
      const p = callback.params;
      const claims = await verifyIdToken(shared.ref, p.get('id_token')!, 'hybrid');
      expect(claims.c_hash).toBe(leftHalfHash(p.get('code')!));
      expect(claims.at_hash).toBe(leftHalfHash(p.get('access_token')!));
      expect(claims.nonce).toBe('n-all');
    } finally {
      await visit.close();
    }
  });

  it('refuses code id_token without a nonce', async () => {
    const callback = await authorizeExpectingError({ client_id: 'hybrid', response_type: 'code id_token', scope: 'openid' });
    expect(callback.params.get('error')).toBe('invalid_request');
    expect(callback.params.has('code')).toBe(false);
  });
});

describe('response_mode=form_post', () => {
  it('posts the code to the redirect_uri from a self-submitting form whose only script is allowed by its hash', async () => {
    const { challenge, verifier } = pkce();
    const { callback, visit } = await authorizeAsAlice({ client_id: 'confidential', response_type: 'code', scope: 'openid', response_mode: 'form_post', code_challenge: challenge, code_challenge_method: 'S256' });
    try {
      expect(callback.via).toBe('form_post');
      expect(callback.url.href).toBe(redirectUri);
      expect(callback.params.get('state')).toBe('st-fc');
      expect(callback.params.get('iss')).toBe(shared.ref.issuer);
      const tokens = await tokenRequest(shared.ref, 'confidential', { grant_type: 'authorization_code', code: callback.params.get('code')!, redirect_uri: redirectUri, code_verifier: verifier });
      expect(tokens.status).toBe(200);
    } finally {
      await visit.close();
    }
  });

  it('posts implicit and hybrid tokens in the body, so none is left in the address bar', async () => {
    for (const [role, responseType] of [['implicit', 'id_token token'], ['hybrid', 'code id_token token']] as const) {
      const { callback, visit } = await authorizeAsAlice({ client_id: role, response_type: responseType, scope: 'openid', nonce: `n-${role}`, response_mode: 'form_post' });
      try {
        expect(callback.via, role).toBe('form_post');
        expect(callback.url.hash).toBe('');
        const claims = await verifyIdToken(shared.ref, callback.params.get('id_token')!, role);
        expect(claims.at_hash).toBe(leftHalfHash(callback.params.get('access_token')!));
        expect(visit.page.url()).not.toContain('access_token');
      } finally {
        await visit.close();
      }
    }
  });

  it('escapes what it echoes: a hostile state comes back byte for byte, and the page holds no markup from it', async () => {
    const state = `"><script>document.title='pwned'</script><input name='x' value='&amp;`;
    const params = { client_id: 'implicit', response_type: 'id_token token', scope: 'openid', response_mode: 'form_post', state };
    // The missing nonce makes this an error response, posted before any sign-in.
    const page = await fetch(`${shared.ref.issuer}/authorize?${new URLSearchParams({ redirect_uri: redirectUri, ...params })}`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/]+=*'/);
    expect(csp).not.toContain('unsafe-inline');
    const html = await page.text();
    expect(html).not.toContain('<script>document.title');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;');
    expect(html.match(/<script>/g)).toHaveLength(1);

    const callback = await authorizeExpectingError(params);
    expect(callback.via).toBe('form_post');
    expect(callback.params.get('state')).toBe(state);
    expect(callback.params.get('error')).toBe('invalid_request');
    expect([...callback.params.keys()].sort()).toEqual(['error', 'error_description', 'iss', 'state']);
  });

  it('answers an unsupported response_mode with invalid_request', async () => {
    const response = await fetch(`${shared.ref.issuer}/authorize?${new URLSearchParams({ client_id: 'confidential', redirect_uri: redirectUri, response_type: 'code', scope: 'openid', response_mode: 'form_post.jwt', code_challenge: pkce().challenge, code_challenge_method: 'S256' })}`, { redirect: 'manual' });
    const location = new URL(response.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('invalid_request');
  });
});

describe('implicit tokens and revocation', () => {
  it('withdrawing consent revokes an implicit access token (it belongs to a remembered grant)', async () => {
    const { callback, visit } = await authorizeAsAlice({ client_id: 'implicit', response_type: 'token', scope: 'openid api:read' });
    try {
      const token = callback.params.get('access_token')!;
      expect(await userinfoStatus(shared.ref, token)).toBe(200);
      // The account page in a tab of its own, with alice's session: the first tab may still be
      // settling on the browser's error page for the client's unresolvable host.
      const account = await visit.context.newPage();
      await account.goto(`${shared.ref.issuer}/account/consents`);
      await account.getByRole('button', { name: 'Revoke Implicit client' }).click();
      await account.getByRole('heading', { name: 'Applications you allowed' }).waitFor();
      expect(await userinfoStatus(shared.ref, token)).toBe(401);
      // The public implicit client cannot introspect; the resource server's own credentials can.
      const rs = client(shared.ref, 'resource-server');
      const introspection = await postForm(`${shared.ref.issuer}/introspect`, { token }, { clientId: rs.client_id, secret: rs.client_secret! });
      expect(introspection.body.active).toBe(false);
    } finally {
      await visit.close();
    }
  });
});
