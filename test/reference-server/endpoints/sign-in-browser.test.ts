/**
 * The sign-in and consent pages in a real Chromium, found the way the harness finds them:
 * getByLabel('Username'), getByLabel('Password'), getByRole('button', { name: 'Sign in' }),
 * and the consent buttons "Allow" and "Deny". The client's redirect_uri
 * (https://rp.nauthera.test) is caught in the browser, never reached.
 */
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { redirectUri, rpOrigin } from '../support/user-agent.ts';
import { pkce, tokenRequest, user } from '../support/oauth.ts';
import { useReferenceAndBrowser } from '../support/reference-and-browser.ts';

const shared = useReferenceAndBrowser();

interface Visit {
  page: Page;
  context: BrowserContext;
  /** Resolves with the URL the AS sent the browser back to. */
  callback: Promise<URL>;
  verifier: string;
}

async function startAuthorization(role = 'confidential', extra: Record<string, string> = {}): Promise<Visit> {
  const context = await shared.browser.newContext();
  const page = await context.newPage();
  let resolveCallback!: (url: URL) => void;
  const callback = new Promise<URL>((resolve) => (resolveCallback = resolve));
  await context.route(`${rpOrigin}/**`, async (route) => {
    resolveCallback(new URL(route.request().url()));
    await route.fulfill({ status: 200, contentType: 'text/html', body: '<title>client callback</title>' });
  });
  // Playwright never routes the target of an HTTP redirect (and the client's host does not
  // resolve): the AS's redirect to the client is caught as a request instead.
  context.on('request', (request) => {
    if (request.redirectedFrom() && request.url().startsWith(`${rpOrigin}/`)) resolveCallback(new URL(request.url()));
  });
  const { verifier, challenge } = pkce();
  const params = new URLSearchParams({ client_id: role, redirect_uri: redirectUri, response_type: 'code', scope: 'openid profile groups', state: 'browser-state', nonce: 'n-1', code_challenge: challenge, code_challenge_method: 'S256', ...extra });
  await page.goto(`${shared.ref.issuer}/authorize?${params}`);
  return { page, context, callback, verifier };
}

async function signIn(page: Page, credentials: { username: string; password: string }): Promise<void> {
  await page.getByLabel('Username').fill(credentials.username);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('sign-in and consent in Chromium', () => {
  it('signs alice in, she clicks Allow, and the client gets a code it can exchange', async () => {
    const visit = await startAuthorization();
    try {
      expect(await visit.page.getByRole('heading', { name: 'Sign in' }).count()).toBe(1);
      await signIn(visit.page, user(shared.ref, 'user'));
      await visit.page.getByRole('button', { name: 'Allow' }).click();
      const callback = await visit.callback;
      expect(callback.searchParams.get('state')).toBe('browser-state');
      expect(callback.searchParams.get('iss')).toBe(shared.ref.issuer);
      const tokens = await tokenRequest(shared.ref, 'confidential', { grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: redirectUri, code_verifier: visit.verifier });
      expect(tokens.status).toBe(200);
    } finally {
      await visit.context.close();
    }
  });

  it('shows an alert for a wrong password and stays on the sign-in page', async () => {
    const visit = await startAuthorization();
    try {
      await signIn(visit.page, { username: 'alice', password: 'not-her-password' });
      await expect(visit.page.getByRole('alert').textContent()).resolves.toContain('Invalid username or password.');
      expect(await visit.page.getByLabel('Username').inputValue()).toBe('alice');
      expect(await visit.page.getByLabel('Password').inputValue()).toBe('');
    } finally {
      await visit.context.close();
    }
  });

  it('signs in dsmith, whose DN needs escaping, and carol, whose password is full of special characters', async () => {
    for (const role of ['escaped-dn', 'special']) {
      const visit = await startAuthorization();
      try {
        await signIn(visit.page, user(shared.ref, role));
        await visit.page.getByRole('button', { name: 'Allow' }).click();
        const callback = await visit.callback;
        expect(callback.searchParams.get('code'), role).toBeTruthy();
      } finally {
        await visit.context.close();
      }
    }
  });

  it('sends access_denied when bob, outside the LDAP consent group, clicks Allow', async () => {
    const visit = await startAuthorization();
    try {
      await signIn(visit.page, user(shared.ref, 'outsider'));
      await visit.page.getByRole('button', { name: 'Allow' }).click();
      const callback = await visit.callback;
      expect(callback.searchParams.get('error')).toBe('access_denied');
      expect(callback.searchParams.get('iss')).toBe(shared.ref.issuer);
    } finally {
      await visit.context.close();
    }
  });

  it('sends access_denied when the user clicks Deny', async () => {
    const visit = await startAuthorization('public', { prompt: 'consent' });
    try {
      await signIn(visit.page, user(shared.ref, 'user'));
      await visit.page.getByRole('button', { name: 'Deny' }).click();
      const callback = await visit.callback;
      expect(callback.searchParams.get('error')).toBe('access_denied');
    } finally {
      await visit.context.close();
    }
  });

  it('shows an error page, not a redirect, for an unregistered redirect_uri', async () => {
    const context = await shared.browser.newContext();
    try {
      const page = await context.newPage();
      const response = await page.goto(`${shared.ref.issuer}/authorize?client_id=confidential&response_type=code&scope=openid&redirect_uri=${encodeURIComponent('https://attacker.example/cb')}`);
      expect(response?.status()).toBe(400);
      expect(new URL(page.url()).origin).toBe(shared.ref.issuer);
      expect(await page.locator('#error-code').textContent()).toBe('invalid_request');
    } finally {
      await context.close();
    }
  });
});
