/**
 * Pushed authorization requests (RFC 9126) against the reference server, over real HTTP with a
 * real slapd, and the browser leg in a real Chromium: the push with client authentication, a
 * request_uri that is single use, bound to its client and short-lived, the per-client
 * require_pushed_authorization_requests, and the errors of the PAR endpoint in JSON.
 * (Expiry and the server-wide flag need their own config: config-variants.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { redirectUri } from '../support/user-agent.ts';
import { client, pkce, postForm, tokenRequest, user, type JsonResponse } from '../support/oauth.ts';
import { answerConsent, errorPageCode, openVisit, signIn } from '../support/browser.ts';
import { useReferenceAndBrowser } from '../support/reference-and-browser.ts';

const shared = useReferenceAndBrowser();

/** POST /par as the par client (client_secret_basic), or as another role. */
function push(fields: Record<string, string>, role = 'par'): Promise<JsonResponse> {
  const c = client(shared.ref, role);
  if (c.token_endpoint_auth_method === 'none') return postForm(`${shared.ref.issuer}/par`, { client_id: c.client_id, ...fields });
  return postForm(`${shared.ref.issuer}/par`, fields, { clientId: c.client_id, secret: c.client_secret! });
}

function codeRequest(extra: Record<string, string> = {}): { fields: Record<string, string>; verifier: string } {
  const { verifier, challenge } = pkce();
  return {
    verifier,
    fields: { response_type: 'code', redirect_uri: redirectUri, scope: 'openid profile', state: 'pushed-state', nonce: 'pushed-nonce', code_challenge: challenge, code_challenge_method: 'S256', ...extra },
  };
}

function authorizeWith(requestUri: string, clientId = 'par', extra: Record<string, string> = {}): string {
  return `${shared.ref.issuer}/authorize?${new URLSearchParams({ client_id: clientId, request_uri: requestUri, ...extra })}`;
}

