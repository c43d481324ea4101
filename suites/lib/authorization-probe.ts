/**
 * Authorization requests answered without rendering a page. The flow's browser context has
 * its own HTTP client, which shares the context's cookies (so the IdP session): it asks the
 * authorization endpoint once, without following redirects. A redirect straight to a redirect
 * URI is the authorization response, and an error status is a refusal page; anything else (a
 * sign-in page, a consent page, a redirect to one, a form_post page) goes to the browser,
 * which signs in and consents as authorize() does. The verdict is the same either way, only
 * faster: most negative requests are refused before any page is drawn.
 */
import type { AuthorizeOptions, AuthorizeOutcome, FlowContext, TargetClient } from '../../harness/flow/index.ts';
import { askOnceMoreIfLost, codeRequest, describeNoCode, type CodeRequest, type CodeRequestOptions } from './authorization-request.ts';

/** The redirect URIs an answer may go to: the request's own redirect_uri(s), the given ones and every client's. */
function redirectTargets(ctx: FlowContext<any>, url: string, extra: readonly string[]): URL[] {
  const uris = [...new URL(url).searchParams.getAll('redirect_uri'), ...extra, ...ctx.target.clients.flatMap((c) => c.redirect_uris)];
  return uris.flatMap((u) => {
    try {
      return [new URL(u)];
    } catch {
      return [];
    }
  });
}

/** The response parameters of a redirect: the fragment's when it has one, else the query's. */
function responseOf(location: URL): { mode: 'query' | 'fragment'; params: Record<string, string> } {
  const fragment = location.hash.replace(/^#/, '');
  if (fragment) return { mode: 'fragment', params: Object.fromEntries(new URLSearchParams(fragment)) };
  return { mode: 'query', params: Object.fromEntries(location.searchParams) };
}

const titleOf = (html: string) => /<title[^>]*>([^<]*)<\/title>/i.exec(html)?.[1]?.trim() ?? '';

/**
 * Sends the browser (or, when it can, only the context's HTTP client) to `url` and returns the
 * outcome authorize() would have returned. `options` are authorize()'s (user, consent, ...).
 */
export async function probeAuthorize(ctx: FlowContext<any>, url: string, options: AuthorizeOptions = {}): Promise<AuthorizeOutcome> {
  const context = await ctx.browser.context();
  let res;
  try {
    res = await context.request.get(url, { maxRedirects: 0, failOnStatusCode: false, timeout: options.timeoutMs ?? 15_000 });
  } catch {
    return ctx.browser.authorize(url, options);
  }
  const status = res.status();
  const where = url.split('?')[0];
  if (status >= 300 && status < 400 && res.headers().location) {
    const location = new URL(res.headers().location!, url);
    const target = redirectTargets(ctx, url, options.redirectUris ?? []).find((t) => t.origin === location.origin && t.pathname === location.pathname);
    if (target) {
      const { mode, params } = responseOf(location);
      ctx.note('authorization answer', `GET ${where} → HTTP ${status}, Location ${location.origin}${location.pathname} with ${Object.keys(params).join(', ') || 'no parameters'} (${mode})`);
      return {
        kind: 'redirect', responseMode: mode, url: location.href, redirectUri: `${location.origin}${location.pathname}`, params,
        consentDecision: 'not-shown', evidence: [{ kind: 'page', url: location.href }],
      };
    }
  }
  if (status >= 400) {
    const text = (await res.text().catch(() => '')).slice(0, 20_000);
    ctx.note('authorization answer', `GET ${where} → HTTP ${status} (${res.headers()['content-type'] ?? 'no content type'})`);
    return {
      kind: 'page', reason: 'stopped', url, title: titleOf(text), text: text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 2000),
      status, consentDecision: 'not-shown', evidence: [{ kind: 'page', url }],
    };
  }
  return ctx.browser.authorize(url, options);
}

/** A fresh code for a check that burns it, asked for as probeAuthorize() asks (throws when none comes back). */
export async function quickCode(ctx: FlowContext<any>, client: TargetClient, options: CodeRequestOptions = {}, authorize: AuthorizeOptions = {}): Promise<{ request: CodeRequest; code: string }> {
  const { request, outcome } = await askOnceMoreIfLost(ctx, async () => {
    const request = codeRequest(ctx.target, client, options);
    return { request, outcome: await probeAuthorize(ctx, request.url, { user: ctx.target.user('user'), ...authorize }) };
  });
  const code = outcome.kind === 'redirect' ? outcome.params.code : undefined;
  if (!code) throw new Error(`could not get a code to test with: ${describeNoCode(outcome)}`);
  return { request, code };
}
