/**
 * The issue-5 settings that need a server of their own: one-second lifetimes (ttl) so that a
 * request_uri and a device_code expire during the test, pushed authorization requests required
 * of every client (pushedAuthorizationRequests.required), and registration behind an initial
 * access token (registration.initialAccessToken) or switched off (registration.enabled).
 * Real HTTP, slapd and Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../../harness/browser/chromium.ts';
import { startReferenceServer, type RunningReference } from '../../../reference-server/index.ts';
import { MovingClock } from '../../support/moving-clock.ts';
import { defaultConfig } from '../../../reference-server/config/default.ts';
import { redirectUri } from '../support/user-agent.ts';
import { client, pkce, postForm, user } from '../support/oauth.ts';
import { answerConsent, errorPageCode, openVisit, signIn } from '../support/browser.ts';
import { poll, requestDeviceCodes } from '../support/device.ts';
import { jsonCall } from '../support/registration.ts';

const initialAccessToken = 'initial-access-token-for-tests-0123456789';
let ref: RunningReference;
let browser: Browser;
const clock = new MovingClock();

beforeAll(async () => {
  ref = await startReferenceServer({
    clock,
    config: {
      ...defaultConfig,
      ttl: { pushedAuthorizationRequest: 1, deviceCode: 1 },
      pushedAuthorizationRequests: { required: true },
      deviceAuthorization: { interval: 1, userCodeAttempts: 3 },
      registration: { initialAccessToken },
    },
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await ref?.stop();
});

function pushAs(role: string): Promise<Awaited<ReturnType<typeof postForm>>> {
  const c = client(ref, role);
  return postForm(`${ref.issuer}/par`, { response_type: 'code', redirect_uri: redirectUri, scope: 'openid', state: 'v', code_challenge: pkce().challenge, code_challenge_method: 'S256' }, { clientId: c.client_id, secret: c.client_secret! });
}

describe('pushed authorization requests required of every client', () => {
  it('says so in the discovery document', async () => {
    const metadata = (await (await fetch(`${ref.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(metadata.require_pushed_authorization_requests).toBe(true);
  });

  it('redirects invalid_request for a client that sends its request directly, and accepts the pushed one', async () => {
    const visit = await openVisit(browser);
    try {
      const callback = visit.callback();
      await visit.open(`${ref.issuer}/authorize?${new URLSearchParams({ client_id: 'confidential', redirect_uri: redirectUri, response_type: 'code', scope: 'openid', state: 'direct', code_challenge: pkce().challenge, code_challenge_method: 'S256' })}`);
      const { params } = await callback;
      expect(params.get('error')).toBe('invalid_request');
      expect(params.get('state')).toBe('direct');

      const pushed = await pushAs('confidential');
      const next = visit.callback();
      await visit.open(`${ref.issuer}/authorize?${new URLSearchParams({ client_id: 'confidential', request_uri: pushed.body.request_uri as string })}`);
      await signIn(visit.page, user(ref, 'user'));
      await answerConsent(visit.page, 'Allow');
      expect((await next).params.get('code')).toBeTruthy();
    } finally {
      await visit.close();
    }
  });
});

describe('lifetimes', () => {
  it('expires a request_uri after expires_in: the browser gets an invalid_request_uri page', async () => {
    const pushed = await pushAs('par');
    expect(pushed.body.expires_in).toBe(1);
    clock.advance(1.2);
    const visit = await openVisit(browser);
    try {
      await visit.open(`${ref.issuer}/authorize?${new URLSearchParams({ client_id: 'par', request_uri: pushed.body.request_uri as string })}`);
      expect(await errorPageCode(visit.page)).toBe('invalid_request_uri');
      expect(await visit.page.locator('#error-description').textContent()).toMatch(/expired/);
    } finally {
      await visit.close();
    }
  });

  it('answers expired_token to a device polling after expires_in, and the code no longer works on the page', async () => {
    const codes = await requestDeviceCodes(ref);
    expect(codes.expires_in).toBeLessThanOrEqual(1);
    clock.advance(1.2);
    const answer = await poll(ref, codes.device_code);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('expired_token');
    expect((await poll(ref, codes.device_code)).body.error).toBe('expired_token');

    const visit = await openVisit(browser);
    try {
      await visit.page.goto(codes.verification_uri_complete);
      await visit.page.getByRole('button', { name: 'Continue' }).click();
      await expect(visit.page.getByRole('alert').textContent()).resolves.toContain('not valid or has expired');
    } finally {
      await visit.close();
    }
  });
});

describe('registration with an initial access token (RFC 7591 §3)', () => {
  const app = { redirect_uris: ['https://app.example/cb'] };

  it('refuses a registration without it: 401 with a bare Bearer challenge', async () => {
    const { status, headers, body } = await jsonCall(`${ref.issuer}/register`, { body: app });
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toBe('Bearer realm="nauthera"');
    expect(body.error).toBe('invalid_token');
  });

  it('refuses a wrong one with invalid_token', async () => {
    const { status, headers, body } = await jsonCall(`${ref.issuer}/register`, { body: app, token: `${initialAccessToken}x` });
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(body.error).toBe('invalid_token');
  });

  it('can be switched off: no registration_endpoint, and /register is not there', async () => {
    // A second server on the same directory, so no second slapd.
    const closed = await startReferenceServer({ config: { ...defaultConfig, registration: { enabled: false } }, directory: ref.ldap });
    try {
      const metadata = (await (await fetch(`${closed.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      expect(metadata.registration_endpoint).toBeUndefined();
      const { status, body } = await jsonCall(`${closed.issuer}/register`, { body: app, token: initialAccessToken });
      expect(status).toBe(404);
      expect(body.error).toBe('invalid_request');
    } finally {
      await closed.stop();
    }
  });

  it('registers with the right one', async () => {
    const { status, body } = await jsonCall(`${ref.issuer}/register`, { body: app, token: initialAccessToken });
    expect(status).toBe(201);
    // Management uses the client's own registration access token, not the initial one.
    expect((await jsonCall(body.registration_client_uri as string, { token: initialAccessToken })).status).toBe(401);
    expect((await jsonCall(body.registration_client_uri as string, { token: body.registration_access_token as string })).status).toBe(200);
  });
});

// Last in the file: it uses up this address's wrong codes for a minute.
describe('wrong user codes, rate-limited per address (deviceAuthorization.userCodeAttempts: 3)', () => {
  /** The code form as a browser sends it: the CSRF cookie and field from GET /device first. */
  async function enter(userCode: string): Promise<{ status: number; retryAfter: string | null; alert: string }> {
    const form = await fetch(`${ref.issuer}/device`);
    const cookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())![1];
    const answer = await fetch(`${ref.issuer}/device`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, user_code: userCode }),
    });
    const alert = /<p role="alert" id="error">([^<]*)<\/p>/.exec(await answer.text())?.[1] ?? '';
    return { status: answer.status, retryAfter: answer.headers.get('retry-after'), alert };
  }

  it('refuses every code, the right one too, with 429 and Retry-After once the limit is used up', async () => {
    const codes = await requestDeviceCodes(ref);
    let wrong = 0;
    let answer = await enter('BBBB-BBBB');
    while (answer.status === 200 && wrong < 5) {
      expect(answer.alert).toContain('not valid or has expired');
      wrong++;
      answer = await enter('BBBB-BBBB');
    }
    // Earlier tests in this file may have entered wrong codes too: at most 3 in all.
    expect(wrong).toBeLessThanOrEqual(3);
    expect(answer.status).toBe(429);
    expect(Number(answer.retryAfter)).toBeGreaterThan(0);
    expect(answer.alert).toContain('Too many wrong codes');
    const right = await enter(codes.user_code);
    expect(right.status).toBe(429);
  });
});
