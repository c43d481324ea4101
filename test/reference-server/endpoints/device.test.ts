/**
 * The device authorization grant (RFC 8628) against the reference server, over real HTTP with
 * a real slapd, and the verification page in a real Chromium: the codes and URIs, the user_code
 * typed loosely, sign-in and consent through the LDAP-backed pages, and every polling answer:
 * authorization_pending, slow_down (the interval grows by 5 s), access_denied, the tokens, and
 * invalid_grant on reuse. The server polls at 2 s here so the test need not wait 5.
 * (expired_token needs a short lifetime: config-variants.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../../harness/browser/chromium.ts';
import { startReferenceServer, type RunningReference } from '../../../reference-server/index.ts';
import { MovingClock } from '../../support/moving-clock.ts';
import { defaultConfig } from '../../../reference-server/config/default.ts';
import { userCodeAlphabet } from '../../../reference-server/authorization-server/device/user-code.ts';
import { postForm, user } from '../support/oauth.ts';
import { answerConsent, openVisit, signIn, type Visit } from '../support/browser.ts';
import { deviceGrant, poll, politePoll, requestDeviceCodes } from '../support/device.ts';
import { readResource, userinfoStatus, verifyIdToken } from '../support/tokens.ts';

let ref: RunningReference;
let browser: Browser;
// Long enough that an immediate second poll is always too soon; the tests move the server's clock past it.
const interval = 2;
const clock = new MovingClock();

beforeAll(async () => {
  ref = await startReferenceServer({
    clock,
    config: {
      ...defaultConfig,
      deviceAuthorization: { interval },
      // A second device, to show a device_code is bound to the client it was issued to.
      clients: [...defaultConfig.clients, { client_id: 'tv', role: 'tv', client_name: 'Living-room TV', token_endpoint_auth_method: 'none', grant_types: [deviceGrant], response_types: [], redirect_uris: [] }],
    },
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await ref?.stop();
});

/** The person's side: open the verification page, enter (or confirm) the code, sign in, decide. */
async function verify(visit: Visit, url: string, options: { typed?: string; who: 'user' | 'outsider'; decision: 'Allow' | 'Deny' }): Promise<string> {
  await visit.page.goto(url);
  if (options.typed !== undefined) await visit.page.getByLabel('Code').fill(options.typed);
  await visit.page.getByRole('button', { name: 'Continue' }).click();
  await signIn(visit.page, user(ref, options.who));
  await answerConsent(visit.page, options.decision);
  return (await visit.page.locator('#device-result').textContent()) ?? '';
}

