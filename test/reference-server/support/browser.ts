/**
 * Chromium helpers for the issue-5 flows: a browser context whose requests to the client's
 * redirect_uri (https://rp.nauthera.test) are caught, never sent, and handed to the test as the
 * authorization response, whichever way it came: query, fragment, or a form_post POST.
 * Pages are driven by label and button name, as the harness does.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { rpOrigin } from './user-agent.ts';

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
  type Seen = { method: string; url: string; body: string | null; redirected?: boolean };
  const waiting: Array<(request: Seen) => void> = [];
  const arrived: Seen[] = [];
  const deliver = (seen: Seen) => {
    const next = waiting.shift();
    if (next) next(seen);
    else arrived.push(seen);
  };
  // A navigation straight to the client (a form_post, a link) is routed and answered here.
  await context.route(`${rpOrigin}/**`, async (route) => {
    const request = route.request();
    deliver({ method: request.method(), url: request.url(), body: request.postData() });
    await route.fulfill({ status: 200, contentType: 'text/html', body: '<title>client callback</title><h1>client callback</h1>' });
  });
  // Playwright never routes the target of an HTTP redirect, and the client's host does not
  // resolve: a redirect to the client is read from the redirecting response's Location, which
  // carries the fragment that the request itself lacks.
  context.on('request', (request) => {
    const from = request.redirectedFrom();
    if (!from || !request.url().startsWith(`${rpOrigin}/`)) return;
    void (async () => {
      const response = await from.response().catch(() => null);
      const location = response ? await response.headerValue('location').catch(() => null) : null;
      deliver({ method: request.method(), url: location ? new URL(location, from.url()).toString() : request.url(), body: request.postData(), redirected: true });
    })();
  });
  return {
    context,
    page,
    open: (url) => follow(page, url),
    async callback() {
      const request = arrived.shift() ?? (await new Promise<Seen>((resolve) => waiting.push(resolve)));
      if (request.method === 'POST') {
        return { method: 'POST', url: new URL(request.url), params: new URLSearchParams(request.body ?? ''), via: 'form_post' };
      }
      // The fragment is never sent over HTTP: a routed navigation's is read from the page's
      // address once it got there (a redirect's came with its Location).
      if (!request.redirected) await page.waitForURL((url) => url.origin === rpOrigin);
      // A redirect goes on to the client's host, which does not resolve: let Chromium's error
      // page commit, or the test's next page.goto() would be interrupted by it.
      else await page.waitForURL((url) => url.protocol === 'chrome-error:', { timeout: 10_000, waitUntil: 'load' }).catch(() => {});
      const url = new URL(request.redirected ? request.url : page.url());
      return url.hash ? { method: 'GET', url, params: new URLSearchParams(url.hash.slice(1)), via: 'fragment' } : { method: 'GET', url, params: url.searchParams, via: 'query' };
    },
    close: () => context.close(),
  };
}

/**
 * Opens url by clicking a link to it, as a person would (the page that was there is the
 * referrer, and the navigation is a user's, not page.goto()'s).
 */
export async function follow(page: Page, url: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await page.setContent(`<a id="go" href="${url.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}">go</a>`);
      await page.click('#go');
      return;
    } catch (error) {
      // The page may still be committing Chromium's error page for the client's unresolvable
      // host (the previous authorization response); that navigation replaces ours: start again.
      if (attempt >= 3 || !/interrupted by another navigation|Execution context was destroyed/.test(String(error))) throw error;
      await page.waitForLoadState('load').catch(() => {});
    }
  }
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
