/**
 * The registered-app-jwt flow of drawing 001, for real: the sample web application (the
 * drawing's "Resource server") on loopback registers itself at the reference server (0), a
 * Chromium opens it (1) and is redirected to the authorization server (2-3), signs in by LDAP
 * and consents, comes back to the app's callback (4-5), and the app validates the JWT access
 * token against the JWKS before it serves the resource. Also its refusals: tokens it cannot
 * validate, a wrong state or iss, a denied consent; and form_post, and deregistration at stop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSampleApp, type SampleApp } from '../../actors/sample-app/index.ts';
import { user } from '../reference-server/support/oauth.ts';
import { tokensFor } from '../reference-server/support/flows.ts';
import { answerConsent, errorPageCode, signIn } from '../reference-server/support/browser.ts';
import { useReferenceAndBrowser } from '../reference-server/support/reference-and-browser.ts';

const shared = useReferenceAndBrowser();
let app: SampleApp;

// Registered after the shared hooks: the app starts once the server is up and stops first.
beforeAll(async () => {
  app = await startSampleApp({ issuer: shared.ref.issuer, audience: shared.ref.resourceServer });
});
afterAll(async () => {
  await app?.stop();
});

async function bearer(token: string): Promise<{ status: number; body: Record<string, unknown>; challenge: string | null }> {
  const response = await fetch(`${app.url}/api/resource`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, challenge: response.headers.get('www-authenticate') };
}

describe('0. register application', () => {
  it('registered itself at start, and reports it on /status', async () => {
    expect(app.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(app.clientId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(app.registrationClientUri).toBe(`${shared.ref.issuer}/register/${app.clientId}`);
    const status = (await (await fetch(`${app.url}/status`)).json()) as ReturnType<SampleApp['status']>;
    expect(status.registration).toMatchObject({ client_id: app.clientId, token_endpoint_auth_method: 'client_secret_basic', redirect_uris: [`${app.url}/callback`], grant_types: ['authorization_code'] });
    expect(status.issuer).toBe(shared.ref.issuer);
    // The authorization server knows the client and its redirect URI: it starts a sign-in for it.
    const authorize = await fetch(`${shared.ref.issuer}/authorize?${new URLSearchParams({ client_id: app.clientId, redirect_uri: app.redirectUri, response_type: 'code', scope: 'api:read' })}`, { redirect: 'manual' });
    expect(authorize.status).toBe(303);
    expect(authorize.headers.get('location')).toMatch(/^\/interaction\//);
  });
});

describe('1-5. the browser flow', () => {
  it('sends the browser to the AS, takes it back to the callback, validates the JWT locally, then serves the resource', async () => {
    const before = app.status().validations.length;
    const context = await shared.browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(app.url);
      const sessionCookie = async () => (await context.cookies(app.url)).find((c) => c.name === 'nauthera_sample_session')?.value;
      const sessionBefore = await sessionCookie();
      // 2-3. redirected to the authorization server, with this app's client_id, PKCE S256 and state.
      expect(new URL(page.url()).origin).toBe(shared.ref.issuer);
      await signIn(page, user(shared.ref, 'user'));
      await answerConsent(page, 'Allow');
      // 4-5. back at the app, which served the resource after validating the token.
      await page.getByRole('heading', { name: 'Protected resource' }).waitFor();
      expect(new URL(page.url()).href).toBe(`${app.url}/`);
      // A new session id once signed in (session fixation).
      expect(sessionBefore).toBeTruthy();
      expect(await sessionCookie()).not.toBe(sessionBefore);
      const sub = await page.locator('#sub').textContent();
      expect(await page.locator('#client-id').textContent()).toBe(app.clientId);
      expect(await page.locator('#scope').textContent()).toBe('api:read');

      const validations = app.status().validations.slice(before);
      expect(validations).toHaveLength(1);
      expect(validations[0]).toMatchObject({ via: 'callback', valid: true, header: { typ: 'at+jwt' }, claims: { iss: shared.ref.issuer, aud: shared.ref.resourceServer, client_id: app.clientId, sub, scope: 'api:read' } });
      expect(['ES256', 'RS256']).toContain(validations[0]!.header!.alg);
      const jwks = (await (await fetch(`${shared.ref.issuer}/jwks`)).json()) as { keys: Array<{ kid: string }> };
      expect(jwks.keys.map((k) => k.kid)).toContain(validations[0]!.header!.kid);

      // The session now holds the validated token: the next visit is served at once.
      const served = app.status().resourcesServed;
      await page.goto(app.url);
      await page.getByRole('heading', { name: 'Protected resource' }).waitFor();
      expect(app.status().resourcesServed).toBe(served + 1);
      expect(app.status().validations.length).toBe(before + 1);
    } finally {
      await context.close();
    }
  });

  it('serves nothing when bob, outside the consent group, is denied: it shows the access_denied error', async () => {
    const context = await shared.browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(app.url);
      await signIn(page, user(shared.ref, 'outsider'));
      const response = page.waitForResponse((r) => r.url().startsWith(`${app.url}/callback`));
      await answerConsent(page, 'Allow');
      expect((await response).status()).toBe(400);
      await expect(page.getByRole('alert').textContent()).resolves.toContain('access_denied');
      expect(await page.getByRole('heading', { name: 'Protected resource' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('refuses a callback whose state is not the one of this browser, or whose iss is another issuer', async () => {
    const context = await shared.browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(app.url);
      const wrongState = await page.goto(`${app.url}/callback?${new URLSearchParams({ code: 'x', state: 'forged', iss: shared.ref.issuer })}`);
      expect(wrongState?.status()).toBe(400);
      await expect(page.getByRole('alert').textContent()).resolves.toContain('state does not match');
      await page.goto(app.url);
      const wrongIss = await page.goto(`${app.url}/callback?${new URLSearchParams({ code: 'x', state: 'whatever', iss: 'https://attacker.example' })}`);
      expect(wrongIss?.status()).toBe(400);
      await expect(page.getByRole('alert').textContent()).resolves.toContain('iss');
      // A browser with no sign-in in progress at all.
      const fresh = await shared.browser.newContext();
      const stray = await (await fresh.newPage()).goto(`${app.url}/callback?code=x&state=y`);
      expect(stray?.status()).toBe(400);
      await fresh.close();
    } finally {
      await context.close();
    }
  });
});

describe('5. the resource server validates JWT access tokens', () => {
  it('accepts a valid access token of the AS for its audience', async () => {
    const tokens = await tokensFor(shared.ref, 'confidential', user(shared.ref, 'user'), { scope: 'openid api:read' });
    const { status, body } = await bearer(tokens.access_token as string);
    expect(status).toBe(200);
    expect(body).toMatchObject({ client_id: 'confidential', scope: 'openid api:read' });
    expect(app.status().validations.at(-1)).toMatchObject({ via: 'bearer', valid: true });
  });

  it('refuses alg none, a forged signature, an ID token, garbage, and no token at all, with 401 invalid_token', async () => {
    const tokens = await tokensFor(shared.ref, 'confidential', user(shared.ref, 'user'), { scope: 'openid api:read' });
    const real = tokens.access_token as string;
    const [header, payload] = real.split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${payload}.`;
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), scope: 'api:read api:write' })).toString('base64url')}.${real.split('.')[2]}`;
    const hs256 = `${Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'at+jwt' })).toString('base64url')}.${payload}.c2lnbmF0dXJl`;
    for (const [name, token, reason] of [
      ['alg none', none, 'alg none is not accepted'],
      ['alg HS256', hs256, 'alg HS256 is not accepted'],
      ['a changed payload', forged, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'],
      // Signed by the AS, but typ JWT, not at+jwt (RFC 9068 §4), and for another audience.
      ['an ID token', tokens.id_token as string, 'claim typ'],
      ['not a JWT', 'not-a-jwt', 'not a JWT'],
    ] as const) {
      const { status, body, challenge } = await bearer(token);
      expect(status, name).toBe(401);
      expect(body.error, name).toBe('invalid_token');
      expect(challenge, name).toContain('error="invalid_token"');
      expect(app.status().validations.at(-1), name).toMatchObject({ via: 'bearer', valid: false });
      expect(String(app.status().validations.at(-1)!.reason), name).toContain(reason);
    }
    const missing = await fetch(`${app.url}/api/resource`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="nauthera-sample-app"');
  });
});

describe('other modes and the end of the app', () => {
  it('works with response_mode=form_post, and deletes its registration when stopped (RFC 7592)', async () => {
    const formPostApp = await startSampleApp({ issuer: shared.ref.issuer, audience: shared.ref.resourceServer, responseMode: 'form_post', clientName: 'form_post sample app' });
    let stopped = false;
    const context = await shared.browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(formPostApp.url);
      await signIn(page, user(shared.ref, 'user'));
      const callback = page.waitForRequest((r) => r.url() === formPostApp.redirectUri);
      await answerConsent(page, 'Allow');
      expect((await callback).method()).toBe('POST');
      await page.getByRole('heading', { name: 'Protected resource' }).waitFor();
      expect(formPostApp.status().validations).toMatchObject([{ via: 'callback', valid: true }]);

      await formPostApp.stop();
      stopped = true;
      await page.goto(`${shared.ref.issuer}/authorize?${new URLSearchParams({ client_id: formPostApp.clientId, redirect_uri: formPostApp.redirectUri, response_type: 'code', scope: 'api:read' })}`);
      expect(await errorPageCode(page)).toBe('invalid_client');
    } finally {
      await context.close();
      if (!stopped) await formPostApp.stop();
    }
  });

  it('fails to start, with a clear error, when the registration is refused', async () => {
    await expect(startSampleApp({ issuer: shared.ref.issuer, audience: shared.ref.resourceServer, scope: 'openid admin' })).rejects.toThrow(/registration answered 400 invalid_client_metadata/);
    await expect(startSampleApp({ issuer: `${shared.ref.issuer}/nope`, audience: shared.ref.resourceServer })).rejects.toThrow(/discovery/);
  });
});