describe('the PAR endpoint', () => {
  it('is in the discovery document, with the server-wide flag off by default', async () => {
    const metadata = (await (await fetch(`${shared.ref.issuer}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(metadata.pushed_authorization_request_endpoint).toBe(`${shared.ref.issuer}/par`);
    expect(metadata.require_pushed_authorization_requests).toBe(false);
  });

  it('answers 201 with a request_uri URN and its lifetime', async () => {
    const response = await push(codeRequest().fields);
    expect(response.status).toBe(201);
    expect(response.body.request_uri).toMatch(/^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]{43}$/);
    expect(response.body.expires_in).toBe(60);
    expect(response.headers.get('cache-control')).toContain('no-store');
  });

  it.each([
    ['a wrong secret', { clientId: 'par', secret: 'not-the-secret' }],
    ['an unknown client', { clientId: 'nobody', secret: 'x' }],
  ])('refuses %s with 401 invalid_client', async (_name, auth) => {
    const response = await postForm(`${shared.ref.issuer}/par`, codeRequest().fields, auth);
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('invalid_client');
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic/);
  });

  it('refuses a confidential client that does not authenticate', async () => {
    const response = await postForm(`${shared.ref.issuer}/par`, { client_id: 'par', ...codeRequest().fields });
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('invalid_client');
  });

  it('refuses a request_uri inside the pushed request (RFC 9126 §2.1)', async () => {
    const first = await push(codeRequest().fields);
    const response = await push(codeRequest({ request_uri: first.body.request_uri as string }).fields);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'invalid_request' });
    expect(response.body.error_description).toMatch(/request_uri/);
  });

  it.each([
    ['an unregistered redirect_uri', { redirect_uri: 'https://attacker.example/cb' }, 'invalid_request'],
    ['a response_type the client may not use', { response_type: 'token' }, 'unauthorized_client'],
    ['PKCE plain', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['an unknown scope', { scope: 'openid admin' }, 'invalid_scope'],
    ['an unsigned request object', { request: 'eyJhbGciOiJub25lIn0.e30.' }, 'invalid_request_object'],
    ['a repeated parameter', { repeat: 'scope' }, 'invalid_request'],
  ])('checks the pushed request as /authorize would, and answers %s in JSON', async (_name, override, error) => {
    const { fields } = codeRequest();
    const { repeat, ...rest } = override as Record<string, string>;
    const form = new URLSearchParams({ ...fields, ...rest });
    if (repeat) form.append(repeat, 'openid');
    const body = form.toString();
    const c = client(shared.ref, 'par');
    const response = await fetch(`${shared.ref.issuer}/par`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${c.client_id}:${c.client_secret}`).toString('base64')}` },
      body,
      redirect: 'manual',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(((await response.json()) as { error: string }).error).toBe(error);
  });

  it('lets a public client push too, with PKCE', async () => {
    const response = await push(codeRequest().fields, 'public');
    expect(response.status).toBe(201);
  });
});

describe('the request_uri at the authorization endpoint, in Chromium', () => {
  it('authorizes the pushed request: only client_id and request_uri travel through the browser, and other parameters are ignored', async () => {
    const { fields, verifier } = codeRequest();
    const pushed = await push(fields);
    const visit = await openVisit(shared.browser);
    try {
      const callback = visit.callback();
      // state and scope beside request_uri must not override the pushed ones (RFC 9126 §4).
      await visit.open(authorizeWith(pushed.body.request_uri as string, 'par', { state: 'injected', scope: 'openid api:write' }));
      await signIn(visit.page, user(shared.ref, 'user'));
      await expect(visit.page.locator('ul.scopes').textContent()).resolves.not.toContain('api:write');
      await answerConsent(visit.page, 'Allow');
      const { params, via } = await callback;
      expect(via).toBe('query');
      expect(params.get('state')).toBe('pushed-state');
      expect(params.get('iss')).toBe(shared.ref.issuer);
      const tokens = await tokenRequest(shared.ref, 'par', { grant_type: 'authorization_code', code: params.get('code')!, redirect_uri: redirectUri, code_verifier: verifier });
      expect(tokens.status).toBe(200);
      expect(tokens.body.scope).toBe('openid profile');
    } finally {
      await visit.close();
    }
  });

  it('uses a request_uri once: the second visit is an invalid_request_uri error page', async () => {
    const pushed = await push(codeRequest().fields);
    const visit = await openVisit(shared.browser);
    try {
      const url = authorizeWith(pushed.body.request_uri as string);
      await visit.open(url);
      await visit.page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await visit.open(url);
      expect(await errorPageCode(visit.page)).toBe('invalid_request_uri');
      expect(await visit.page.locator('#error-description').textContent()).toMatch(/already used/);
    } finally {
      await visit.close();
    }
  });

  it('binds a request_uri to the client that pushed it, and another client cannot burn it', async () => {
    const pushed = await push(codeRequest().fields);
    const visit = await openVisit(shared.browser);
    try {
      await visit.open(authorizeWith(pushed.body.request_uri as string, 'confidential'));
      expect(await errorPageCode(visit.page)).toBe('invalid_request_uri');
      expect(await visit.page.locator('#error-description').textContent()).toMatch(/another client/);
      await visit.open(authorizeWith(pushed.body.request_uri as string, 'par'));
      await visit.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    } finally {
      await visit.close();
    }
  });

  it('shows invalid_request_uri for an unknown request_uri, never redirecting', async () => {
    const visit = await openVisit(shared.browser);
    try {
      await visit.open(authorizeWith('urn:ietf:params:oauth:request_uri:does-not-exist'));
      expect(await errorPageCode(visit.page)).toBe('invalid_request_uri');
      expect(new URL(visit.page.url()).origin).toBe(shared.ref.issuer);
    } finally {
      await visit.close();
    }
  });

  it('redirects invalid_request when a client with require_pushed_authorization_requests skips the push', async () => {
    const visit = await openVisit(shared.browser);
    try {
      const callback = visit.callback();
      await visit.open(`${shared.ref.issuer}/authorize?${new URLSearchParams({ client_id: 'par', ...codeRequest().fields })}`);
      const { params } = await callback;
      expect(params.get('error')).toBe('invalid_request');
      expect(params.get('error_description')).toMatch(/pushed authorization requests are required/);
      expect(params.get('state')).toBe('pushed-state');
      expect(params.get('iss')).toBe(shared.ref.issuer);
    } finally {
      await visit.close();
    }
  });

  it('lets a client without the requirement still send its request directly', async () => {
    const response = await fetch(`${shared.ref.issuer}/authorize?${new URLSearchParams({ client_id: 'confidential', ...codeRequest().fields })}`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^\/interaction\//);
  });

  it('leaves a request_uri that is not a PAR URN to the Request Object check: one the client never registered is invalid_request_uri', async () => {
    const response = await fetch(authorizeWith('https://client.example/request.jwt', 'confidential', { redirect_uri: redirectUri, response_type: 'code', scope: 'openid', code_challenge: pkce().challenge, code_challenge_method: 'S256' }), { redirect: 'manual' });
    const location = new URL(response.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('invalid_request_uri');
  });
});
