/**
 * The end-session endpoint (OpenID Connect RP-Initiated Logout 1.0) on real HTTP, with the
 * user signed in against the real directory: a hint for the signed-in user ends the session and
 * redirects to the registered post_logout_redirect_uri with state; an unregistered one gets an
 * error page, never a redirect; without a hint the user is asked; afterwards prompt=none gets
 * login_required.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer, type RunningReference } from '../../../reference-server/index.ts';
import { defaultPostLogoutRedirectUri } from '../../../reference-server/config/default.ts';
import { user } from '../support/oauth.ts';
import { tokensFor } from '../support/flows.ts';
import { authorize, CookieJar, hiddenField, redirectUri } from '../support/user-agent.ts';

let ref: RunningReference;
beforeAll(async () => {
  ref = await startReferenceServer();
});
afterAll(async () => {
  await ref?.stop();
});

async function signedIn(): Promise<{ jar: CookieJar; idToken: string }> {
  const jar = new CookieJar();
  const tokens = await tokensFor(ref, 'confidential', user(ref, 'user'), { jar, scope: 'openid' });
  return { jar, idToken: tokens.id_token as string };
}

async function endSession(jar: CookieJar, params: Record<string, string>, method: 'GET' | 'POST' = 'GET'): Promise<Response> {
  const url = `${ref.issuer}/session/end`;
  const init: RequestInit = { redirect: 'manual', headers: { cookie: jar.header() } };
  const response = method === 'GET'
    ? await fetch(`${url}?${new URLSearchParams(params)}`, init)
    : await fetch(url, { ...init, method: 'POST', headers: { ...init.headers, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params) });
  jar.capture(response);
  return response;
}

async function promptNone(jar: CookieJar): Promise<string | null | undefined> {
  const outcome = await authorize(ref, { client_id: 'confidential', redirect_uri: redirectUri, response_type: 'code', scope: 'openid', state: 's', prompt: 'none', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' }, { jar });
  return outcome.response?.get('error');
}

describe('end-session endpoint', () => {
  it('is in discovery', async () => {
    const metadata = await (await fetch(`${ref.issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
    expect(metadata.end_session_endpoint).toBe(`${ref.issuer}/session/end`);
  });

  it('with a hint for the signed-in user: ends the session and redirects to the registered URI with state', async () => {
    const { jar, idToken } = await signedIn();
    expect(await promptNone(jar)).toBeNull();
    const response = await endSession(jar, { id_token_hint: idToken, post_logout_redirect_uri: defaultPostLogoutRedirectUri, state: 'st-1' });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(defaultPostLogoutRedirectUri);
    expect(location.searchParams.get('state')).toBe('st-1');
    expect(await promptNone(jar)).toBe('login_required');
  });

  it('does not redirect to an unregistered post_logout_redirect_uri, nor end the session', async () => {
    const { jar, idToken } = await signedIn();
    const response = await endSession(jar, { id_token_hint: idToken, post_logout_redirect_uri: `${defaultPostLogoutRedirectUri}/other`, state: 'st-2' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('invalid_request');
    expect(await promptNone(jar)).toBeNull();
  });

  it('refuses a hint it did not sign', async () => {
    const { jar, idToken } = await signedIn();
    const [h, p] = idToken.split('.');
    const response = await endSession(jar, { id_token_hint: `${h}.${p}.AAAA`, post_logout_redirect_uri: defaultPostLogoutRedirectUri });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it('registers post_logout_redirect_uris (RFC 7591) and refuses one with a fragment', async () => {
    const register = (uris: unknown) => fetch(`${ref.issuer}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: [redirectUri], token_endpoint_auth_method: 'none', post_logout_redirect_uris: uris }) });
    const ok = await register([defaultPostLogoutRedirectUri]);
    expect(ok.status).toBe(201);
    expect((await ok.json() as Record<string, unknown>).post_logout_redirect_uris).toEqual([defaultPostLogoutRedirectUri]);
    const bad = await register([`${defaultPostLogoutRedirectUri}#x`]);
    expect(bad.status).toBe(400);
    expect((await bad.json() as Record<string, unknown>).error).toBe('invalid_client_metadata');
  });

  it('without a hint asks the user, and a confirmation without the CSRF token does not end the session', async () => {
    const { jar } = await signedIn();
    const page = await (await endSession(jar, { client_id: 'confidential', post_logout_redirect_uri: defaultPostLogoutRedirectUri, state: 'st-3' })).text();
    expect(page).toContain('id="logout-confirm"');
    expect(await promptNone(jar)).toBeNull();
    const forged = await endSession(jar, { client_id: 'confidential', post_logout_redirect_uri: defaultPostLogoutRedirectUri, logout: 'yes' }, 'POST');
    expect(forged.status).toBe(200);
    expect(await promptNone(jar)).toBeNull();
    const confirmed = await endSession(jar, { client_id: 'confidential', post_logout_redirect_uri: defaultPostLogoutRedirectUri, state: 'st-3', logout: 'yes', csrf: hiddenField(page, 'csrf')! }, 'POST');
    expect(confirmed.status).toBe(302);
    expect(new URL(confirmed.headers.get('location')!).searchParams.get('state')).toBe('st-3');
    expect(await promptNone(jar)).toBe('login_required');
  });
});
