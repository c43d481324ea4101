/**
 * Chromium helpers for the issue-5 flows: a browser context whose requests to the client's
 * redirect_uri (https://rp.nauthera.test) are caught, never sent, and handed to the test as the
 * authorization response, whichever way it came: query, fragment, or a form_post POST.
 * Pages are driven by label and button name, as the harness does.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { rpOrigin } from '../../reference-server/support/user-agent.ts';

export interface Callback {
  method: string;
  url: URL;
  /** The authorization response parameters, from the query, the fragment or the POSTed form. */
  params: URLSearchParams;
  via: 'query' | 'fragment' | 'form_post';
}

export interface Visit {
  context: BrowserContext;
  page: Page;
  /** Navigates as a person would, by following a link (see follow()). */
  open(url: string): Promise<void>;
  /** The next authorization response that reaches the client. */
  callback(): Promise<Callback>;
  close(): Promise<void>;
}

export async function openVisit(browser: Browser): Promise<Visit> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const waiting: Array<(request: { method: string; url: string; body: string | null }) => void> = [];
  const arrived: Array<{ method: string; url: string; body: string | null }> = [];
  await context.route(`${rpOrigin}/**`, async (route) => {
    const request = route.request();
    const seen = { method: request.method(), url: request.url(), body: request.postData() };
    const next = waiting.shift();
    if (next) next(seen);
    else arrived.push(seen);
    await route.fulfill({ status: 200, contentType: 'text/html', body: '<title>client callback</title><h1>client callback</h1>' });
  });
  return {
    context,
    page,
    open: (url) => follow(page, url),
    async callback() {
      const request = arrived.shift() ?? (await new Promise<{ method: string; url: string; body: string | null }>((resolve) => waiting.push(resolve)));
      if (request.method === 'POST') {
        return { method: 'POST', url: new URL(request.url), params: new URLSearchParams(request.body ?? ''), via: 'form_post' };
      }
      // The fragment is never sent over HTTP: read it from the page's address once it got there.
      await page.waitForURL((url) => url.origin === rpOrigin);
      const url = new URL(page.url());
      return url.hash ? { method: 'GET', url, params: new URLSearchParams(url.hash.slice(1)), via: 'fragment' } : { method: 'GET', url, params: url.searchParams, via: 'query' };
    },
    close: () => context.close(),
  };
}

/**
 * Opens url by clicking a link to it. Playwright does not route the redirects of a
 * navigation started by page.goto(), so an authorization endpoint that redirects straight to
 * the (unresolvable) client would fail with ERR_NAME_NOT_RESOLVED; a clicked link's would not.
 */
export async function follow(page: Page, url: string): Promise<void> {
  await page.setContent(`<a id="go" href="${url.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}">go</a>`);
  await page.click('#go');
}

export async function signIn(page: Page, credentials: { username: string; password: string }): Promise<void> {
  await page.getByLabel('Username').fill(credentials.username);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function answerConsent(page: Page, decision: 'Allow' | 'Deny'): Promise<void> {
  await page.getByRole('button', { name: decision }).click();
}

/** The RFC error code of the AS's error page (views/error-page.ts). */
export async function errorPageCode(page: Page): Promise<string | null> {
  return page.locator('#error-code').textContent();
}
