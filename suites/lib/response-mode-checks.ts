/**
 * How the authorization endpoint answers response types that issue tokens (implicit, hybrid):
 * never in the query, even when asked (OAuth 2.0 Multiple Response Type Encoding Practices
 * §2.1, §5), in a form POST when response_mode=form_post is asked and supported (OAuth 2.0
 * Form Post Response Mode §2), and a prompt=none the OP cannot satisfy answered with an error
 * in the request's response mode, with its state (OIDC Core §3.1.2.1, §3.1.2.6, §3.2.2.6,
 * §3.3.2.6). Shared by the implicit and hybrid suites.
 */
import { withQuery, type AuthorizeOutcome, type FlowContext, type TargetUser } from '../../harness/flow/index.ts';
import type { CodeRequest } from './authorization-request.ts';
import { expectSameState, promptNoneErrors } from './authorization-response.ts';

const issued = ['code', 'access_token', 'id_token'] as const;

/**
 * response_mode=query for a response type that issues tokens: nothing of the response may come
 * in the query. A refusal (any error, any page) passes, and so does an answer in the fragment.
 */
export async function checkQueryModeRefused(ctx: FlowContext<any>, key: string, request: CodeRequest, user: TargetUser): Promise<void> {
  await ctx.check(key, async (c) => {
    const outcome = await ctx.browser.authorize(withQuery(request.url, { response_mode: 'query' }), { user });
    c.evidence(outcome);
    if (outcome.kind === 'page') return `refused: the OP showed "${outcome.title || outcome.url.split('?')[0]}"`;
    const query = new URL(outcome.url).searchParams;
    const leaked = issued.filter((k) => query.get(k) !== null);
    if (leaked.length > 0) c.fail(`response_type "${request.params.response_type}" with response_mode=query put ${leaked.join(', ')} in the query of ${outcome.redirectUri}`);
    return outcome.params.error ? `refused with error ${JSON.stringify(outcome.params.error)}` : `answered in the ${outcome.responseMode}, nothing in the query`;
  }, { soft: true });
}

/**
 * response_mode=form_post (Form Post Response Mode §2): the response parameters come in the body
 * of a POST to the redirect_uri, none of them in its URL. Not applicable when the metadata does
 * not list form_post.
 */
export async function checkFormPost(ctx: FlowContext<any>, key: string, request: CodeRequest, user: TargetUser): Promise<void> {
  await ctx.check(key, async (c) => {
    if (!ctx.target.capabilities.responseModes.includes('form_post')) c.notApplicable('response_modes_supported does not list form_post');
    const outcome = await ctx.browser.authorize(withQuery(request.url, { response_mode: 'form_post' }), { user, consent: 'approve' });
    const redirect = c.expectRedirect(outcome);
    c.expect(redirect.responseMode, 'how the response reached the redirect_uri').toBe('form_post');
    const params = c.expectAuthorizationResponse(outcome);
    const wanted = request.params.response_type!.split(' ').map((t) => (t === 'token' ? 'access_token' : t));
    for (const k of wanted) c.expect(params[k], `${k} in the posted form`).toBeNonEmptyString();
    expectSameState(c, params, request.state);
    const url = new URL(redirect.url);
    const inUrl = issued.filter((k) => url.searchParams.get(k) !== null || new URLSearchParams(url.hash.slice(1)).get(k) !== null);
    if (inUrl.length > 0) c.fail(`${inUrl.join(', ')} also came in the URL ${redirect.redirectUri}`);
  }, { soft: true });
}

/**
 * prompt=none without a session (OIDC Core §3.1.2.1): the OP MUST NOT show a page, and answers
 * with an error (one of §3.1.2.6, or invalid_request, which §3.1.2.1 allows without
 * id_token_hint). Returns the outcome for the checks of the error response's form.
 */
export async function checkPromptNoneWithoutSession(ctx: FlowContext<any>, key: string, request: CodeRequest): Promise<AuthorizeOutcome> {
  await ctx.browser.resetSession();
  const outcome = await ctx.browser.authorize(request.url);
  await ctx.check(key, (c) => {
    c.expectRedirectError(outcome, [...promptNoneErrors, 'invalid_request']);
  }, { soft: true });
  return outcome;
}

/**
 * The error response of a request whose response mode is the fragment (RFC 6749 §4.2.2.1, OIDC
 * Core §3.2.2.6, §3.3.2.6): in the fragment, with the request's state (§3.1.2.6: REQUIRED when the
 * request had one). Not applicable when no error response came back.
 */
export async function checkErrorInFragmentWithState(ctx: FlowContext<any>, key: string, outcome: AuthorizeOutcome | undefined, state: string | undefined): Promise<void> {
  await ctx.check(key, (c) => {
    if (!outcome || outcome.kind !== 'redirect' || outcome.params.error === undefined) c.notApplicable('no error response came back to judge');
    const redirect = outcome as Extract<AuthorizeOutcome, { kind: 'redirect' }>;
    c.evidence(redirect);
    c.expect(redirect.responseMode, `where error ${redirect.params.error} came`).toBe('fragment');
    expectSameState(c, redirect.params, state);
  }, { soft: true });
}
