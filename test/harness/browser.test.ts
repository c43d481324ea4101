/**
 * The flow browser on the system Chromium against a loopback IdP: sign-in and consent
 * driven by config locators, and the authorization response caught at a redirect URI
 * that has no server, in query, fragment and form_post modes.
 */
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../fixtures/ldap/free-port.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlowBrowser } from '../../harness/browser/flow-browser.ts';
import { BrowserSession } from '../../harness/browser/session.ts';
import type { PageEvidence } from '../../harness/results/model.ts';
import { parseTargetConfig } from '../../harness/target/config.ts';
import { fakeClients, fakeIdpConfig, fakeUser, startFakeIdp, type FakeIdp } from './fixtures/fake-idp.ts';

let idp: FakeIdp;
const session = new BrowserSession();
const dir = mkdtempSync(join(tmpdir(), 'nauthera-browser-'));

beforeAll(async () => {
  idp = await startFakeIdp();
});
afterAll(async () => {
  await session.close();
  await idp.close();
  rmSync(dir, { recursive: true, force: true });
});

function flowBrowser(recorded: PageEvidence[] = []): FlowBrowser {
  const config = parseTargetConfig(fakeIdpConfig(idp));
  return new FlowBrowser({
    session,
    login: config.login,
    redirectUris: config.clients.flatMap((c) => c.redirect_uris),
    record: (ev) => recorded.push(ev),
    screenshots: { dir, prefix: () => 'screenshots/test/step-1' },
  });
}

function authorizeUrl(params: Record<string, string>): string {
  const u = new URL(`${idp.issuer}/authorize`);
  u.search = new URLSearchParams({ client_id: fakeClients.confidential.client_id, redirect_uri: fakeClients.confidential.redirect_uris[0], response_type: 'code', state: 'st-1', ...params }).toString();
  return u.toString();
}


const user = { role: 'user' as const, ...fakeUser };

describe('authorize()', () => {
  it('signs in, consents and catches a query response at a redirect URI with no server', async () => {
    const recorded: PageEvidence[] = [];
    const browser = flowBrowser(recorded);
    try {
      const outcome = await browser.authorize(authorizeUrl({}), { user });
      expect(outcome.kind).toBe('redirect');
      if (outcome.kind !== 'redirect') return;
      expect(outcome.responseMode).toBe('query');
      expect(outcome.consentDecision).toBe('approved');
      expect(outcome.redirectUri).toBe('https://app.fake-idp.test/cb');
      expect(outcome.params).toEqual({ code: expect.stringMatching(/^[0-9a-f]{32}$/), state: 'st-1', iss: idp.issuer });
      // Screenshots of the sign-in and consent pages, and the masked callback URL.
      const shots = recorded.filter((e) => e.screenshot).map((e) => e.screenshot!);
      expect(shots).toEqual(['screenshots/test/step-1-1-sign-in.jpeg', 'screenshots/test/step-1-2-consent-approve.jpeg']);
      for (const shot of shots) expect(existsSync(join(dir, shot))).toBe(true);
      expect(recorded.at(-1)!.url).toMatch(/code=[0-9a-f]{6}…/);
      expect(recorded.at(-1)!.url).not.toContain(outcome.params.code);

      // The session is kept for the flow: the second request goes straight to consent.
      const again = await browser.authorize(authorizeUrl({ state: 'st-2' }), { user });
      expect(again.kind === 'redirect' && again.params.state).toBe('st-2');
      expect(again.evidence.some((e) => e.screenshot?.includes('sign-in'))).toBe(false);

      // A reset session signs in again.
      await browser.resetSession();
      const fresh = await browser.authorize(authorizeUrl({ state: 'st-3' }));
      expect(fresh).toMatchObject({ kind: 'page', reason: 'login-page' });
    } finally {
      await browser.close();
    }
  });

  it('reads fragment and form_post responses', async () => {
    const browser = flowBrowser();
    try {
      const fragment = await browser.authorize(authorizeUrl({ response_type: 'token', state: 'frag' }), { user });
      expect(fragment).toMatchObject({ kind: 'redirect', responseMode: 'fragment', params: { access_token: expect.any(String), token_type: 'Bearer', state: 'frag' } });
      const formPost = await browser.authorize(authorizeUrl({ response_mode: 'form_post', state: 'fp' }), { user });
      expect(formPost).toMatchObject({ kind: 'redirect', responseMode: 'form_post', params: { code: expect.any(String), state: 'fp', iss: idp.issuer } });
    } finally {
      await browser.close();
    }
  });

  it('denies consent and catches the access_denied error', async () => {
    const browser = flowBrowser();
    try {
      const outcome = await browser.authorize(authorizeUrl({}), { user, consent: 'deny' });
      expect(outcome).toMatchObject({ kind: 'redirect', consentDecision: 'denied', params: { error: 'access_denied', state: 'st-1' } });
    } finally {
      await browser.close();
    }
  });

  it('stops on the sign-in page without a user, and on a rejected password', async () => {
    const browser = flowBrowser();
    try {
      const noUser = await browser.authorize(authorizeUrl({}));
      expect(noUser).toMatchObject({ kind: 'page', reason: 'login-page', title: 'Sign in to Fake IdP' });
      const wrong = await browser.authorize(authorizeUrl({}), { user: { ...user, password: 'wrong' } });
      expect(wrong).toMatchObject({ kind: 'page', reason: 'login-rejected', text: expect.stringContaining('Wrong username or password') });
    } finally {
      await browser.close();
    }
  });

  it('stops on an error page instead of redirecting to an unregistered URI', async () => {
    const browser = flowBrowser();
    try {
      const outcome = await browser.authorize(authorizeUrl({ redirect_uri: 'https://evil.example/cb' }), { user });
      expect(outcome).toMatchObject({ kind: 'page', reason: 'stopped', status: 400, consentDecision: 'not-shown', title: 'Invalid request', text: expect.stringContaining('https://evil.example/cb is not registered') });
    } finally {
      await browser.close();
    }
  });

  it('names an IdP it cannot reach', async () => {
    const browser = flowBrowser();
    try {
      const port = await freePort();
      await expect(browser.authorize(`http://127.0.0.1:${port}/authorize?client_id=x`)).rejects.toThrow(`the browser could not open http://127.0.0.1:${port}/authorize?client_id=x: net::ERR_CONNECTION_REFUSED`);
    } finally {
      await browser.close();
    }
  });
});