describe('the device authorization endpoint', () => {
  it('answers with a device_code, a user_code a person can type, both verification URIs, the lifetime and the interval', async () => {
    const codes = await requestDeviceCodes(ref);
    expect(codes.device_code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const letters = `[${userCodeAlphabet}]{4}`;
    expect(codes.user_code).toMatch(new RegExp(`^${letters}-${letters}$`));
    // No vowels (so no words, and no I or O to mistake for 1 or 0) and no digits.
    expect(codes.user_code).not.toMatch(/[AEIOUY0-9]/);
    expect(codes.verification_uri).toBe(`${ref.issuer}/device`);
    expect(codes.verification_uri_complete).toBe(`${ref.issuer}/device?user_code=${codes.user_code}`);
    expect(codes.expires_in).toBe(600);
    expect(codes.interval).toBe(interval);
  });

  it('gives a client with its own device_code_ttl codes of that lifetime, which expire on time', async () => {
    const codes = await requestDeviceCodes(ref, 'device-expiring', 'openid api:read');
    expect(codes.expires_in).toBe(5);
    expect((await poll(ref, codes.device_code, 'device-expiring')).body.error).toBe('authorization_pending');
    clock.advance(5.2);
    const late = await poll(ref, codes.device_code, 'device-expiring');
    expect([late.status, late.body.error]).toEqual([400, 'expired_token']);
  });

  it('is in the discovery document, and the device grant type too', async () => {
    const metadata = (await (await fetch(`${ref.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(metadata.device_authorization_endpoint).toBe(`${ref.issuer}/device_authorization`);
    expect(metadata.grant_types_supported).toContain(deviceGrant);
  });

  it.each([
    ['a client without the device grant', { client_id: 'public', scope: 'openid' }, 400, 'unauthorized_client'],
    ['an unknown client', { client_id: 'nobody', scope: 'openid' }, 401, 'invalid_client'],
    ['an unknown scope', { client_id: 'device', scope: 'openid admin' }, 400, 'invalid_scope'],
    ['no scope', { client_id: 'device' }, 400, 'invalid_scope'],
  ])('refuses %s', async (_name, fields, status, error) => {
    const response = await postForm(`${ref.issuer}/device_authorization`, fields as Record<string, string>);
    expect(response.status).toBe(status);
    expect(response.body.error).toBe(error);
  });
});

describe('polling the token endpoint', () => {
  it('answers authorization_pending, then slow_down for a poll sooner than the interval, adding 5 seconds each time', async () => {
    const codes = await requestDeviceCodes(ref);
    const first = await poll(ref, codes.device_code);
    expect(first.status).toBe(400);
    expect(first.body.error).toBe('authorization_pending');
    const tooSoon = await poll(ref, codes.device_code);
    expect(tooSoon.body.error).toBe('slow_down');
    expect(tooSoon.body.error_description).toContain(`${interval + 5} seconds`);
    const stillTooSoon = await politePoll(ref, clock, codes.device_code, interval);
    // The old interval is not enough any more (RFC 8628 §3.5: "for this and all subsequent requests").
    expect(stillTooSoon.body.error).toBe('slow_down');
    expect(stillTooSoon.body.error_description).toContain(`${interval + 10} seconds`);
  });

  it('refuses an unknown device_code, one of another client, and a missing one', async () => {
    const codes = await requestDeviceCodes(ref);
    expect((await poll(ref, 'not-a-device-code')).body.error).toBe('invalid_grant');
    expect((await poll(ref, codes.device_code, 'tv')).body.error).toBe('invalid_grant');
    const missing = await postForm(`${ref.issuer}/token`, { client_id: 'device', grant_type: deviceGrant });
    expect(missing.body.error).toBe('invalid_request');
    // The rightful device was not affected.
    expect((await poll(ref, codes.device_code)).body.error).toBe('authorization_pending');
  });
});

describe('the verification page, in Chromium', () => {
  it('takes the code typed in lower case without its dash; after sign-in and Allow the device gets tokens, once', async () => {
    const codes = await requestDeviceCodes(ref);
    expect((await poll(ref, codes.device_code)).body.error).toBe('authorization_pending');
    const visit = await openVisit(browser);
    try {
      const result = await verify(visit, codes.verification_uri, { typed: codes.user_code.replace('-', '').toLowerCase(), who: 'user', decision: 'Allow' });
      expect(result).toContain('Device is now connected');
    } finally {
      await visit.close();
    }
    const tokens = await politePoll(ref, clock, codes.device_code, interval);
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({ token_type: 'Bearer', scope: 'openid profile api:read' });
    expect(tokens.body.refresh_token).toBeTruthy();
    const idToken = await verifyIdToken(ref, tokens.body.id_token as string, 'device');
    expect(idToken.sub).toBeTruthy();
    const accessToken = tokens.body.access_token as string;
    expect(await readResource(ref, accessToken)).toBe(200);
    expect(await userinfoStatus(ref, accessToken)).toBe(200);

    // A second use of the device_code is refused and revokes what it gave.
    const again = await politePoll(ref, clock, codes.device_code, interval);
    expect(again.body.error).toBe('invalid_grant');
    expect(await userinfoStatus(ref, accessToken)).toBe(401);
  });

  it('fills the code in from verification_uri_complete; the person only confirms it', async () => {
    const codes = await requestDeviceCodes(ref, 'tv', 'api:read');
    const visit = await openVisit(browser);
    try {
      await visit.page.goto(codes.verification_uri_complete);
      expect(await visit.page.getByLabel('Code').inputValue()).toBe(codes.user_code);
      await visit.page.getByRole('button', { name: 'Continue' }).click();
      await signIn(visit.page, user(ref, 'user'));
      // The consent page names the device, so the person sees what they let in (RFC 8628 §5.4).
      await expect(visit.page.getByRole('heading').textContent()).resolves.toContain('Living-room TV');
      await answerConsent(visit.page, 'Allow');
      await expect(visit.page.locator('#device-result').textContent()).resolves.toContain('Living-room TV is now connected');
    } finally {
      await visit.close();
    }
    const tokens = await politePoll(ref, clock, codes.device_code, interval, 'tv');
    expect(tokens.status).toBe(200);
    expect(tokens.body.id_token).toBeUndefined();
  });

  it('asks for consent again even when it is remembered, and a Deny gives the device access_denied', async () => {
    const codes = await requestDeviceCodes(ref);
    const visit = await openVisit(browser);
    try {
      const result = await verify(visit, codes.verification_uri_complete, { who: 'user', decision: 'Deny' });
      expect(result).toContain('was not given access');
    } finally {
      await visit.close();
    }
    const answer = await politePoll(ref, clock, codes.device_code, interval);
    expect(answer.body.error).toBe('access_denied');
  });

  it('gives access_denied when bob, outside the LDAP consent group, clicks Allow', async () => {
    const codes = await requestDeviceCodes(ref);
    const visit = await openVisit(browser);
    try {
      const result = await verify(visit, codes.verification_uri_complete, { who: 'outsider', decision: 'Allow' });
      expect(result).toContain('consent group');
    } finally {
      await visit.close();
    }
    expect((await politePoll(ref, clock, codes.device_code, interval)).body.error).toBe('access_denied');
  });

  it('uses the session of a signed-in person: no second sign-in, only the consent', async () => {
    const visit = await openVisit(browser);
    try {
      await verify(visit, (await requestDeviceCodes(ref)).verification_uri_complete, { who: 'user', decision: 'Allow' });
      const codes = await requestDeviceCodes(ref);
      await visit.page.goto(codes.verification_uri_complete);
      await visit.page.getByRole('button', { name: 'Continue' }).click();
      await answerConsent(visit.page, 'Allow');
      await expect(visit.page.locator('#device-result').textContent()).resolves.toContain('is now connected');
      expect((await politePoll(ref, clock, codes.device_code, interval)).status).toBe(200);
    } finally {
      await visit.close();
    }
  });

  it('shows an alert for a code that is malformed, unknown, or already used', async () => {
    const used = await requestDeviceCodes(ref);
    const visit = await openVisit(browser);
    try {
      await verify(visit, used.verification_uri_complete, { who: 'user', decision: 'Allow' });
      for (const [typed, message] of [
        ['AEIO-1234', 'Enter the 8-letter code'],
        ['BCDF', 'Enter the 8-letter code'],
        ['BBBB-BBBB', 'not valid or has expired'],
        [used.user_code, 'already used'],
      ]) {
        await visit.page.goto(`${ref.issuer}/device`);
        await visit.page.getByLabel('Code').fill(typed!);
        await visit.page.getByRole('button', { name: 'Continue' }).click();
        await expect(visit.page.getByRole('alert').textContent(), typed).resolves.toContain(message);
        expect(await visit.page.getByLabel('Code').inputValue()).toBe(typed);
      }
    } finally {
      await visit.close();
    }
  });

  it('refuses a code form posted without its CSRF token (403 page)', async () => {
    const codes = await requestDeviceCodes(ref);
    const response = await fetch(`${ref.issuer}/device`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ user_code: codes.user_code }), redirect: 'manual' });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('id="error-code">invalid_request<');
  });

  it('does not let another browser resume the verification (the interaction is bound by cookie)', async () => {
    const codes = await requestDeviceCodes(ref);
    const visit = await openVisit(browser);
    const stranger = await openVisit(browser);
    try {
      await visit.page.goto(codes.verification_uri_complete);
      await visit.page.getByRole('button', { name: 'Continue' }).click();
      await visit.page.getByRole('heading', { name: 'Sign in' }).waitFor();
      const uid = new URL(visit.page.url()).pathname.split('/')[2]!;
      const response = await stranger.page.goto(`${ref.issuer}/device/resume/${uid}`);
      expect(response?.status()).toBe(403);
      expect(await stranger.page.locator('#error-code').textContent()).toBe('invalid_request');
    } finally {
      await stranger.close();
      await visit.close();
    }
    expect((await poll(ref, codes.device_code)).body.error).toBe('authorization_pending');
  });
});
